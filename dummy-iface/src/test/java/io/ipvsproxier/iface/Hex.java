package io.ipvsproxier.iface;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hex fixtures: whitespace is ignored, so byte dumps may be laid out in columns. */
final class Hex {
    private Hex() {}

    static ByteBuffer bytes(String hex) {
        String clean = hex.replaceAll("\\s+", "");
        ByteBuffer buf = ByteBuffer.allocate(clean.length() / 2).order(ByteOrder.nativeOrder());
        for (int i = 0; i < clean.length(); i += 2) {
            buf.put((byte) Integer.parseInt(clean.substring(i, i + 2), 16));
        }
        return buf.flip();
    }

    static String of(ByteBuffer buf) {
        StringBuilder sb = new StringBuilder();
        for (int i = buf.position(); i < buf.limit(); i++) {
            sb.append(String.format("%02x", buf.get(i)));
        }
        return sb.toString();
    }

    static ByteBuffer resource(String name) {
        try (InputStream in = Hex.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            return bytes(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

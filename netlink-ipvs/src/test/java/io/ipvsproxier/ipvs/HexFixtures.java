package io.ipvsproxier.ipvs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hex text for byte fixtures. A fixture file holds datagrams as whitespace-separated hex bytes, one blank
 * line between datagrams; lines starting with {@code #} are comments; {@code ..} (padding in the
 * reference's examples) reads as 00.
 */
final class HexFixtures {
    private HexFixtures() {}

    static byte[] parse(String hex) {
        String[] tokens = hex.trim().split("\\s+");
        byte[] out = new byte[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = tokens[i].equals("..") ? 0 : (byte) Integer.parseInt(tokens[i], 16);
        }
        return out;
    }

    static String format(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bytes.length; i++) {
            sb.append(String.format("%02x", bytes[i] & 0xff)).append(i % 16 == 15 || i == bytes.length - 1 ? "\n" : " ");
        }
        return sb.toString();
    }

    /** The datagrams of {@code /fixtures/<name>.hex}, as native-order buffers. */
    static List<ByteBuffer> datagrams(String name) {
        String text;
        try (InputStream in = HexFixtures.class.getResourceAsStream("/fixtures/" + name + ".hex")) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ByteBuffer> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : (text + "\n\n").split("\n", -1)) {
            String l = line.strip();
            if (l.startsWith("#")) {
                continue;
            }
            if (l.isEmpty()) {
                if (current.length() > 0) {
                    out.add(ByteBuffer.wrap(parse(current.toString())).order(ByteOrder.nativeOrder()));
                    current.setLength(0);
                }
                continue;
            }
            current.append(l).append(' ');
        }
        return out;
    }
}

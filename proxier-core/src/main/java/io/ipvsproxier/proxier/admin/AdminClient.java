package io.ipvsproxier.proxier.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import jnr.unixsocket.UnixSocketOptions;

/** Sends one request to a proxier's {@link AdminServer} and reads the reply (the protocol is described there). */
public final class AdminClient {
    private AdminClient() {}

    /** Replies larger than this are cut off: no admin answer is that big, and a broken server must not exhaust memory. */
    static final int MAX_REPLY_BYTES = 64 * 1024 * 1024;

    /**
     * A reply: {@code ok} with the command's output, or not ok with the server's reason (the text after
     * {@code ERR }, plus any further lines).
     */
    public record Reply(boolean ok, String text) {}

    /**
     * Connects, sends {@code request} as one line, and reads the reply until the server closes the connection.
     *
     * @throws IOException when the socket cannot be reached, the reply does not come within {@code timeout},
     *                     or it is not an admin reply
     */
    public static Reply send(Path socket, String request, Duration timeout) throws IOException {
        if (request.indexOf('\n') >= 0 || request.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("an admin request is one line");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (UnixSocketChannel ch = UnixSocketChannel.open(new UnixSocketAddress(socket.toFile()))) {
            ch.setOption(UnixSocketOptions.SO_SNDTIMEO, (int) Math.max(1, timeout.toMillis()));
            ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            IOException writeFailure = null;
            try {
                while (out.hasRemaining()) {
                    if (ch.write(out) == 0) {
                        throw new IOException("the proxier does not read requests on " + socket);
                    }
                }
            } catch (IOException e) {
                // The server may answer before reading (ERR busy) and close: its reply is still there to read.
                writeFailure = e;
            }
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("no complete reply from " + socket + " within " + timeout.toSeconds() + " s");
                }
                ch.setOption(UnixSocketOptions.SO_RCVTIMEO, (int) Math.max(1, Duration.ofNanos(left).toMillis()));
                in.clear();
                int n;
                try {
                    n = ch.read(in);
                } catch (IOException e) {
                    // A server that answers without reading the request (ERR busy) closes with the request unread,
                    // and Linux then reports ECONNRESET after the reply: the reply is complete.
                    if (reply.size() > 0) {
                        break;
                    }
                    throw e;
                }
                if (n < 0) {
                    break;
                }
                reply.write(in.array(), 0, n);
                if (reply.size() > MAX_REPLY_BYTES) {
                    throw new IOException("reply from " + socket + " exceeds " + MAX_REPLY_BYTES + " bytes");
                }
            }
            if (writeFailure != null && reply.size() == 0) {
                throw writeFailure;
            }
            return parse(reply.toString(StandardCharsets.UTF_8));
        }
    }

    static Reply parse(String raw) throws IOException {
        int nl = raw.indexOf('\n');
        String first = nl < 0 ? raw : raw.substring(0, nl);
        String rest = nl < 0 ? "" : raw.substring(nl + 1);
        if (first.equals("OK")) {
            return new Reply(true, rest);
        }
        if (first.startsWith("ERR")) {
            String reason = first.length() > 3 ? first.substring(3).trim() : "";
            return new Reply(false, rest.isEmpty() ? reason : reason + "\n" + rest);
        }
        throw new IOException(raw.isEmpty() ? "the proxier closed the connection without a reply" : "not an admin reply: " + first);
    }
}

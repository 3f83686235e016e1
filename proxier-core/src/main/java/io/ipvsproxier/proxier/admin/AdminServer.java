package io.ipvsproxier.proxier.admin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.unixsocket.Credentials;
import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import jnr.unixsocket.UnixSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxier's admin interface: a Unix stream socket (default {@value #DEFAULT_SOCKET_PATH}, mode 0600 in a
 * 0700 directory, so only its owner, root, can connect) answering {@link AdminCommands}.
 *
 * <h2>Protocol</h2>
 * <ul>
 *   <li>One request per connection: a single line of UTF-8 text, at most {@value #MAX_REQUEST_BYTES} bytes
 *       with its terminating LF (a CR before the LF is ignored; end of stream also ends the line):
 *       {@code COMMAND [ARGUMENT]}, words separated by blanks. Commands: {@code status},
 *       {@code explain NAMESPACE/NAME}, {@code diff}, {@code sync}, {@code help}.</li>
 *   <li>The reply's first line is {@code OK} or {@code ERR <reason>}; after {@code OK} come the lines of the
 *       command's output. The server then closes the connection: end of stream ends the reply.</li>
 *   <li>A request that is not complete {@code requestTimeout} (default 5 s) after connecting, is longer than the
 *       limit, is not UTF-8 text or names an unknown command gets an {@code ERR} reply and the connection is closed.
 *       A client that does not read its reply within {@code writeTimeout} is dropped.</li>
 * </ul>
 *
 * <h2>Why a hung client cannot stall the proxier</h2>
 * Connections are served by a small pool of threads of their own, never the sync thread; every read and write
 * has a socket timeout (SO_RCVTIMEO / SO_SNDTIMEO); when every handler is busy a new connection is told
 * {@code ERR busy} at once instead of queueing. The worst a client can do is hold one handler for
 * {@code requestTimeout}. Peers whose uid is neither root nor the socket's owner are refused (SO_PEERCRED),
 * in case the socket's directory was made accessible to others.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    public static final String DEFAULT_SOCKET_PATH = "/run/ipvs-proxier/admin.sock";
    public static final int MAX_REQUEST_BYTES = 4096;
    /** How long, and how much, a refused client's unread input is drained before its connection is closed. */
    private static final Duration DISCARD_TIME = Duration.ofMillis(200);
    private static final long DISCARD_LIMIT_BYTES = 4L << 20;
    /** sun_path holds 108 bytes with its terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    /** Timeouts and handler count; {@link #DEFAULTS} suits production. */
    public record Options(Duration requestTimeout, Duration writeTimeout, int handlers) {
        public Options {
            if (requestTimeout.isNegative() || requestTimeout.isZero() || writeTimeout.isNegative() || writeTimeout.isZero()) {
                throw new IllegalArgumentException("admin socket timeouts must be positive");
            }
            if (handlers < 1) {
                throw new IllegalArgumentException("admin socket needs at least one handler");
            }
        }
    }

    public static final Options DEFAULTS = new Options(Duration.ofSeconds(5), Duration.ofSeconds(10), 4);

    private final Path socketPath;
    private final AdminCommands commands;
    private final Options options;
    private final UnixServerSocketChannel server;
    private final Object socketFileKey;
    private final int ownerUid;
    private final ThreadPoolExecutor handlers;
    private final Thread acceptor;
    private final Set<UnixSocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    private AdminServer(Path socketPath, AdminCommands commands, Options options, UnixServerSocketChannel server,
                        Object socketFileKey, int ownerUid) {
        this.socketPath = socketPath;
        this.commands = commands;
        this.options = options;
        this.server = server;
        this.socketFileKey = socketFileKey;
        this.ownerUid = ownerUid;
        AtomicInteger n = new AtomicInteger();
        // No queue: a connection either gets a handler now or an immediate "busy".
        this.handlers = new ThreadPoolExecutor(options.handlers(), options.handlers(), 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "admin-socket-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        this.acceptor = new Thread(this::acceptLoop, "admin-socket-acceptor");
        this.acceptor.setDaemon(true);
    }

    /** Creates the socket at {@code socketPath} with the default options and starts answering. */
    public static AdminServer start(Path socketPath, AdminCommands commands) throws IOException {
        return start(socketPath, commands, DEFAULTS);
    }

    /**
     * Creates the socket and starts answering. A stale socket file from an earlier run is replaced; a socket some
     * process still answers on, or a file that is not a socket, is an error.
     */
    public static AdminServer start(Path socketPath, AdminCommands commands, Options options) throws IOException {
        Objects.requireNonNull(commands, "commands");
        Path socket = socketPath.toAbsolutePath();
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new IOException("admin socket path is longer than " + MAX_SOCKET_PATH_BYTES + " bytes: " + socket);
        }
        prepareDirectory(socket.getParent());
        removeStale(socket);
        // Bind under a temporary name, restrict it, then rename: the socket is never reachable with a wider mode.
        Path temporary = socket.resolveSibling(socket.getFileName() + ".new");
        boolean viaTemporary = temporary.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES;
        Path bindPath = viaTemporary ? temporary : socket;
        if (viaTemporary) {
            removeStale(temporary);
        }
        UnixServerSocketChannel server = UnixServerSocketChannel.open();
        try {
            server.socket().bind(new UnixSocketAddress(bindPath.toFile()), 16);
            Files.setPosixFilePermissions(bindPath, PosixFilePermissions.fromString("rw-------"));
            if (viaTemporary) {
                Files.move(temporary, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            BasicFileAttributes attrs = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int uid = (Integer) Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            AdminServer s = new AdminServer(socket, commands, options, server, attrs.fileKey(), uid);
            s.acceptor.start();
            log.info("admin socket listening on {}", socket);
            return s;
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(bindPath);
            throw e;
        }
    }

    private static void prepareDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            // set explicitly: the mode given at creation is narrowed by the umask, never widened, but be exact
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create the admin socket's directory " + dir + ": a file is in the way", e);
        }
    }

    /** Deletes a socket file nobody answers on; refuses to touch a live socket or anything that is not a socket. */
    private static void removeStale(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes attrs = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isOther()) {
            throw new IOException(socket + " exists and is not a socket; refusing to replace it");
        }
        boolean answered;
        try (UnixSocketChannel probe = UnixSocketChannel.open(new UnixSocketAddress(socket.toFile()))) {
            answered = true;
        } catch (IOException e) {
            answered = false; // ECONNREFUSED: a socket file left by a process that is gone
        }
        if (answered) {
            throw new IOException("another process answers on " + socket + " (is another ipvs-proxier running?)");
        }
        log.info("removing stale admin socket {}", socket);
        Files.deleteIfExists(socket);
    }

    /** Where the socket is. */
    public Path socketPath() {
        return socketPath;
    }

    private void acceptLoop() {
        while (running) {
            UnixSocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!running) {
                    return;
                }
                log.warn("admin socket accept failed: {}", e.toString());
                sleepQuietly(100); // e.g. EMFILE: do not spin
                continue;
            }
            if (client == null) {
                continue;
            }
            if (!running) {
                closeQuietly(client);
                return;
            }
            open.add(client);
            try {
                handlers.execute(() -> serve(client));
            } catch (RejectedExecutionException e) {
                // every handler is busy (or we are closing): say so now rather than make the client wait
                try {
                    client.setOption(UnixSocketOptions.SO_SNDTIMEO, 200);
                    write(client, "ERR busy: every admin handler is in use, try again\n");
                } catch (IOException | RuntimeException ignored) {
                    // the client went away
                }
                close(client);
            }
        }
    }

    private void serve(UnixSocketChannel client) {
        try {
            client.setOption(UnixSocketOptions.SO_SNDTIMEO, millis(options.writeTimeout()));
            String reply = answer(client);
            if (reply != null) {
                write(client, reply);
                if (reply.startsWith("ERR ")) {
                    discardUnread(client);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("admin connection ended: {}", e.toString());
        } finally {
            close(client);
        }
    }

    /** The reply to send, or null when there is nobody to answer (connected and went away without a word). */
    private String answer(UnixSocketChannel client) throws IOException {
        if (!peerAllowed(client)) {
            return "ERR permission denied\n";
        }
        RequestLine line = readLine(client);
        if (line.error() != null) {
            return "ERR " + line.error() + "\n";
        }
        if (line.text() == null) {
            return null;
        }
        return dispatch(line.text());
    }

    private boolean peerAllowed(UnixSocketChannel client) {
        try {
            Credentials c = client.getOption(UnixSocketOptions.SO_PEERCRED);
            return c == null || allowedUid(c.getUid(), ownerUid);
        } catch (IOException | RuntimeException e) {
            // SO_PEERCRED missing: the file mode still guards the socket
            return true;
        }
    }

    /** Root and the socket's owner may use it. */
    static boolean allowedUid(int peerUid, int ownerUid) {
        return peerUid == 0 || peerUid == ownerUid;
    }

    /** A request line, or why there is none; both null when the client closed without sending anything. */
    record RequestLine(String text, String error) {}

    private RequestLine readLine(UnixSocketChannel client) throws IOException {
        long deadline = System.nanoTime() + options.requestTimeout().toNanos();
        ByteBuffer request = ByteBuffer.allocate(MAX_REQUEST_BYTES);
        ByteBuffer chunk = ByteBuffer.allocate(512);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new RequestLine(null, "timeout: no complete request line within " + options.requestTimeout().toMillis() + " ms");
            }
            client.setOption(UnixSocketOptions.SO_RCVTIMEO, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            chunk.clear();
            int n = client.read(chunk);
            if (n == 0) {
                continue; // SO_RCVTIMEO ran out; the loop checks the deadline
            }
            if (n < 0) {
                return request.position() == 0 ? new RequestLine(null, null) : decode(request, request.position());
            }
            chunk.flip();
            while (chunk.hasRemaining()) {
                byte b = chunk.get();
                if (b == '\n') {
                    return decode(request, request.position());
                }
                if (!request.hasRemaining()) {
                    return new RequestLine(null, "request too long (the limit is " + MAX_REQUEST_BYTES + " bytes per line)");
                }
                request.put(b);
            }
        }
    }

    static RequestLine decode(ByteBuffer buffer, int length) {
        int end = length;
        if (end > 0 && buffer.get(end - 1) == '\r') {
            end--;
        }
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(buffer.array(), 0, end));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            return new RequestLine(null, "malformed request: not UTF-8 text");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\t') {
                return new RequestLine(null, "malformed request: control character at offset " + i);
            }
        }
        return new RequestLine(text, null);
    }

    /** Runs one request line against the commands; always returns a reply. */
    String dispatch(String line) {
        AdminRequest request;
        try {
            request = AdminRequest.parse(line);
        } catch (AdminCommandException e) {
            return "ERR " + oneLine(e.getMessage()) + "\n";
        }
        try {
            String body = switch (request.command()) {
                case "status" -> commands.status();
                case "explain" -> commands.explain(request.service());
                case "diff" -> commands.diff();
                case "sync" -> commands.sync();
                default -> AdminRequest.USAGE;
            };
            if (body == null) {
                body = "";
            }
            return "OK\n" + body + (body.isEmpty() || body.endsWith("\n") ? "" : "\n");
        } catch (AdminCommandException e) {
            return "ERR " + oneLine(e.getMessage()) + "\n";
        } catch (RuntimeException e) {
            log.warn("admin command '{}' failed", request.command(), e);
            return "ERR internal error: " + oneLine(String.valueOf(e)) + "\n";
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace("\r", "").replace('\n', ' ');
    }

    private static void write(UnixSocketChannel client, String reply) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            if (client.write(out) == 0) {
                // SO_SNDTIMEO ran out: the client is not reading
                throw new IOException("client stopped reading its reply");
            }
        }
    }

    /**
     * Reads and drops what a refused client is still sending (the rest of an oversized request), for a short while:
     * closing a Unix socket with unread input resets the connection, and the client would lose the error reply.
     */
    private static void discardUnread(UnixSocketChannel client) throws IOException {
        long deadline = System.nanoTime() + DISCARD_TIME.toNanos();
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        long total = 0;
        while (total < DISCARD_LIMIT_BYTES) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            client.setOption(UnixSocketOptions.SO_RCVTIMEO, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            sink.clear();
            int n = client.read(sink);
            if (n < 0) {
                return;
            }
            total += n;
        }
    }

    private void close(UnixSocketChannel client) {
        open.remove(client);
        closeQuietly(client);
    }

    private static void closeQuietly(UnixSocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting, wakes and ends the connections in progress, removes the socket file (if it is still ours). */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            server.close(); // shutdown(2) + close(2): wakes the acceptor blocked in accept(2)
        } catch (IOException e) {
            log.debug("closing admin socket: {}", e.toString());
        }
        for (UnixSocketChannel c : open) {
            try {
                c.shutdownInput(); // wakes a handler blocked reading
            } catch (IOException | RuntimeException ignored) {
                // already gone
            }
        }
        handlers.shutdownNow();
        try {
            acceptor.join(2000);
            handlers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // a newer instance may have replaced the file: delete only our own socket
            if (Files.exists(socketPath, LinkOption.NOFOLLOW_LINKS)
                && Objects.equals(Files.readAttributes(socketPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey(), socketFileKey)) {
                Files.delete(socketPath);
            }
        } catch (IOException e) {
            log.warn("cannot remove admin socket {}: {}", socketPath, e.toString());
        }
    }
}

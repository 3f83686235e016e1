package io.ipvsproxier.proxier.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ipvsproxier.proxier.plan.ServiceRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import jnr.unixsocket.UnixSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServerTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final AtomicInteger syncs = new AtomicInteger();
    private final List<UnixSocketChannel> rawClients = new ArrayList<>();
    private AdminServer server;

    /** Answers like a small proxier: one known Service, a diff, and a status that breaks on demand. */
    private final AtomicBoolean statusBroken = new AtomicBoolean();

    private final AdminCommands commands = new AdminCommands() {
        @Override
        public String status() {
            if (statusBroken.get()) {
                throw new IllegalStateException("metrics not ready");
            }
            return "last sync: never\nservices: 1";
        }

        @Override
        public String explain(ServiceRef service) {
            if (!service.equals(new ServiceRef("default", "web"))) {
                throw new AdminCommandException("no Service " + service + " is known to the proxier");
            }
            return "Service default/web\n  TCP 10.96.0.20:80\n";
        }

        @Override
        public String diff() {
            return "in sync\n";
        }

        @Override
        public String sync() {
            syncs.incrementAndGet();
            return "full sync requested";
        }
    };

    @AfterEach
    void stop() throws IOException {
        for (UnixSocketChannel c : rawClients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private AdminServer start(Duration requestTimeout, int handlers) throws IOException {
        server = AdminServer.start(dir.resolve("run").resolve("admin.sock"), commands,
            new AdminServer.Options(requestTimeout, Duration.ofSeconds(5), handlers));
        return server;
    }

    private AdminClient.Reply ask(String request) throws IOException {
        return AdminClient.send(server.socketPath(), request, CLIENT_TIMEOUT);
    }

    private UnixSocketChannel connectRaw() throws IOException {
        UnixSocketChannel c = UnixSocketChannel.open(new UnixSocketAddress(server.socketPath().toFile()));
        c.setOption(UnixSocketOptions.SO_RCVTIMEO, 10_000);
        rawClients.add(c);
        return c;
    }

    /** Sends raw bytes (no framing help) and reads the reply until the server closes. */
    private String raw(byte[] request, boolean closeOutput) throws IOException {
        UnixSocketChannel c = connectRaw();
        ByteBuffer out = ByteBuffer.wrap(request);
        try {
            while (out.hasRemaining()) {
                c.write(out);
            }
        } catch (IOException e) {
            // the server may stop reading an oversized request and close: its reply is still readable
        }
        if (closeOutput) {
            c.shutdownOutput();
        }
        return readAll(c);
    }

    private static String readAll(UnixSocketChannel c) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(4096);
        while (true) {
            in.clear();
            int n = c.read(in);
            if (n < 0) {
                return got.toString(StandardCharsets.UTF_8);
            }
            if (n == 0) {
                throw new IOException("no reply within the client's timeout; got so far: " + got);
            }
            got.write(in.array(), 0, n);
        }
    }

    @Test
    void roundTripsOfEveryCommand() throws Exception {
        start(Duration.ofSeconds(5), 4);
        AdminClient.Reply status = ask("status");
        assertThat(status.ok()).isTrue();
        assertThat(status.text()).isEqualTo("last sync: never\nservices: 1\n");

        assertThat(ask("explain default/web")).isEqualTo(new AdminClient.Reply(true, "Service default/web\n  TCP 10.96.0.20:80\n"));
        assertThat(ask("diff")).isEqualTo(new AdminClient.Reply(true, "in sync\n"));
        assertThat(ask("sync")).isEqualTo(new AdminClient.Reply(true, "full sync requested\n"));
        assertThat(syncs.get()).isEqualTo(1);
        assertThat(ask("  STATUS  ").ok()).isTrue();
        assertThat(ask("help").text()).contains("explain NAMESPACE/NAME");
    }

    @Test
    void badRequestsGetErrorReplies() throws Exception {
        start(Duration.ofSeconds(5), 4);
        assertThat(ask("reboot")).isEqualTo(new AdminClient.Reply(false,
            "unknown command 'reboot'; commands: status | explain NAMESPACE/NAME | diff | sync | help"));
        assertThat(ask("")).isEqualTo(new AdminClient.Reply(false,
            "empty request; commands: status | explain NAMESPACE/NAME | diff | sync | help"));
        assertThat(ask("explain")).isEqualTo(new AdminClient.Reply(false, "usage: explain NAMESPACE/NAME"));
        assertThat(ask("explain web")).isEqualTo(new AdminClient.Reply(false, "expected NAMESPACE/NAME, got 'web'"));
        assertThat(ask("explain default/missing")).isEqualTo(new AdminClient.Reply(false,
            "no Service default/missing is known to the proxier"));
        assertThat(ask("status now")).isEqualTo(new AdminClient.Reply(false, "status takes no argument"));
        assertThat(ask("x".repeat(100))).isEqualTo(new AdminClient.Reply(false,
            "unknown command '" + "x".repeat(40) + "...'; commands: status | explain NAMESPACE/NAME | diff | sync | help"));
    }

    @Test
    void aFailingCommandIsAnInternalErrorReplyAndTheServerGoesOn() throws Exception {
        start(Duration.ofSeconds(5), 4);
        statusBroken.set(true);
        assertThat(ask("status")).isEqualTo(new AdminClient.Reply(false,
            "internal error: java.lang.IllegalStateException: metrics not ready"));
        assertThat(ask("diff").ok()).isTrue();
    }

    @Test
    void oversizedRequestsAreRefused() throws Exception {
        start(Duration.ofSeconds(5), 4);
        String tooLong = "explain default/" + "a".repeat(AdminServer.MAX_REQUEST_BYTES) + "\n";
        assertThat(raw(tooLong.getBytes(StandardCharsets.UTF_8), false))
            .isEqualTo("ERR request too long (the limit is 4096 bytes per line)\n");
        // exactly at the limit: 4095 bytes and the LF
        String atLimit = "explain default/" + "a".repeat(AdminServer.MAX_REQUEST_BYTES - 17) + "\n";
        assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(AdminServer.MAX_REQUEST_BYTES);
        assertThat(raw(atLimit.getBytes(StandardCharsets.UTF_8), false)).startsWith("ERR no Service default/aaa");
        // a megabyte of garbage without a line end
        byte[] flood = new byte[1 << 20];
        java.util.Arrays.fill(flood, (byte) 'z');
        assertThat(raw(flood, false)).isEqualTo("ERR request too long (the limit is 4096 bytes per line)\n");
        assertThat(ask("status").ok()).isTrue();
    }

    @Test
    void garbageIsRefused() throws Exception {
        start(Duration.ofSeconds(5), 4);
        assertThat(raw(new byte[] {(byte) 0xff, (byte) 0xfe, 's', '\n'}, false)).isEqualTo("ERR malformed request: not UTF-8 text\n");
        assertThat(raw("sta\u0000tus\n".getBytes(StandardCharsets.UTF_8), false)).isEqualTo("ERR malformed request: control character at offset 3\n");
        assertThat(raw("\u001b[2Jstatus\n".getBytes(StandardCharsets.UTF_8), false)).isEqualTo("ERR malformed request: control character at offset 0\n");
        // CR LF and a line ended by end of stream are fine
        assertThat(raw("diff\r\n".getBytes(StandardCharsets.UTF_8), false)).isEqualTo("OK\nin sync\n");
        assertThat(raw("diff".getBytes(StandardCharsets.UTF_8), true)).isEqualTo("OK\nin sync\n");
        // only the first line of a connection is a request
        assertThat(raw("diff\nsync\n".getBytes(StandardCharsets.UTF_8), false)).isEqualTo("OK\nin sync\n");
        assertThat(syncs.get()).isZero();
    }

    @Test
    void aSilentClientDoesNotStallOthersAndIsTimedOut() throws Exception {
        start(Duration.ofMillis(1500), 4);
        UnixSocketChannel silent = connectRaw();
        UnixSocketChannel halfLine = connectRaw();
        halfLine.write(ByteBuffer.wrap("stat".getBytes(StandardCharsets.UTF_8)));
        long t0 = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(ask("status").ok()).isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500));
        assertThat(readAll(silent)).isEqualTo("ERR timeout: no complete request line within 1500 ms\n");
        assertThat(readAll(halfLine)).isEqualTo("ERR timeout: no complete request line within 1500 ms\n");
    }

    @Test
    void whenEveryHandlerIsHeldNewClientsHearBusyAtOnce() throws Exception {
        start(Duration.ofSeconds(3), 2);
        UnixSocketChannel a = connectRaw();
        UnixSocketChannel b = connectRaw();
        Thread.sleep(200); // both now hold a handler, reading
        long t0 = System.nanoTime();
        AdminClient.Reply busy = ask("status");
        assertThat(busy).isEqualTo(new AdminClient.Reply(false, "busy: every admin handler is in use, try again"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        a.close();
        b.close();
        // the handlers come back: a closed client ends its handler's read at once
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        AdminClient.Reply r = ask("status");
        while (!r.ok() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            r = ask("status");
        }
        assertThat(r.ok()).isTrue();
    }

    @Test
    void socketIsOwnerOnlyInAPrivateDirectory() throws Exception {
        start(Duration.ofSeconds(5), 4);
        Path socket = server.socketPath();
        assertThat(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(socket.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.exists(socket.resolveSibling("admin.sock.new"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void closeRemovesTheSocketAndEndsWaitingClients() throws Exception {
        start(Duration.ofSeconds(30), 4);
        UnixSocketChannel silent = connectRaw();
        Thread.sleep(100);
        long t0 = System.nanoTime();
        server.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(Files.exists(dir.resolve("run").resolve("admin.sock"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        // the silent client's connection ends instead of hanging until the request timeout
        ByteBuffer in = ByteBuffer.allocate(64);
        int n = silent.read(in);
        assertThat(n).isNotZero();
        assertThatThrownBy(() -> AdminClient.send(dir.resolve("run").resolve("admin.sock"), "status", CLIENT_TIMEOUT))
            .isInstanceOf(IOException.class);
    }

    @Test
    void aStaleSocketIsReplacedButALiveOneOrAFileIsNot() throws Exception {
        Path socket = dir.resolve("run").resolve("admin.sock");
        start(Duration.ofSeconds(5), 4);
        // a second server on the same path while the first answers
        assertThatThrownBy(() -> AdminServer.start(socket, commands))
            .isInstanceOf(IOException.class).hasMessageContaining("another process answers on");
        assertThat(ask("status").ok()).isTrue();

        // a stale socket: bound by a process that is gone (here: a channel closed without removing its file)
        server.close();
        server = null;
        jnr.unixsocket.UnixServerSocketChannel stale = jnr.unixsocket.UnixServerSocketChannel.open();
        stale.socket().bind(new UnixSocketAddress(socket.toFile()));
        stale.close();
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isTrue();
        server = AdminServer.start(socket, commands);
        assertThat(ask("status").ok()).isTrue();
        server.close();
        server = null;

        Files.writeString(socket, "not a socket");
        assertThatThrownBy(() -> AdminServer.start(socket, commands))
            .isInstanceOf(IOException.class).hasMessageContaining("is not a socket");
        assertThat(Files.readString(socket)).isEqualTo("not a socket");
    }

    @Test
    void peerUidCheck() {
        assertThat(AdminServer.allowedUid(0, 1000)).isTrue();
        assertThat(AdminServer.allowedUid(1000, 1000)).isTrue();
        assertThat(AdminServer.allowedUid(1001, 1000)).isFalse();
    }

    @Test
    void tooLongSocketPathIsAClearError() {
        Path deep = dir.resolve("d".repeat(120)).resolve("admin.sock");
        assertThatThrownBy(() -> AdminServer.start(deep, commands))
            .isInstanceOf(IOException.class).hasMessageContaining("longer than 107 bytes");
    }
}

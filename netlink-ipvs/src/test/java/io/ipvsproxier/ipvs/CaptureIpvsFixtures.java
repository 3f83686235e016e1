package io.ipvsproxier.ipvs;

import io.ipvsproxier.netlink.JnrNetlinkSocket;
import io.ipvsproxier.netlink.Netlink;
import io.ipvsproxier.netlink.NetlinkConnection;
import io.ipvsproxier.netlink.NetlinkException;
import io.ipvsproxier.netlink.NetlinkSocket;
import io.ipvsproxier.netlink.SyscallCounter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Captures the kernel's raw IPVS replies into the hex fixtures that {@code IpvsCodecDecodeTest} decodes.
 * Run it as root in a kernel with IPVS (the kernel lab), in a network namespace it may change:
 * {@code bin/kernel-lab -- java -cp <test classpath> io.ipvsproxier.ipvs.CaptureIpvsFixtures <folder>}.
 * It builds the table with ipvsadm (the independent reference), sends some traffic through one service so
 * its counters move, then records every datagram the client receives for each request.
 */
public final class CaptureIpvsFixtures {
    private CaptureIpvsFixtures() {}

    private static final String[][] SETUP = {
        {"ip", "link", "add", "fixture0", "type", "dummy"},
        {"ip", "addr", "add", "10.96.0.10/32", "dev", "fixture0"},
        {"ip", "link", "set", "fixture0", "up"},
        {"ipvsadm", "-C"},
        {"ipvsadm", "-A", "-t", "10.96.0.10:80", "-s", "rr"},
        {"ipvsadm", "-a", "-t", "10.96.0.10:80", "-r", "10.96.0.10:80"},
        {"ipvsadm", "-A", "-t", "[fd00::10]:443", "-s", "sh", "-b", "sh-fallback,sh-port", "-p", "600", "-M", "64"},
        {"ipvsadm", "-a", "-t", "[fd00::10]:443", "-r", "[fd00::20]:8443", "-m", "-w", "2"},
        {"ipvsadm", "-A", "-f", "7", "-s", "wlc"},
        {"ipvsadm", "-a", "-f", "7", "-r", "10.1.1.1", "-g"},
        {"ipvsadm", "-A", "-f", "8", "-6", "-s", "mh", "-b", "mh-fallback"},
        {"ipvsadm", "-A", "-u", "10.96.0.53:5060", "-s", "rr", "-o", "-p", "60", "--pe", "sip"},
        {"ipvsadm", "-A", "-t", "10.96.0.11:443", "-s", "wrr"},
        {"ipvsadm", "-a", "-t", "10.96.0.11:443", "-r", "10.244.1.5:8443", "-m", "-w", "5", "-x", "100", "-y", "10"},
        {"ipvsadm", "-a", "-t", "10.96.0.11:443", "-r", "10.244.1.6", "-g", "-w", "1"},
        {"ipvsadm", "-a", "-t", "10.96.0.11:443", "-r", "10.244.1.7", "-i", "-w", "0"},
        {"ipvsadm", "--set", "1000", "130", "310"},
    };

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "fixtures");
        Files.createDirectories(out);
        StringBuilder state = new StringBuilder();
        for (String[] cmd : SETUP) {
            run(cmd);
            state.append("# ").append(String.join(" ", cmd)).append('\n');
        }
        int connections = traffic();
        state.append("# then ").append(connections).append(" TCP connections to 10.96.0.10:80 (local real server)\n");

        RecordingSocket socket = new RecordingSocket(JnrNetlinkSocket.open(Netlink.NETLINK_GENERIC, Duration.ofSeconds(10)));
        String kernel = "Linux " + System.getProperty("os.version") + " " + System.getProperty("os.arch")
            + (System.getenv("KERNEL_LAB_KERNEL") != null ? " (kernel lab: " + System.getenv("KERNEL_LAB_KERNEL") + ")" : "");
        NetlinkConnection connection = new NetlinkConnection(socket);
        try (IpvsClient client = new IpvsClient(connection)) {
            save(out, "family", kernel, "CTRL_CMD_GETFAMILY \"IPVS\": NEWFAMILY reply, then ACK", "", List.copyOf(socket.datagrams));
            ServiceKey tcp = ServiceKey.of(Protocol.TCP, Addresses.parse("10.96.0.10"), 80);
            ServiceKey v6 = ServiceKey.of(Protocol.TCP, Addresses.parse("fd00::10"), 443);
            ServiceKey dests = ServiceKey.of(Protocol.TCP, Addresses.parse("10.96.0.11"), 443);
            ServiceKey missing = ServiceKey.of(Protocol.TCP, Addresses.parse("10.96.0.99"), 80);

            capture(out, socket, kernel, state, "service-dump", "IPVS_CMD_GET_SERVICE dump: every service, then DONE",
                client::services);
            capture(out, socket, kernel, state, "service-get-ipv6-persistent", "IPVS_CMD_GET_SERVICE doit TCP [fd00::10]:443: reply, then ACK",
                () -> client.service(v6));
            capture(out, socket, kernel, state, "dest-dump-forwarding", "IPVS_CMD_GET_DEST dump of TCP 10.96.0.11:443, then DONE",
                () -> client.destinations(dests));
            capture(out, socket, kernel, state, "dest-dump-traffic", "IPVS_CMD_GET_DEST dump of TCP 10.96.0.10:80 after traffic, then DONE",
                () -> client.destinations(tcp));
            capture(out, socket, kernel, state, "info", "IPVS_CMD_GET_INFO: SET_INFO reply, then ACK", client::info);
            capture(out, socket, kernel, state, "config", "IPVS_CMD_GET_CONFIG: SET_CONFIG reply, then ACK", client::timeouts);
            capture(out, socket, kernel, state, "error-esrch", "IPVS_CMD_GET_SERVICE doit TCP 10.96.0.99:80 (missing): NLMSG_ERROR -ESRCH",
                () -> client.service(missing));
            capture(out, socket, kernel, state, "error-enoent-scheduler", "IPVS_CMD_NEW_SERVICE TCP 10.96.0.99:80 scheduler \"nosuch\": NLMSG_ERROR -ENOENT",
                () -> {
                    // Straight through the connection: the client would also re-resolve the family after ENOENT.
                    try {
                        connection.call(client.codec().newService(VirtualServer.of(missing, "nosuch")));
                    } catch (NetlinkException expected) {
                        return expected.errno();
                    }
                    return 0;
                });
            client.zero(Optional.empty());
        }
        System.out.println("fixtures written to " + out.toAbsolutePath());
    }

    private interface Exchange {
        Object run() throws Exception;
    }

    private static void capture(Path out, RecordingSocket socket, String kernel, StringBuilder state, String name,
                                String what, Exchange exchange) throws Exception {
        socket.clear();
        Object result = exchange.run();
        System.out.println(name + ": " + result);
        save(out, name, kernel, what, state.toString(), socket.datagrams);
    }

    private static void save(Path out, String name, String kernel, String what, String state, List<byte[]> datagrams)
            throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(what).append('\n');
        sb.append("# Captured from ").append(kernel).append(" by CaptureIpvsFixtures (raw datagrams as received;\n");
        sb.append("# host byte order little-endian; the nlmsg_pid is the capturing socket's port id).\n");
        if (!state.isEmpty()) {
            sb.append("# IPVS table built with:\n").append(state);
        }
        for (int i = 0; i < datagrams.size(); i++) {
            sb.append("\n# datagram ").append(i + 1).append(", ").append(datagrams.get(i).length).append(" bytes\n");
            sb.append(HexFixtures.format(datagrams.get(i)));
        }
        Files.writeString(out.resolve(name + ".hex"), sb.toString());
    }

    /** Opens a few connections through the first service (its real server is this host), so counters move. */
    private static int traffic() throws IOException, InterruptedException {
        int done = 0;
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("0.0.0.0", 80));
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        InputStream in = s.getInputStream();
                        byte[] buf = new byte[64];
                        int n = in.read(buf);
                        OutputStream o = s.getOutputStream();
                        o.write(("echo " + new String(buf, 0, Math.max(n, 0), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            for (int i = 0; i < 5; i++) {
                try (Socket c = new Socket()) {
                    c.connect(new InetSocketAddress("10.96.0.10", 80), 2000);
                    c.setSoTimeout(2000);
                    c.getOutputStream().write(("hello " + i).getBytes(StandardCharsets.US_ASCII));
                    c.getInputStream().readAllBytes();
                    done++;
                } catch (IOException e) {
                    System.out.println("traffic: " + e);
                }
            }
        }
        // Let the rate estimator (2 s period) see the traffic.
        Thread.sleep(4500);
        return done;
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            System.out.println("warning: " + String.join(" ", cmd) + " failed: " + output.strip());
        }
    }

    /** Passes everything through and keeps a copy of every datagram received. */
    private static final class RecordingSocket implements NetlinkSocket {
        private final NetlinkSocket delegate;
        final List<byte[]> datagrams = new ArrayList<>();

        RecordingSocket(NetlinkSocket delegate) {
            this.delegate = delegate;
        }

        void clear() {
            datagrams.clear();
        }

        @Override
        public void send(ByteBuffer buf) {
            delegate.send(buf);
        }

        @Override
        public int receive(ByteBuffer buf) {
            int n = delegate.receive(buf);
            keep(buf);
            return n;
        }

        @Override
        public int receiveMany(ByteBuffer[] buffers) {
            int n = delegate.receiveMany(buffers);
            for (int i = 0; i < n; i++) {
                keep(buffers[i]);
            }
            return n;
        }

        private void keep(ByteBuffer datagram) {
            byte[] copy = new byte[datagram.remaining()];
            datagram.duplicate().get(copy);
            datagrams.add(copy);
        }

        @Override
        public int portId() {
            return delegate.portId();
        }

        @Override
        public void joinGroup(int group) {
            delegate.joinGroup(group);
        }

        @Override
        public SyscallCounter counter() {
            return delegate.counter();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}

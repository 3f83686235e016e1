package io.ipvsproxier.ipvs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.Errno;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every {@link IpvsClient} operation against a real kernel, with ipvsadm as the independent witness:
 * what the library writes, ipvsadm must list; what ipvsadm writes, the library must read. Runs in the
 * kernel lab (bin/kernel-tests); each test starts from an empty IPVS table.
 */
@Tag("kernel")
class IpvsClientKernelTest {
    private static final IpvsTimeouts DEFAULT_TIMEOUTS = new IpvsTimeouts(900, 120, 300);
    private static IpvsClient client;

    @BeforeAll
    static void open() {
        client = IpvsClient.open();
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.flush();
            client.setTimeouts(DEFAULT_TIMEOUTS);
            client.close();
        }
    }

    @BeforeEach
    void emptyTable() {
        client.flush();
        assertThat(saved()).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private static InetAddress ip(String s) {
        return Addresses.parse(s);
    }

    private static ServiceKey tcp(String address, int port) {
        return ServiceKey.of(Protocol.TCP, ip(address), port);
    }

    private record Run(int status, String out) {}

    private static Run run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish");
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs ipvsadm with {@code args}; it must succeed. */
    private static String ipvsadm(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ipvsadm";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Run r = run(cmd);
        assertThat(r.status()).as("%s\n%s", String.join(" ", cmd), r.out()).isZero();
        return r.out();
    }

    /** {@code ipvsadm -S -n}: the table as the commands that would rebuild it, one per line. */
    private static List<String> saved() {
        return lines(ipvsadm("-S", "-n"));
    }

    /** The lines of a listing with runs of blanks collapsed, without the header. */
    private static List<String> listing(String... args) {
        return lines(ipvsadm(args)).stream().filter(l -> !l.startsWith("IP Virtual Server") && !l.startsWith("Prot ")
            && !l.equals("-> RemoteAddress:Port")).toList();
    }

    private static List<String> lines(String text) {
        return text.lines().map(l -> l.strip().replaceAll("\\s+", " ")).filter(l -> !l.isEmpty()).toList();
    }

    private static ServiceEntry readBack(ServiceKey key) {
        return client.service(key).orElseThrow(() -> new AssertionError("the library cannot read " + key));
    }

    private static IpvsException refused(Runnable op) {
        try {
            op.run();
        } catch (IpvsException e) {
            return e;
        }
        throw new AssertionError("the kernel accepted an operation it should refuse");
    }

    // ------------------------------------------------------------------ info, flush, timeouts

    @Test
    void infoReportsTheKernelsIpvsVersion() {
        IpvsInfo info = client.info();
        assertThat(info.version()).isEqualTo("1.2.1");
        assertThat(info.versionCode()).isEqualTo(0x010201);
        assertThat(lines(ipvsadm("-L", "-n")).get(0))
            .isEqualTo("IP Virtual Server version 1.2.1 (size=" + info.connectionTableSize() + ")");
    }

    @Test
    void flushDeletesEveryServiceAndIsFineOnAnEmptyTable() {
        ipvsadm("-A", "-t", "10.0.0.1:80", "-s", "rr");
        ipvsadm("-A", "-f", "3", "-s", "wlc");
        ipvsadm("-a", "-f", "3", "-r", "10.1.0.1", "-g");
        client.flush();
        assertThat(saved()).isEmpty();
        assertThat(client.services()).isEmpty();
        client.flush();
    }

    @Test
    void timeoutsRoundTripAndZeroKeepsTheCurrentValue() {
        try {
            client.setTimeouts(new IpvsTimeouts(1000, 130, 310));
            assertThat(lines(ipvsadm("-L", "--timeout"))).containsExactly("Timeout (tcp tcpfin udp): 1000 130 310");
            assertThat(client.timeouts()).isEqualTo(new IpvsTimeouts(1000, 130, 310));

            client.setTimeouts(new IpvsTimeouts(0, 0, 200));
            assertThat(client.timeouts()).isEqualTo(new IpvsTimeouts(1000, 130, 200));

            ipvsadm("--set", "901", "121", "301");
            assertThat(client.timeouts()).isEqualTo(new IpvsTimeouts(901, 121, 301));
        } finally {
            client.setTimeouts(DEFAULT_TIMEOUTS);
        }
        assertThat(client.timeouts()).isEqualTo(DEFAULT_TIMEOUTS);
    }

    // ------------------------------------------------------------------ services

    @Test
    void servicesWrittenByTheLibraryAreListedByIpvsadm() {
        client.addService(VirtualServer.of(tcp("10.96.0.10", 80), "rr"));
        client.addService(VirtualServer.of(ServiceKey.of(Protocol.UDP, ip("fd00::a"), 53), "wlc"));
        client.addService(VirtualServer.of(ServiceKey.of(Protocol.SCTP, ip("10.96.0.12"), 3868), "sh")
            .withFlags(ServiceFlags.SCHED1 | ServiceFlags.SCHED2));
        client.addService(VirtualServer.of(ServiceKey.ofFwmark(ServiceKey.AF_INET, 7), "lc"));
        client.addService(VirtualServer.of(ServiceKey.ofFwmark(ServiceKey.AF_INET6, 8), "mh").withFlags(ServiceFlags.SCHED1));
        client.addService(new VirtualServer(tcp("10.96.0.13", 443), "wlc", ServiceFlags.PERSISTENT, 300, 0xffffff00, null));
        client.addService(new VirtualServer(tcp("fd00::13", 443), "rr", ServiceFlags.PERSISTENT, 10800, 64, null));
        client.addService(new VirtualServer(ServiceKey.of(Protocol.UDP, ip("10.96.0.53"), 5060), "rr",
            ServiceFlags.ONEPACKET | ServiceFlags.PERSISTENT, 60, 0xffffffff, "sip"));

        assertThat(saved()).containsExactlyInAnyOrder(
            "-A -t 10.96.0.10:80 -s rr",
            "-A -u [fd00::a]:53 -s wlc",
            "-A --sctp-service 10.96.0.12:3868 -s sh -b sh-fallback,sh-port",
            "-A -f 7 -s lc",
            "-A -f 8 -6 -s mh -b mh-fallback",
            "-A -t 10.96.0.13:443 -s wlc -p 300 -M 255.255.255.0",
            "-A -t [fd00::13]:443 -s rr -p 10800 -M 64",
            "-A -u 10.96.0.53:5060 -s rr -p 60 --pe sip -o");
    }

    @Test
    void servicesWrittenByIpvsadmAreReadByTheLibrary() {
        ipvsadm("-A", "-t", "10.96.0.10:80", "-s", "rr");
        ipvsadm("-A", "-u", "[fd00::a]:53", "-s", "wlc");
        ipvsadm("-A", "--sctp-service", "10.96.0.12:3868", "-s", "sh", "-b", "sh-fallback,sh-port");
        ipvsadm("-A", "-f", "7", "-s", "lc");
        ipvsadm("-A", "-f", "8", "-6", "-s", "mh", "-b", "mh-port,flag-3");
        ipvsadm("-A", "-t", "10.96.0.13:443", "-s", "wlc", "-p", "300", "-M", "255.255.255.0");
        ipvsadm("-A", "-t", "[fd00::13]:443", "-s", "rr", "-p", "10800", "-M", "64");
        ipvsadm("-A", "-u", "10.96.0.53:5060", "-s", "rr", "-o", "-p", "60", "--pe", "sip");

        List<VirtualServer> expected = List.of(
            VirtualServer.of(tcp("10.96.0.10", 80), "rr"),
            VirtualServer.of(ServiceKey.of(Protocol.UDP, ip("fd00::a"), 53), "wlc"),
            VirtualServer.of(ServiceKey.of(Protocol.SCTP, ip("10.96.0.12"), 3868), "sh")
                .withFlags(ServiceFlags.SCHED1 | ServiceFlags.SCHED2),
            VirtualServer.of(ServiceKey.ofFwmark(ServiceKey.AF_INET, 7), "lc"),
            VirtualServer.of(ServiceKey.ofFwmark(ServiceKey.AF_INET6, 8), "mh").withFlags(ServiceFlags.SCHED2 | ServiceFlags.SCHED3),
            new VirtualServer(tcp("10.96.0.13", 443), "wlc", ServiceFlags.PERSISTENT, 300, 0xffffff00, null),
            new VirtualServer(tcp("fd00::13", 443), "rr", ServiceFlags.PERSISTENT, 10800, 64, null),
            new VirtualServer(ServiceKey.of(Protocol.UDP, ip("10.96.0.53"), 5060), "rr",
                ServiceFlags.ONEPACKET | ServiceFlags.PERSISTENT, 60, 0xffffffff, "sip"));

        assertThat(client.services()).extracting(ServiceEntry::server).containsExactlyInAnyOrderElementsOf(expected);
        for (VirtualServer vs : expected) {
            assertThat(readBack(vs.key()).server()).isEqualTo(vs);
        }
    }

    @Test
    void everySchedulerOfTheKernelRoundTrips() {
        List<String> schedulers = List.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "mh", "fo", "ovf");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < schedulers.size(); i++) {
            ServiceKey key = tcp("10.0.0.1", 1000 + i);
            client.addService(VirtualServer.of(key, schedulers.get(i)));
            assertThat(readBack(key).server().scheduler()).isEqualTo(schedulers.get(i));
            expected.add("-A -t 10.0.0.1:" + (1000 + i) + " -s " + schedulers.get(i));
        }
        assertThat(saved()).containsExactlyInAnyOrderElementsOf(expected);

        // twos (power of two choices) exists only in recent kernels: library and ipvsadm must agree.
        ServiceKey twos = tcp("10.0.0.2", 80);
        Run viaIpvsadm = run("ipvsadm", "-A", "-t", "10.0.0.2:81", "-s", "twos");
        if (viaIpvsadm.status() == 0) {
            client.addService(VirtualServer.of(twos, "twos"));
            assertThat(readBack(twos).server().scheduler()).isEqualTo("twos");
        } else {
            assertThat(viaIpvsadm.out().strip()).isEqualTo("Scheduler or persistence engine not found");
            IpvsException e = refused(() -> client.addService(VirtualServer.of(twos, "twos")));
            assertThat(e.errno()).isEqualTo(Errno.ENOENT);
            assertThat(e.ipvsadmMessage()).isEqualTo(viaIpvsadm.out().strip());
        }
    }

    @Test
    void schedulerFlagThreeRoundTripsThroughTheKernel() {
        ServiceKey key = tcp("10.0.0.1", 80);
        client.addService(VirtualServer.of(key, "mh").withFlags(ServiceFlags.SCHED3 | ServiceFlags.SCHED1));
        assertThat(readBack(key).server().flags()).isEqualTo(ServiceFlags.SCHED3 | ServiceFlags.SCHED1);
        assertThat(saved()).containsExactly("-A -t 10.0.0.1:80 -s mh -b mh-fallback");
    }

    @Test
    void updateServiceReplacesSchedulerFlagsAndPersistence() {
        ServiceKey key = tcp("10.96.0.10", 80);
        client.addService(new VirtualServer(key, "rr", ServiceFlags.PERSISTENT, 300, 0xffffffff, null));
        client.updateService(VirtualServer.of(key, "sh").withFlags(ServiceFlags.SCHED1));
        assertThat(saved()).containsExactly("-A -t 10.96.0.10:80 -s sh -b sh-fallback");
        assertThat(readBack(key).server()).isEqualTo(VirtualServer.of(key, "sh").withFlags(ServiceFlags.SCHED1));

        ipvsadm("-E", "-t", "10.96.0.10:80", "-s", "wrr", "-p", "600");
        assertThat(readBack(key).server()).isEqualTo(new VirtualServer(key, "wrr", ServiceFlags.PERSISTENT, 600, 0xffffffff, null));
    }

    @Test
    void deleteServiceRemovesItWithItsDestinations() {
        ipvsadm("-A", "-t", "10.96.0.10:80", "-s", "rr");
        ipvsadm("-a", "-t", "10.96.0.10:80", "-r", "10.244.1.5:8080", "-m");
        ipvsadm("-A", "-t", "10.96.0.11:80", "-s", "rr");
        client.deleteService(tcp("10.96.0.10", 80));
        assertThat(saved()).containsExactly("-A -t 10.96.0.11:80 -s rr");
        assertThat(client.service(tcp("10.96.0.10", 80))).isEmpty();
    }

    // ------------------------------------------------------------------ destinations

    @Test
    void destinationsWrittenByTheLibraryAreListedByIpvsadm() {
        ServiceKey key = tcp("10.96.0.10", 80);
        client.addService(VirtualServer.of(key, "wrr"));
        client.addDestination(key, RealServer.masq(ip("10.244.1.5"), 8080, 1));
        client.addDestination(key, new RealServer(ip("10.244.1.6"), 8080, 0, ForwardingMethod.MASQ, 100, 10));
        client.addDestination(key, new RealServer(ip("10.244.1.7"), 80, 3, ForwardingMethod.TUNNEL, 0, 0));
        client.addDestination(key, new RealServer(ip("10.244.1.8"), 80, 65535, ForwardingMethod.ROUTE, 0, 0));
        client.addDestination(key, new RealServer(ip("10.244.1.9"), 80, 2, ForwardingMethod.LOCAL, 0, 0));
        ServiceKey v6 = ServiceKey.of(Protocol.UDP, ip("fd00::a"), 53);
        client.addService(VirtualServer.of(v6, "rr"));
        client.addDestination(v6, RealServer.masq(ip("fd00::20"), 5353, 4));

        assertThat(saved()).contains(
            "-a -t 10.96.0.10:80 -r 10.244.1.5:8080 -m -w 1",
            "-a -t 10.96.0.10:80 -r 10.244.1.6:8080 -m -w 0",
            "-a -t 10.96.0.10:80 -r 10.244.1.7:80 -i -w 3 --tun-type ipip",
            "-a -t 10.96.0.10:80 -r 10.244.1.8:80 -g -w 65535",
            "-a -u [fd00::a]:53 -r [fd00::20]:5353 -m -w 4");
        assertThat(listing("-L", "-n")).contains("-> 10.244.1.9:80 Local 2 0 0");
        assertThat(listing("-L", "-n", "--thresholds")).contains("-> 10.244.1.6:8080 100 10 0 0", "-> 10.244.1.5:8080 0 0 0 0");
    }

    @Test
    void destinationsWrittenByIpvsadmAreReadByTheLibrary() {
        ipvsadm("-A", "-t", "10.96.0.10:80", "-s", "wrr");
        ipvsadm("-a", "-t", "10.96.0.10:80", "-r", "10.244.1.5:8080", "-m", "-w", "5", "-x", "100", "-y", "10");
        ipvsadm("-a", "-t", "10.96.0.10:80", "-r", "10.244.1.6", "-g", "-w", "0");
        ipvsadm("-a", "-t", "10.96.0.10:80", "-r", "10.244.1.7", "-i", "-w", "2");
        ipvsadm("-A", "-t", "[fd00::10]:443", "-s", "rr");
        ipvsadm("-a", "-t", "[fd00::10]:443", "-r", "[fd00::20]:8443", "-m", "-w", "2", "-x", "7", "-y", "3");
        ipvsadm("-A", "-f", "9", "-s", "rr");
        ipvsadm("-a", "-f", "9", "-r", "10.1.1.1", "-g");

        assertThat(client.destinations(tcp("10.96.0.10", 80))).extracting(DestinationEntry::server).containsExactlyInAnyOrder(
            new RealServer(ip("10.244.1.5"), 8080, 5, ForwardingMethod.MASQ, 100, 10),
            new RealServer(ip("10.244.1.6"), 80, 0, ForwardingMethod.ROUTE, 0, 0),
            new RealServer(ip("10.244.1.7"), 80, 2, ForwardingMethod.TUNNEL, 0, 0));
        assertThat(client.destinations(tcp("fd00::10", 443))).extracting(DestinationEntry::server).containsExactly(
            new RealServer(ip("fd00::20"), 8443, 2, ForwardingMethod.MASQ, 7, 3));
        assertThat(client.destinations(ServiceKey.ofFwmark(ServiceKey.AF_INET, 9))).extracting(DestinationEntry::server)
            .containsExactly(new RealServer(ip("10.1.1.1"), 0, 1, ForwardingMethod.ROUTE, 0, 0));
    }

    @Test
    void updateDestinationChangesWeightForwardingAndThresholds() {
        ServiceKey key = tcp("10.96.0.10", 80);
        client.addService(VirtualServer.of(key, "wrr"));
        client.addDestination(key, RealServer.masq(ip("10.244.1.5"), 8080, 1));
        client.updateDestination(key, new RealServer(ip("10.244.1.5"), 8080, 0, ForwardingMethod.MASQ, 50, 5));
        assertThat(saved()).contains("-a -t 10.96.0.10:80 -r 10.244.1.5:8080 -m -w 0");
        assertThat(listing("-L", "-n", "--thresholds")).contains("-> 10.244.1.5:8080 50 5 0 0");

        ipvsadm("-e", "-t", "10.96.0.10:80", "-r", "10.244.1.5:8080", "-m", "-w", "9");
        assertThat(client.destinations(key)).extracting(DestinationEntry::server)
            .containsExactly(new RealServer(ip("10.244.1.5"), 8080, 9, ForwardingMethod.MASQ, 0, 0));
    }

    @Test
    void deleteDestinationLeavesTheOthers() {
        ServiceKey key = tcp("10.96.0.10", 80);
        client.addService(VirtualServer.of(key, "rr"));
        client.addDestination(key, RealServer.masq(ip("10.244.1.5"), 8080, 1));
        client.addDestination(key, RealServer.masq(ip("10.244.1.6"), 8080, 1));
        client.deleteDestination(key, new RealServer.Endpoint(ip("10.244.1.5"), 8080));
        assertThat(saved()).containsExactly("-A -t 10.96.0.10:80 -s rr", "-a -t 10.96.0.10:80 -r 10.244.1.6:8080 -m -w 1");
    }

    @Test
    void destinationsOfAServiceWithoutAnyIsEmptyAndOfAMissingServiceIsEsrch() {
        ServiceKey key = tcp("10.96.0.10", 80);
        client.addService(VirtualServer.of(key, "rr"));
        assertThat(client.destinations(key)).isEmpty();
        IpvsException e = refused(() -> client.destinations(tcp("10.96.0.99", 80)));
        assertThat(e.errno()).isEqualTo(Errno.ESRCH);
        assertThat(e.ipvsadmMessage()).isEqualTo("No such service");
        assertThat(client.service(tcp("10.96.0.99", 80))).isEmpty();
    }

    @Test
    void dumpReturnsEveryServiceWithItsDestinations() {
        ipvsadm("-A", "-t", "10.96.0.10:80", "-s", "rr");
        ipvsadm("-a", "-t", "10.96.0.10:80", "-r", "10.244.1.5:8080", "-m");
        ipvsadm("-a", "-t", "10.96.0.10:80", "-r", "10.244.1.6:8080", "-m", "-w", "3");
        ipvsadm("-A", "-u", "10.96.0.10:53", "-s", "wlc");
        ipvsadm("-A", "-f", "7", "-6", "-s", "sh");
        ipvsadm("-a", "-f", "7", "-6", "-r", "fd00::30", "-g");

        List<ServiceState> state = client.dump();
        assertThat(state).hasSize(3);
        for (ServiceState s : state) {
            assertThat(s.destinations()).isEqualTo(client.destinations(s.service().key()));
        }
        assertThat(state).filteredOn(s -> s.service().key().equals(tcp("10.96.0.10", 80))).singleElement()
            .satisfies(s -> assertThat(s.destinations()).extracting(d -> d.server().weight()).containsExactlyInAnyOrder(1, 3));
        assertThat(state).filteredOn(s -> s.service().key().isFwmark()).singleElement()
            .satisfies(s -> assertThat(s.destinations()).extracting(d -> d.server().address()).containsExactly(ip("fd00::30")));
    }

    // ------------------------------------------------------------------ counters

    @Test
    void countersMoveWithTrafficAndZeroResetsThem() throws Exception {
        run("ip", "link", "del", "ktest0");
        assertThat(run("ip", "link", "add", "ktest0", "type", "dummy").status()).isZero();
        try {
            assertThat(run("ip", "addr", "add", "10.97.0.10/32", "dev", "ktest0").status()).isZero();
            assertThat(run("ip", "link", "set", "ktest0", "up").status()).isZero();
            ServiceKey key = tcp("10.97.0.10", 8081);
            ServiceKey other = tcp("10.97.0.11", 80);
            client.addService(VirtualServer.of(key, "rr"));
            client.addService(VirtualServer.of(other, "rr"));
            client.addDestination(key, new RealServer(ip("10.97.0.10"), 8081, 1, ForwardingMethod.LOCAL, 0, 0));

            int connections = connectThrough(new InetSocketAddress("10.97.0.10", 8081), 3);
            assertThat(connections).isEqualTo(3);
            ServiceEntry busy = awaitConnections(key, 3);
            assertThat(busy.stats().packetsIn()).isGreaterThanOrEqualTo(9);
            assertThat(busy.stats().bytesIn()).isGreaterThan(0);
            DestinationEntry dest = client.destinations(key).get(0);
            assertThat(dest.stats().connections()).isEqualTo(3);
            assertThat(dest.activeConnections() + dest.inactiveConnections()).isEqualTo(3);
            assertThat(listing("-L", "-n", "--stats")).anySatisfy(l -> assertThat(l).startsWith("TCP 10.97.0.10:8081 3 "));

            IpvsException e = refused(() -> client.zero(Optional.of(tcp("10.97.0.99", 80))));
            assertThat(e.errno()).isEqualTo(Errno.ESRCH);
            client.zero(Optional.of(other));
            assertThat(readBack(key).stats().connections()).isEqualTo(3);
            client.zero(Optional.of(key));
            assertThat(readBack(key).stats().connections()).isZero();
            assertThat(client.destinations(key).get(0).stats().connections()).isZero();

            connectThrough(new InetSocketAddress("10.97.0.10", 8081), 1);
            awaitConnections(key, 1);
            client.zero(Optional.empty());
            assertThat(readBack(key).stats()).satisfies(s -> {
                assertThat(s.connections()).isZero();
                assertThat(s.packetsIn()).isZero();
                assertThat(s.bytesOut()).isZero();
            });
        } finally {
            run("ip", "link", "del", "ktest0");
        }
    }

    /**
     * Waits for the service's connection counter to reach {@code expected}: the kernel folds its per-CPU
     * counters into the reported ones on the estimator's 2-second tick, so fresh traffic shows up late.
     */
    private static ServiceEntry awaitConnections(ServiceKey key, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        ServiceEntry e = readBack(key);
        while (e.stats().connections() != expected && System.nanoTime() < deadline) {
            Thread.sleep(250);
            e = readBack(key);
        }
        assertThat(e.stats().connections()).as("connections counted for %s", key).isEqualTo(expected);
        return e;
    }

    /** Opens {@code count} TCP connections to {@code target}, served by a local listener; returns how many succeeded. */
    private static int connectThrough(InetSocketAddress target, int count) throws IOException {
        int ok = 0;
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("0.0.0.0", target.getPort()));
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        InputStream in = s.getInputStream();
                        byte[] buf = new byte[16];
                        int n = in.read(buf);
                        OutputStream out = s.getOutputStream();
                        out.write(buf, 0, Math.max(n, 0));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            for (int i = 0; i < count; i++) {
                try (Socket c = new Socket()) {
                    c.connect(target, 5000);
                    c.setSoTimeout(5000);
                    c.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                    c.shutdownOutput();
                    if (Arrays.equals(c.getInputStream().readAllBytes(), "ping".getBytes(StandardCharsets.US_ASCII))) {
                        ok++;
                    }
                }
            }
        }
        return ok;
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void kernelRefusalsCarryTheirErrnoAndIpvsadmText() {
        ServiceKey key = tcp("10.96.0.10", 80);
        RealServer rs = RealServer.masq(ip("10.244.1.5"), 8080, 1);

        IpvsException unknownScheduler = refused(() -> client.addService(VirtualServer.of(key, "nosuch")));
        assertThat(unknownScheduler.errno()).isEqualTo(Errno.ENOENT);
        assertThat(unknownScheduler.ipvsadmMessage()).isEqualTo("Scheduler or persistence engine not found");

        IpvsException updateMissing = refused(() -> client.updateService(VirtualServer.of(key, "rr")));
        assertThat(updateMissing.errno()).isEqualTo(Errno.ESRCH);
        assertThat(updateMissing.ipvsadmMessage()).isEqualTo("No such service");
        IpvsException deleteMissing = refused(() -> client.deleteService(key));
        assertThat(deleteMissing.errno()).isEqualTo(Errno.ESRCH);
        IpvsException destToMissing = refused(() -> client.addDestination(key, rs));
        assertThat(destToMissing.errno()).isEqualTo(Errno.ESRCH);
        assertThat(destToMissing.ipvsadmMessage()).isEqualTo("Service not defined");

        client.addService(VirtualServer.of(key, "rr"));
        IpvsException addExisting = refused(() -> client.addService(VirtualServer.of(key, "wlc")));
        assertThat(addExisting.errno()).isEqualTo(Errno.EEXIST);
        assertThat(addExisting.ipvsadmMessage()).isEqualTo("Service already exists");
        IpvsException badPe = refused(() -> client.updateService(new VirtualServer(key, "rr", ServiceFlags.PERSISTENT, 60, -1, "nope")));
        assertThat(badPe.errno()).isEqualTo(Errno.ENOENT);

        client.addDestination(key, rs);
        IpvsException destExisting = refused(() -> client.addDestination(key, rs));
        assertThat(destExisting.errno()).isEqualTo(Errno.EEXIST);
        assertThat(destExisting.ipvsadmMessage()).isEqualTo("Destination already exists");
        IpvsException thresholds = refused(() -> client.addDestination(key,
            new RealServer(ip("10.244.1.6"), 8080, 1, ForwardingMethod.MASQ, 5, 10)));
        assertThat(thresholds.errno()).isEqualTo(Errno.ERANGE);
        IpvsException zeroAddress = refused(() -> client.addDestination(key, RealServer.masq(ip("0.0.0.0"), 8080, 1)));
        assertThat(zeroAddress.errno()).isEqualTo(Errno.EINVAL);
        assertThat(zeroAddress.ipvsadmMessage()).isEqualTo("Invalid operation.  Possibly wrong module version, address not unicast, ...");
        IpvsException updateMissingDest = refused(() -> client.updateDestination(key, RealServer.masq(ip("10.244.1.99"), 80, 1)));
        assertThat(updateMissingDest.errno()).isEqualTo(Errno.ENOENT);
        assertThat(updateMissingDest.ipvsadmMessage()).isEqualTo("No such destination");
        IpvsException deleteMissingDest = refused(() -> client.deleteDestination(key, new RealServer.Endpoint(ip("10.244.1.99"), 80)));
        assertThat(deleteMissingDest.errno()).isEqualTo(Errno.ENOENT);

        // Nothing of the refused operations reached the table.
        assertThat(saved()).containsExactly("-A -t 10.96.0.10:80 -s rr", "-a -t 10.96.0.10:80 -r 10.244.1.5:8080 -m -w 1");
        // ipvsadm agrees on the texts it prints for the same refusals.
        assertThat(run("ipvsadm", "-A", "-t", "10.96.0.10:80", "-s", "rr").out().strip()).isEqualTo(addExisting.ipvsadmMessage());
        assertThat(run("ipvsadm", "-a", "-t", "10.96.0.10:80", "-r", "0.0.0.0:8080", "-m").out().strip())
            .isEqualTo(zeroAddress.ipvsadmMessage());
    }

    // ------------------------------------------------------------------ batches

    @Test
    void batchWithAFailingOperationInTheMiddleFailsOnlyThatOne() {
        ServiceKey a = tcp("10.96.0.10", 80);
        ServiceKey b = tcp("10.96.0.11", 80);
        List<IpvsOperation> ops = List.of(
            new IpvsOperation.AddService(VirtualServer.of(a, "rr")),
            new IpvsOperation.AddDestination(a, RealServer.masq(ip("10.244.1.5"), 8080, 1)),
            new IpvsOperation.AddDestination(a, RealServer.masq(ip("0.0.0.0"), 8080, 1)),
            new IpvsOperation.AddService(VirtualServer.of(b, "nosuch")),
            new IpvsOperation.AddService(VirtualServer.of(b, "wlc")),
            new IpvsOperation.AddDestination(b, RealServer.masq(ip("10.244.1.6"), 8080, 2)));
        BatchResult r = client.apply(ops, false);

        assertThat(r.outcomes()).extracting(BatchResult.Outcome::status).containsExactly(
            BatchResult.Status.OK, BatchResult.Status.OK, BatchResult.Status.FAILED,
            BatchResult.Status.FAILED, BatchResult.Status.OK, BatchResult.Status.OK);
        assertThat(r.outcome(2).errno()).isEqualTo(Errno.EINVAL);
        assertThat(r.outcome(3).errno()).isEqualTo(Errno.ENOENT);
        assertThat(IpvsErrors.message(ops.get(3), r.outcome(3).errno())).isEqualTo("Scheduler or persistence engine not found");
        assertThat(r.sends()).isEqualTo(1);
        assertThat(saved()).containsExactlyInAnyOrder(
            "-A -t 10.96.0.10:80 -s rr", "-a -t 10.96.0.10:80 -r 10.244.1.5:8080 -m -w 1",
            "-A -t 10.96.0.11:80 -s wlc", "-a -t 10.96.0.11:80 -r 10.244.1.6:8080 -m -w 2");
    }

    @Test
    void idempotentBatchTreatsExistingAndMissingAsDone() {
        ServiceKey a = tcp("10.96.0.10", 80);
        RealServer rs = RealServer.masq(ip("10.244.1.5"), 8080, 1);
        List<IpvsOperation> adds = List.of(
            new IpvsOperation.AddService(VirtualServer.of(a, "rr")),
            new IpvsOperation.AddDestination(a, rs));
        assertThat(client.apply(adds, true).count(BatchResult.Status.OK)).isEqualTo(2);
        BatchResult again = client.apply(adds, true);
        assertThat(again.outcomes()).extracting(BatchResult.Outcome::status)
            .containsExactly(BatchResult.Status.ALREADY_DONE, BatchResult.Status.ALREADY_DONE);
        assertThat(again.allSucceeded()).isTrue();
        BatchResult strict = client.apply(adds, false);
        assertThat(strict.failures()).hasSize(2);

        List<IpvsOperation> deletes = List.of(
            new IpvsOperation.DeleteDestination(a, rs.endpoint()),
            new IpvsOperation.DeleteDestination(a, rs.endpoint()),
            new IpvsOperation.DeleteService(a),
            new IpvsOperation.DeleteService(a),
            new IpvsOperation.DeleteDestination(a, rs.endpoint()));
        BatchResult removed = client.apply(deletes, true);
        assertThat(removed.outcomes()).extracting(BatchResult.Outcome::status).containsExactly(
            BatchResult.Status.OK, BatchResult.Status.ALREADY_DONE, BatchResult.Status.OK,
            BatchResult.Status.ALREADY_DONE, BatchResult.Status.ALREADY_DONE);
        assertThat(removed.outcome(1).errno()).isEqualTo(Errno.ENOENT);
        assertThat(removed.outcome(3).errno()).isEqualTo(Errno.ESRCH);
        assertThat(removed.outcome(4).errno()).isEqualTo(Errno.ESRCH);
        assertThat(saved()).isEmpty();
    }

    @Test
    void largeBatchSpansSeveralSendsAndEveryOperationLands() {
        List<IpvsOperation> ops = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            ServiceKey key = tcp("10.98." + (i / 250) + "." + (i % 250), 80);
            ops.add(new IpvsOperation.AddService(VirtualServer.of(key, "rr")));
            for (int d = 0; d < 10; d++) {
                ops.add(new IpvsOperation.AddDestination(key, RealServer.masq(ip("10.99." + d + "." + (i % 250)), 8000 + i / 250, 1)));
            }
        }
        // A duplicate late in the batch: its error must be mapped back to exactly its index.
        ops.add(ops.get(4000));
        BatchResult r = client.apply(ops, false);

        assertThat(r.sends()).isGreaterThanOrEqualTo(2);
        assertThat(r.failures()).extracting(BatchResult.Outcome::index).containsExactly(5500);
        assertThat(r.outcome(5500).errno()).isEqualTo(Errno.EEXIST);
        List<ServiceState> state = client.dump();
        assertThat(state).hasSize(500);
        assertThat(state).allSatisfy(s -> assertThat(s.destinations()).hasSize(10));
        assertThat(saved()).hasSize(5500);
    }
}

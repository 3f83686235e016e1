package io.ipvsproxier.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.ipvs.IpvsClient;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import io.micrometer.core.instrument.MockClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real traffic through a ClusterIP-style virtual server, then the exported counters against the reference
 * tool: {@code ipvsadm -Ln --stats --exact} must show the same connections, packets and bytes as the scrape.
 *
 * <p>Topology: a dummy link holding the virtual address, a "pod" network namespace behind a veth pair
 * running an echo server (socat), a NAT virtual server with that pod as its real server, and clients in the
 * lab's own namespace.
 */
@Tag("kernel")
class IpvsStatsKernelTest {
    private static final String DUMMY = "mtest-ipvs0";
    private static final String POD_NS = "mtest-pod";
    private static final String VETH_HOST = "mtest-h";
    private static final String VETH_POD = "mtest-p";
    private static final String VIP = "10.96.77.10";
    private static final String POD_IP = "10.250.77.2";
    private static final int REQUESTS = 20;
    /** How often the kernel folds its per-CPU IPVS counters into the totals it reports (ip_vs_est.c). */
    private static final Duration ESTIMATOR_TICK = Duration.ofSeconds(2);

    private final List<Process> servers = new ArrayList<>();
    private IpvsClient ipvs;
    private ServiceKey key;

    private record Result(int status, String output) {}

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static void must(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        assertThat(r.status()).as("%s%n%s", String.join(" ", command), r.output()).isZero();
    }

    @BeforeEach
    void network() throws Exception {
        cleanup();
        must("ip", "link", "add", DUMMY, "type", "dummy");
        must("ip", "link", "set", DUMMY, "up");
        must("ip", "addr", "add", VIP + "/32", "dev", DUMMY);
        must("ip", "netns", "add", POD_NS);
        must("ip", "link", "add", VETH_HOST, "type", "veth", "peer", "name", VETH_POD);
        must("ip", "link", "set", VETH_POD, "netns", POD_NS);
        must("ip", "addr", "add", "10.250.77.1/24", "dev", VETH_HOST);
        must("ip", "link", "set", VETH_HOST, "up");
        must("ip", "netns", "exec", POD_NS, "ip", "link", "set", "lo", "up");
        must("ip", "netns", "exec", POD_NS, "ip", "addr", "add", POD_IP + "/24", "dev", VETH_POD);
        must("ip", "netns", "exec", POD_NS, "ip", "link", "set", VETH_POD, "up");
        must("ip", "netns", "exec", POD_NS, "ip", "route", "add", "default", "via", "10.250.77.1");
        Process echo = new ProcessBuilder("ip", "netns", "exec", POD_NS, "socat", "TCP-LISTEN:8080,fork,reuseaddr", "EXEC:cat")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        servers.add(echo);

        ipvs = IpvsClient.open();
        key = ServiceKey.of(Protocol.TCP, InetAddress.getByName(VIP), 80);
        ipvs.addService(VirtualServer.of(key, "rr"));
        ipvs.addDestination(key, RealServer.masq(InetAddress.getByName(POD_IP), 8080, 1));
        waitForEchoServer();
    }

    /** socat needs a moment to listen (UML is slow to start processes). */
    private void waitForEchoServer() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Result r = run("ip", "netns", "exec", POD_NS, "sh", "-c", "cat /proc/net/tcp");
            // 0x1F90 = 8080, state 0A = LISTEN
            if (r.output().contains(":1F90 00000000:0000 0A")) {
                return;
            }
            assertThat(System.nanoTime()).as("echo server listening in %s", POD_NS).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @AfterEach
    void cleanup() throws Exception {
        for (Process p : servers) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        servers.clear();
        if (ipvs != null) {
            if (key != null) {
                ipvs.service(key).ifPresent(s -> ipvs.deleteService(key));
            }
            ipvs.close();
            ipvs = null;
        }
        run("ip", "netns", "pids", POD_NS);
        run("sh", "-c", "for p in $(ip netns pids " + POD_NS + " 2>/dev/null); do kill -9 $p; done");
        run("ip", "link", "del", VETH_HOST);
        run("ip", "link", "del", DUMMY);
        run("ip", "netns", "del", POD_NS);
    }

    private static void request(int i) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(VIP, 80), 10_000);
            s.setSoTimeout(10_000);
            byte[] message = ("hello " + i + "\n").getBytes(StandardCharsets.US_ASCII);
            OutputStream out = s.getOutputStream();
            out.write(message);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] echoed = in.readNBytes(message.length);
            assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("hello " + i + "\n");
            s.shutdownOutput();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    /** Conns InPkts OutPkts InBytes OutBytes of the virtual server, as ipvsadm prints them. */
    private long[] ipvsadmStats() throws Exception {
        Result r = run("ipvsadm", "-Ln", "--stats", "--exact", "-t", VIP + ":80");
        assertThat(r.status()).as(r.output()).isZero();
        for (String line : r.output().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 7 && f[0].equals("TCP") && f[1].equals(VIP + ":80")) {
                long[] v = new long[5];
                for (int i = 0; i < 5; i++) {
                    v[i] = Long.parseLong(f[2 + i]);
                }
                return v;
            }
        }
        throw new AssertionError("no TCP " + VIP + ":80 line in:\n" + r.output());
    }

    /** ipvsadm's figures once they count every request and no longer change across an estimator tick. */
    private long[] settledIpvsadmStats() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long[] before = ipvsadmStats();
        while (true) {
            Thread.sleep(ESTIMATOR_TICK.toMillis() + 500);
            long[] again = ipvsadmStats();
            if (again[0] == REQUESTS && java.util.Arrays.equals(before, again)) {
                return again;
            }
            assertThat(System.nanoTime()).as("ipvsadm counters settle at %d connections, last %s",
                REQUESTS, java.util.Arrays.toString(again)).isLessThan(deadline);
            before = again;
        }
    }

    @Test
    void scrapedCountersMatchIpvsadmAfterRealRequests() throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            request(i);
        }
        ProxierMetrics metrics = new ProxierMetrics(ProxierMetrics.newRegistry(new MockClock()), Set.of(IpFamily.IPV4));
        IpvsClient statsClient = IpvsClient.open();
        try {
            IpvsStatsCollector collector = new IpvsStatsCollector(statsClient::services,
                k -> k.equals(key) ? Optional.of(new VirtualServerLabels("default", "echo", "tcp-echo")) : Optional.empty(),
                Duration.ZERO, java.time.Clock.systemUTC());
            metrics.register(collector);

            // The kernel sums its per-CPU counters into what it reports only on its estimator's tick, every
            // 2 s: wait until all connections are counted and two reads a full tick apart agree.
            long[] before = settledIpvsadmStats();
            String scrape = metrics.scrape();
            long[] after = ipvsadmStats();
            assertThat(after).as("traffic settled").containsExactly(before);

            System.out.printf("ipvsadm --stats --exact: conns %d, inpkts %d, outpkts %d, inbytes %d, outbytes %d%n",
                before[0], before[1], before[2], before[3], before[4]);
            String labels = "{namespace=\"default\",port=\"80\",port_name=\"tcp-echo\",protocol=\"TCP\",service=\"echo\",vip=\"" + VIP + "\"}";
            assertThat(before[0]).as("connections").isEqualTo(REQUESTS);
            assertThat(ScrapeText.value(scrape, MetricNames.VS_CONNECTIONS_TOTAL + labels)).hasValue(before[0]);
            assertThat(ScrapeText.value(scrape, MetricNames.VS_PACKETS_IN_TOTAL + labels)).hasValue(before[1]);
            assertThat(ScrapeText.value(scrape, MetricNames.VS_PACKETS_OUT_TOTAL + labels)).hasValue(before[2]);
            assertThat(ScrapeText.value(scrape, MetricNames.VS_BYTES_IN_TOTAL + labels)).hasValue(before[3]);
            assertThat(ScrapeText.value(scrape, MetricNames.VS_BYTES_OUT_TOTAL + labels)).hasValue(before[4]);
            assertThat(before[1]).as("packets in").isGreaterThanOrEqualTo(REQUESTS * 4L);
            assertThat(before[2]).as("packets out").isGreaterThanOrEqualTo(REQUESTS * 3L);
            assertThat(ScrapeText.value(scrape, MetricNames.VS_CONNECTIONS_PER_SECOND + labels)).isPresent();
            assertThat(collector.dumps()).isEqualTo(1);
            assertThat(ScrapeText.value(scrape, MetricNames.IPVS_STATS_DUMPS_TOTAL)).hasValue(1);
        } finally {
            statsClient.close();
        }
    }
}

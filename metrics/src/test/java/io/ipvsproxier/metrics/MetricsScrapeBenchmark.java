package io.ipvsproxier.metrics;

import io.ipvsproxier.ipvs.IpvsClient;
import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.IpvsStats;
import io.ipvsproxier.ipvs.ServiceEntry;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.netlink.BatchResult;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Prints what a Prometheus scrape of /metrics costs with many IPVS virtual servers: wall time per scrape (as the
 * scraper, curl in another process, sees it), the CPU time the scrape costs this process (the proxier's side:
 * IPVS dump, exposition, HTTP), the size of the answer, and IPVS dumps per scrape. Needs root and IPVS: run it
 * with {@code bin/bench-metrics} in the kernel lab. It adds its virtual servers in 10.100.0.0/16 and deletes
 * them at the end.
 *
 * <p>Arguments: [--synthetic] [virtual servers (10000)] [scrapes (10)]. With {@code --synthetic} no kernel is
 * touched: the "dump" returns made-up counters, which measures the proxier's own part (exposition and HTTP) on
 * any machine, without IPVS and without the lab's system call costs.
 */
public final class MetricsScrapeBenchmark {
    private MetricsScrapeBenchmark() {}

    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        boolean synthetic = args.length > 0 && args[0].equals("--synthetic");
        if (synthetic) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int scrapes = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        if (count > 250 * 250) {
            throw new IllegalArgumentException("at most 62500 virtual servers");
        }
        System.out.printf("metrics scrape benchmark%s: %d virtual servers, %d scrapes, java %s, %d CPU(s)%n",
            synthetic ? " (synthetic dump, no kernel)" : "", count, scrapes, System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors());

        Map<ServiceKey, VirtualServerLabels> owners = new HashMap<>();
        List<IpvsOperation> adds = new ArrayList<>(count);
        List<IpvsOperation> deletes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            InetAddress vip = InetAddress.getByAddress(new byte[] {10, 100, (byte) (i / 250), (byte) (i % 250 + 1)});
            ServiceKey key = ServiceKey.of(Protocol.TCP, vip, 80);
            adds.add(new IpvsOperation.AddService(VirtualServer.of(key, "rr")));
            deletes.add(new IpvsOperation.DeleteService(key));
            owners.put(key, new VirtualServerLabels("bench-" + (i % 50), "service-" + i, "http"));
        }

        if (synthetic) {
            List<ServiceEntry> table = new ArrayList<>(count);
            int i = 0;
            for (ServiceKey key : owners.keySet()) {
                long n = ++i;
                table.add(new ServiceEntry(VirtualServer.of(key, "rr"),
                    new IpvsStats(n * 7, n * 70, n * 60, n * 7000, n * 60000, n % 10, n % 100, n % 90, n % 9000, n % 80000)));
            }
            run(count, scrapes, owners, () -> table);
            return;
        }
        try (IpvsClient writer = IpvsClient.open(); IpvsClient statsClient = IpvsClient.open()) {
            long t0 = System.nanoTime();
            BatchResult added = writer.apply(adds, true);
            System.out.printf("created %d virtual servers in %d ms (%d sends, %d failed)%n", count,
                (System.nanoTime() - t0) / 1_000_000, added.sends(), added.failures().size());
            if (!added.allSucceeded()) {
                System.out.println(added.describeFailures());
                System.exit(1);
            }
            try {
                run(count, scrapes, owners, statsClient::services);
            } finally {
                long t1 = System.nanoTime();
                BatchResult deleted = writer.apply(deletes, true);
                System.out.printf("deleted them in %d ms (%d failed)%n", (System.nanoTime() - t1) / 1_000_000, deleted.failures().size());
            }
        }
    }

    private static void run(int count, int scrapes, Map<ServiceKey, VirtualServerLabels> owners,
                            Supplier<List<ServiceEntry>> dump) throws Exception {
        ProxierMetrics metrics = ProxierMetrics.create(Set.of(IpFamily.IPV4));
        IpvsStatsCollector collector = metrics.exportIpvsStats(dump, k -> Optional.ofNullable(owners.get(k)), Duration.ZERO);

        // the parts alone
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            int n = dump.get().size();
            System.out.printf("  IPVS dump alone: %d virtual servers in %d ms%n", n, (System.nanoTime() - t) / 1_000_000);
        }
        for (int i = 0; i < 3; i++) {
            long dumps = collector.dumps();
            long cpu = OS.getProcessCpuTime();
            long t = System.nanoTime();
            CountingStream sink = new CountingStream();
            metrics.scrape(sink);
            System.out.printf("  exposition in process (dump + text, no HTTP): %d ms, %d bytes, %d ms CPU, %d dump(s)%n",
                (System.nanoTime() - t) / 1_000_000, sink.bytes, (OS.getProcessCpuTime() - cpu) / 1_000_000, collector.dumps() - dumps);
        }

        try (MetricsServer server = MetricsServer.start(BindAddress.parse("127.0.0.1:0"), metrics)) {
            String url = "http://127.0.0.1:" + server.address().getPort() + "/metrics";
            for (boolean gzip : new boolean[] {false, true}) {
                double[] wall = new double[scrapes];
                double[] cpu = new double[scrapes];
                long dumpsBefore = collector.dumps();
                long size = 0;
                for (int i = 0; i < scrapes; i++) {
                    long cpu0 = OS.getProcessCpuTime();
                    String[] curl = gzip
                        ? new String[] {"curl", "-s", "-f", "--compressed", "-o", "/dev/null", "-w", "%{size_download} %{time_total}", url}
                        : new String[] {"curl", "-s", "-f", "-o", "/dev/null", "-w", "%{size_download} %{time_total}", url};
                    Process p = new ProcessBuilder(curl).redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    if (p.waitFor() != 0) {
                        throw new IllegalStateException("curl failed: " + out);
                    }
                    cpu[i] = (OS.getProcessCpuTime() - cpu0) / 1e6;
                    String[] f = out.split(" ");
                    size = Long.parseLong(f[0]);
                    wall[i] = Double.parseDouble(f[1]) * 1000;
                    System.out.printf("  scrape %2d%s: %7.1f ms wall, %7.1f ms CPU, %d bytes%n", i + 1, gzip ? " (gzip)" : "", wall[i], cpu[i], size);
                }
                long dumps = collector.dumps() - dumpsBefore;
                System.out.printf("RESULT %s: %d virtual servers, %d scrapes: wall median %.1f ms, max %.1f ms; CPU median %.1f ms, max %.1f ms;"
                        + " %d bytes per scrape; IPVS dumps per scrape %.2f%n",
                    gzip ? "gzip " : "plain", count, scrapes, median(wall), Arrays.stream(wall).max().orElse(0), median(cpu),
                    Arrays.stream(cpu).max().orElse(0), size, (double) dumps / scrapes);
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Counts what a scrape writes and throws it away. */
    private static final class CountingStream extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}

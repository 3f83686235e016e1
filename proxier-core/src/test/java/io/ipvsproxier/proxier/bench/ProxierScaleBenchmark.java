package io.ipvsproxier.proxier.bench;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ipvsproxier.iface.RtnetlinkInterfaces;
import io.ipvsproxier.ipvs.DestinationEntry;
import io.ipvsproxier.ipvs.IpvsClient;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.ServiceState;
import io.ipvsproxier.proxier.app.Proxier;
import io.ipvsproxier.proxier.cli.ProxierConfig;
import io.ipvsproxier.proxier.k8s.KubeClients;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Scale benchmark of the whole proxier in the kernel lab: N ClusterIP Services with 10 ready endpoints each
 * in the embedded API, then the time until the kernel holds all of them (cold programming), the latency from
 * an EndpointSlice change to the kernel showing it (incremental), the process RSS, the netlink sends, and
 * {@code ipvsadm -R} of the same table in the same boot for comparison. A program that prints figures, not a
 * test; run it with {@code bin/bench-proxier}.
 *
 * <pre>ProxierScaleBenchmark [--changes K] [--ipvsadm-max N] [--svg FILE] SIZE...</pre>
 */
public final class ProxierScaleBenchmark {
    private static final int ENDPOINTS = 10;
    private static final String NODE = "bench-node";
    private static final String NS = "default";

    private record Result(int size, double loadSeconds, double listSeconds, double coldSeconds, long coldSends, double ipvsadmSeconds,
                          double p50Ms, double p99Ms, double maxMs, double sendsPerIncremental, long rssMiB,
                          long heapMiB, double p50AckMs, double p99AckMs) {
        /** From the informers having listed everything to the kernel programmed: what {@code ipvsadm -R} also does. */
        double programSeconds() {
            return coldSeconds - listSeconds;
        }

        /** One line of the results file that carries results from one JVM (one size) to the next. */
        String line() {
            return String.join(" ", String.valueOf(size), String.valueOf(loadSeconds), String.valueOf(listSeconds),
                String.valueOf(coldSeconds), String.valueOf(coldSends), String.valueOf(ipvsadmSeconds), String.valueOf(p50Ms),
                String.valueOf(p99Ms), String.valueOf(maxMs), String.valueOf(sendsPerIncremental), String.valueOf(rssMiB),
                String.valueOf(heapMiB), String.valueOf(p50AckMs), String.valueOf(p99AckMs));
        }

        static List<Result> readAll(Path file) throws IOException {
            List<Result> out = new ArrayList<>();
            if (!Files.exists(file)) {
                return out;
            }
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] f = line.trim().split(" ");
                if (f.length != 14) {
                    continue;
                }
                out.add(new Result(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Long.parseLong(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                    Double.parseDouble(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]), Long.parseLong(f[10]),
                    Long.parseLong(f[11]), Double.parseDouble(f[12]), Double.parseDouble(f[13])));
            }
            return out;
        }
    }

    private ProxierScaleBenchmark() {
    }

    public static void main(String[] args) {
        // Exit explicitly either way: the mock server's non-daemon event-loop threads would keep the JVM (and the
        // lab boot) alive after a failure.
        try {
            run(args);
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        // Timestamps on the proxier's own log lines let a reader split the cold time into its phases.
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        int changes = 50;
        int ipvsadmMax = Integer.MAX_VALUE;
        Path svg = Path.of("target/bench/proxier-scale.svg");
        Path resultsFile = null;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--changes" -> changes = Integer.parseInt(args[++i]);
                case "--ipvsadm-max" -> ipvsadmMax = Integer.parseInt(args[++i]);
                case "--svg" -> svg = Path.of(args[++i]);
                case "--results" -> resultsFile = Path.of(args[++i]);
                default -> sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1000, 5000, 10000);
        }
        List<Result> results = new ArrayList<>(resultsFile == null ? List.of() : Result.readAll(resultsFile));
        for (int n : sizes) {
            Result r = runSize(n, changes, n <= ipvsadmMax);
            results.add(r);
            if (resultsFile != null) {
                Files.writeString(resultsFile, r.line() + "\n", StandardCharsets.US_ASCII,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
            printTable(results);
            writeSvg(svg, results);
        }
        System.out.println("plot: " + svg.toAbsolutePath());
    }

    private static Result runSize(int n, int changes, boolean withIpvsadm) throws Exception {
        System.out.printf("=== %d Services x %d endpoints ===%n", n, ENDPOINTS);
        sh("ipvsadm -C; ip link del kube-ipvs0 2>/dev/null; true");
        Path work = Files.createTempDirectory("proxier-bench");
        // The API server runs in a process of its own, as a real one would: its CPU is still the lab's one CPU,
        // but its memory is not in the proxier's RSS.
        long t0 = System.nanoTime();
        Process api = startApiServer(work, n);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("bin/lab-apiserver started with %d Services + %d EndpointSlices in %.2f s%n", n, n, loadSeconds);
        // The witness (the benchmark's own view of the kernel) is opened before the clock starts; everything the
        // proxier needs, its API client and netlink sockets included, is made after. This JVM has loaded none of the
        // Kubernetes client's classes yet (the manifests are written as plain text), so they load on the clock too;
        // only the JVM's own start-up is not counted.
        try (IpvsClient witness = IpvsClient.open(Duration.ofSeconds(120))) {
            StackSampler sampler = Boolean.getBoolean("bench.profile") ? StackSampler.start() : null;
            CpuAccount cpu = CpuAccount.take(api.pid());
            long start = System.nanoTime();
            try (KubernetesClient client = stage("API client", start, () -> KubeClients.create(work.resolve("kubeconfig")));
                 IpvsClient ipvs = stage("IPVS socket", start, () -> IpvsClient.open(Duration.ofSeconds(120)));
                 IpvsClient statsIpvs = IpvsClient.open(Duration.ofSeconds(120));
                 RtnetlinkInterfaces interfaces = stage("rtnetlink sockets", start, RtnetlinkInterfaces::open)) {
                ProxierConfig config = ProxierConfig.fromFlags("--hostname-override", NODE,
                    "--admin-socket", work.resolve("admin.sock").toString(),
                    "--metrics-bind-address", "127.0.0.1:0", "--healthz-bind-address", "127.0.0.1:0",
                    // No periodic full resync inside the measurement window: the incremental figures are
                    // the change-driven path alone.
                    "--ipvs-sync-period", "1h");
                long sends0 = ipvs.counter().sends();
                ObservedIpvs observed = new ObservedIpvs(ipvs);
                Proxier proxier = new Proxier(config, client, observed, statsIpvs, interfaces, Clock.systemUTC());
                System.out.printf("proxier constructed %.2f s after start%n", (System.nanoTime() - start) / 1e9);
                try {
                    proxier.start(Duration.ofSeconds(600));
                    double listed = (System.nanoTime() - start) / 1e9;
                    System.out.printf("informers synced %.2f s after proxier start%n", listed);
                    System.out.println(cpu.since("API server"));
                    cpu = CpuAccount.take(api.pid());
                    awaitAcknowledged(observed, n, Duration.ofSeconds(1800));
                    double cold = (observed.lastApplyReturnedAt() - start) / 1e9;
                    long coldSends = ipvs.counter().sends() - sends0;
                    System.out.println("after listing, until the kernel acknowledged: " + cpu.since("API server"));
                    // What the kernel acknowledged must be what it holds: checked with a socket of its own, untimed.
                    awaitCount(witness, n, Duration.ofSeconds(60));
                    awaitAllDestinations(witness, n, Duration.ofSeconds(60));
                    System.out.println("CPU by thread until then: " + threadCpu());
                    if (sampler != null) {
                        System.out.println(sampler.stopAndReport(25));
                    }
                    System.out.printf("cold: kernel acknowledged %d virtual servers x %d real servers %.2f s after proxier "
                        + "start (%.2f s after the informers had listed); %d netlink sends; checked with a dump%n",
                        n, ENDPOINTS, cold, cold - listed, coldSends);

                    // One extra first change is a warm-up and is not counted: it runs the update path (HTTP
                    // update, watch event, incremental plan) for the first time, cold code in a C1-only JVM.
                    double[] all = new double[changes + 1];
                    double[] fromAck = new double[changes + 1];
                    Random random = new Random(42);
                    long incSends0 = 0;
                    for (int k = 0; k <= changes; k++) {
                        if (k == 1) {
                            incSends0 = ipvs.counter().sends();
                        }
                        int svc = random.nextInt(n);
                        InetAddress fresh = InetAddress.getByName("10.201." + (k / 250) + "." + (k % 250 + 1));
                        List<String> addrs = new ArrayList<>(endpoints(svc));
                        addrs.set(random.nextInt(ENDPOINTS), fresh.getHostAddress());
                        ServiceKey key = ServiceKey.of(Protocol.TCP, vip(svc), 80);
                        observed.forget(fresh);
                        long c0 = System.nanoTime();
                        client.discovery().v1().endpointSlices().inNamespace(NS).resource(slice(svc, addrs)).update();
                        long c1 = System.nanoTime();
                        long added = awaitAcknowledged(observed, fresh, Duration.ofSeconds(60));
                        all[k] = (added - c0) / 1e6;
                        fromAck[k] = (added - c1) / 1e6;
                        awaitDestination(witness, key, fresh, Duration.ofSeconds(60));
                        // Put the slice back so later changes start from the loaded table.
                        client.discovery().v1().endpointSlices().inNamespace(NS).resource(slice(svc, endpoints(svc))).update();
                        awaitNoDestination(witness, key, fresh, Duration.ofSeconds(60));
                    }
                    // Each change above is two syncs (change, then revert).
                    double sendsPerInc = (ipvs.counter().sends() - incSends0) / (2.0 * changes);
                    double[] latencies = Arrays.copyOfRange(all, 1, all.length);
                    double[] ackLatencies = Arrays.copyOfRange(fromAck, 1, fromAck.length);
                    System.out.printf("incremental: warm-up change %.0f ms (not counted); then in order (ms): %s%n", all[0],
                        Arrays.toString(Arrays.stream(latencies).mapToLong(Math::round).toArray()));
                    Arrays.sort(ackLatencies);
                    System.out.printf("incremental, counted from the API's acknowledgement of the update instead: p50 %.1f ms, "
                        + "p99 %.1f ms%n", percentile(ackLatencies, 50), percentile(ackLatencies, 99));
                    Arrays.sort(latencies);
                    double p50 = percentile(latencies, 50);
                    double p99 = percentile(latencies, 99);
                    double max = latencies.length == 0 ? 0 : latencies[latencies.length - 1];
                    System.out.printf("incremental: %d changes, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %.1f sends per sync%n",
                        changes, p50, p99, max, sendsPerInc);
                    long rss = rssMiB();
                    System.gc();
                    long heap = usedHeapMiB();
                    System.out.printf("memory: RSS %d MiB (this JVM: the proxier, its informer caches, plus a second netlink "
                        + "socket that watches the kernel), heap used after GC %d MiB%n", rss, heap);

                    proxier.close();
                    double ipvsadm = Double.NaN;
                    if (withIpvsadm) {
                        ipvsadm = timeIpvsadmRestore(work, n);
                        System.out.printf("ipvsadm -R of the same %d x %d table: %.2f s%n", n, ENDPOINTS, ipvsadm);
                    }
                    return new Result(n, loadSeconds, listed, cold, coldSends, ipvsadm, p50, p99, max, sendsPerInc, rss, heap,
                        percentile(ackLatencies, 50), percentile(ackLatencies, 99));
                } finally {
                    proxier.close();
                    sh("ipvsadm -C; ip link del kube-ipvs0 2>/dev/null; true");
                }
            }
        } finally {
            api.destroy();
            api.waitFor();
        }
    }

    private interface Step<T> {
        T run() throws Exception;
    }

    /** Runs one step of the proxier's start and prints when it ended, counted from {@code start}. */
    private static <T> T stage(String what, long start, Step<T> step) throws Exception {
        T result = step.run();
        System.out.printf("%s ready %.2f s after start%n", what, (System.nanoTime() - start) / 1e9);
        return result;
    }

    /**
     * Starts {@code bin/lab-apiserver} (the working directory is the project's) on a free port with a heap that
     * holds {@code n} Services and EndpointSlices, and waits until it has written its kubeconfig.
     */
    private static Process startApiServer(Path work, int n) throws Exception {
        Path kubeconfig = work.resolve("kubeconfig");
        Path manifests = work.resolve("services.json");
        StringBuilder list = new StringBuilder("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[");
        for (int i = 0; i < n; i++) {
            list.append(i == 0 ? "" : ",").append(serviceJson(i)).append(',').append(sliceJson(i));
        }
        Files.writeString(manifests, list.append("]}"), StandardCharsets.US_ASCII);
        ProcessBuilder pb = new ProcessBuilder("bin/lab-apiserver", "--port", "0", "--kubeconfig-out", kubeconfig.toString(),
                "--manifests", manifests.toString())
            .redirectErrorStream(true).redirectOutput(work.resolve("apiserver.log").toFile());
        // Serializing a list of 10,000 objects makes hundreds of megabytes of short-lived garbage: a young generation
        // of half the heap collects it in a few cheap collections instead of many that rescan the stored objects.
        String heap = n > 2000 ? "1g" : "384m";
        pb.environment().put("JAVA_OPTS", "-XX:+UseSerialGC -Xms" + heap + " -Xmx" + heap + " -XX:NewRatio=1"
            + " -XX:TieredStopAtLevel=1 -XX:-UsePerfData");
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (!Files.exists(kubeconfig)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroy();
                throw new IllegalStateException("bin/lab-apiserver did not start; its log: "
                    + Files.readString(work.resolve("apiserver.log")));
            }
            Thread.sleep(100);
        }
        warmUp(work, kubeconfig);
        return p;
    }

    /**
     * Lists everything once, untimed, from another process (curl), so the proxier's JVM stays cold: a real API
     * server answers a node agent's list from a warm watch cache, while the lab's mock otherwise compiles its list
     * and serialization code inside the timed window, on the lab's one CPU.
     */
    private static void warmUp(Path work, Path kubeconfig) throws Exception {
        String server = Files.readAllLines(kubeconfig).stream().map(String::trim).filter(l -> l.startsWith("server:"))
            .findFirst().orElseThrow().substring("server:".length()).trim();
        for (int round = 0; round < 2; round++) {
            for (String path : List.of("/api/v1/services", "/apis/discovery.k8s.io/v1/endpointslices")) {
                Process curl = new ProcessBuilder("curl", "-sf", "-o", "/dev/null", server + path)
                    .redirectErrorStream(true).redirectOutput(work.resolve("warm-up.log").toFile()).start();
                if (curl.waitFor() != 0) {
                    throw new IllegalStateException("warming the API server up failed: curl " + server + path);
                }
            }
        }
    }

    /** Service {@code i}: a ClusterIP with port 80 (named "http") to 8080, as JSON written without the Kubernetes client. */
    private static String serviceJson(int i) throws UnknownHostException {
        String ip = vip(i).getHostAddress();
        return "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"svc-" + i + "\",\"namespace\":\""
            + NS + "\"},\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"" + ip + "\",\"clusterIPs\":[\"" + ip + "\"],"
            + "\"ports\":[{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":80,\"targetPort\":8080}]}}";
    }

    /** {@link #slice} of the Service's initial endpoints as JSON text. */
    private static String sliceJson(int i) {
        StringBuilder endpoints = new StringBuilder();
        for (String a : endpoints(i)) {
            endpoints.append(endpoints.length() == 0 ? "" : ",").append("{\"addresses\":[\"").append(a)
                .append("\"],\"conditions\":{\"ready\":true}}");
        }
        return "{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"svc-" + i
            + "-1\",\"namespace\":\"" + NS + "\",\"labels\":{\"kubernetes.io/service-name\":\"svc-" + i + "\"}},"
            + "\"addressType\":\"IPv4\",\"ports\":[{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":8080}],"
            + "\"endpoints\":[" + endpoints + "]}";
    }

    private static EndpointSlice slice(int i, List<String> addresses) {
        EndpointSliceBuilder b = new EndpointSliceBuilder()
            .withNewMetadata().withName("svc-" + i + "-1").withNamespace(NS)
                .addToLabels("kubernetes.io/service-name", "svc-" + i).endMetadata()
            .withAddressType("IPv4")
            .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort();
        for (String a : addresses) {
            b.addNewEndpoint().withAddresses(a).withNewConditions().withReady(true).endConditions().endEndpoint();
        }
        return b.build();
    }

    /** 10.100.x.y, distinct for i below 64,000. */
    private static InetAddress vip(int i) throws UnknownHostException {
        return InetAddress.getByName("10.100." + (i / 250) + "." + (i % 250 + 1));
    }

    /** 10 distinct 10.200.x.y addresses per Service. */
    private static List<String> endpoints(int i) {
        List<String> out = new ArrayList<>(ENDPOINTS);
        for (int e = 0; e < ENDPOINTS; e++) {
            int idx = i * ENDPOINTS + e;
            out.add("10.200." + (idx / 250) % 256 + "." + (idx % 250 + 1) + "");
        }
        return out;
    }

    /** Waits until the proxier's batches added n services and n x 10 real servers. */
    private static void awaitAcknowledged(ObservedIpvs observed, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long[] added = observed.added();
            if (added[0] >= n && added[1] >= (long) n * ENDPOINTS) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the proxier added only " + added[0] + " services and " + added[1]
                    + " real servers within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    /** Waits until the proxier's batches added a real server with this address; returns when (System.nanoTime()). */
    private static long awaitAcknowledged(ObservedIpvs observed, InetAddress address, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Long at = observed.destinationAddedAt(address);
            if (at != null) {
                return at;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the proxier never added real server " + address.getHostAddress());
            }
            Thread.sleep(1);
        }
    }

    private static void awaitCount(IpvsClient witness, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Dumping many services costs the one lab CPU time the proxier needs: wait twice as long as a dump took.
        while (true) {
            long d0 = System.nanoTime();
            int count = witness.services().size();
            long dumpMillis = (System.nanoTime() - d0) / 1_000_000;
            if (count >= n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("kernel did not reach " + n + " virtual servers within " + timeout);
            }
            Thread.sleep(Math.max(20, 2 * dumpMillis));
        }
    }

    private static void awaitAllDestinations(IpvsClient witness, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ServiceState> dump = witness.dump();
            long full = dump.stream().filter(s -> s.destinations().size() == ENDPOINTS).count();
            if (dump.size() == n && full == n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + full + " of " + dump.size() + " virtual servers have "
                    + ENDPOINTS + " real servers");
            }
            Thread.sleep(20);
        }
    }

    private static boolean hasDestination(IpvsClient witness, ServiceKey key, InetAddress address) {
        for (DestinationEntry d : witness.destinations(key)) {
            if (d.server().address().equals(address)) {
                return true;
            }
        }
        return false;
    }

    private static void awaitDestination(IpvsClient witness, ServiceKey key, InetAddress address, Duration timeout)
        throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!hasDestination(witness, key, address)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(key + " never got real server " + address.getHostAddress());
            }
            Thread.sleep(2);
        }
    }

    /** The removed real server may drain at weight 0 for a while; wait until it is gone or at weight 0. */
    private static void awaitNoDestination(IpvsClient witness, ServiceKey key, InetAddress address, Duration timeout)
        throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (witness.destinations(key).stream().anyMatch(d -> d.server().address().equals(address) && d.server().weight() > 0)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(key + " still routes to " + address.getHostAddress());
            }
            Thread.sleep(2);
        }
    }

    private static double timeIpvsadmRestore(Path work, int n) throws Exception {
        Path rules = work.resolve("rules.ipvsadm");
        try (Writer w = Files.newBufferedWriter(rules, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < n; i++) {
                String vs = vip(i).getHostAddress() + ":80";
                w.write("-A -t " + vs + " -s rr\n");
                for (String rip : endpoints(i)) {
                    w.write("-a -t " + vs + " -r " + rip + ":8080 -m -w 1\n");
                }
            }
        }
        // A network namespace of its own: IPVS state is per namespace, and the kernel keeps the real servers the
        // proxier's run deleted in a trash list for a minute or two and searches that list on every add, which would
        // slow ipvsadm down.
        String ns = "bench-ipvsadm";
        // Its loopback up: without any local address the namespace has no local routing table, and the kernel then
        // refuses every real server address ("address not unicast").
        sh("ip netns del " + ns + " 2>/dev/null; ip netns add " + ns + " && ip netns exec " + ns + " ip link set lo up");
        try {
            long t0 = System.nanoTime();
            sh("ip netns exec " + ns + " ipvsadm -R < " + rules);
            double s = (System.nanoTime() - t0) / 1e9;
            String count = shOut("ip netns exec " + ns + " ipvsadm -Ln | grep -c '^TCP'").trim();
            if (!count.equals(Integer.toString(n))) {
                throw new IllegalStateException("ipvsadm -R left " + count + " virtual servers, expected " + n);
            }
            return s;
        } finally {
            sh("ip netns exec " + ns + " ipvsadm -C; ip netns del " + ns);
        }
    }

    /** The threads of this JVM that used the most CPU so far, e.g. {@code ipvs-sync 3.2 s, main 1.1 s}. */
    private static String threadCpu() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null) {
                long cpu = threads.getThreadCpuTime(t.getThreadId());
                // pools of alike threads are summed under their name without the number
                byName.merge(t.getThreadName().replaceAll("-\\d+$", "-*"), Math.max(0, cpu), Long::sum);
            }
        }
        return byName.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
            .map(e -> String.format(Locale.ROOT, "%s %.2f s", e.getKey(), e.getValue() / 1e9))
            .collect(java.util.stream.Collectors.joining(", "));
    }

    private static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static long rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    private static long usedHeapMiB() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }

    private static void sh(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("'" + command + "' exited with " + p.exitValue());
        }
    }

    private static String shOut(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static void printTable(List<Result> results) {
        System.out.println();
        System.out.println("  size  api-load s  listed s  cold s  program s  ipvsadm-R s  ratio cold  ratio program  "
            + "inc p50/p99 ack ms  inc p50/p99 send ms  RSS MiB  heap MiB  sends/cold  sends/inc");
        for (Result r : results) {
            boolean ran = !Double.isNaN(r.ipvsadmSeconds);
            System.out.println(String.format(Locale.ROOT, "%6d  %10.2f  %8.2f  %6.2f  %9.2f  %11s  %10s  %13s  %18s  %19s  %7d  %8d  %10d  %9.1f",
                r.size, r.loadSeconds, r.listSeconds, r.coldSeconds, r.programSeconds(),
                ran ? String.format(Locale.ROOT, "%.2f", r.ipvsadmSeconds) : "not run",
                ran ? String.format(Locale.ROOT, "%.1fx", r.ipvsadmSeconds / r.coldSeconds) : "-",
                ran ? String.format(Locale.ROOT, "%.1fx", r.ipvsadmSeconds / r.programSeconds()) : "-",
                String.format(Locale.ROOT, "%.1f / %.1f", r.p50AckMs, r.p99AckMs),
                String.format(Locale.ROOT, "%.1f / %.1f", r.p50Ms, r.p99Ms),
                r.rssMiB, r.heapMiB, r.coldSends, r.sendsPerIncremental));
        }
        System.out.println("(cold s = proxier start (before its API client and sockets are made) to the kernel acknowledging the last of "
            + "the table, then checked with a dump; listed s = the part of it until the informers had listed everything; "
            + "program s = the rest: planning, binding and writing the table, the part that ipvsadm -R also does; "
            + "incremental latency from the API's acknowledgement of the EndpointSlice update, and from sending it)");
        System.out.println("(RSS is the proxier's JVM (the API server is another process); heap MiB is its used heap after GC; "
            + "each size ran in a fresh JVM and a fresh network namespace, ipvsadm -R in another fresh namespace)");
        System.out.println();
    }

    /** A hand-written SVG: x = Services (linear), y = milliseconds on a log scale (the series span several decades). */
    private static void writeSvg(Path file, List<Result> results) throws IOException {
        int w = 760;
        int h = 440;
        int left = 80;
        int right = 210;
        int top = 40;
        int bottom = 60;
        double maxX = results.stream().mapToInt(Result::size).max().orElse(1) * 1.05;
        double minY = 1;
        double maxY = 10;
        for (Result r : results) {
            for (double v : new double[] {r.coldSeconds * 1000, r.programSeconds() * 1000, r.ipvsadmSeconds * 1000, r.p50AckMs,
                r.p99AckMs}) {
                if (!Double.isNaN(v) && v > 0) {
                    maxY = Math.max(maxY, v);
                    minY = Math.min(minY, v);
                }
            }
        }
        double lo = Math.floor(Math.log10(minY));
        double hi = Math.ceil(Math.log10(maxY));
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            + "font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">ipvs-proxier sync latency vs. size "
            + "(10 endpoints per Service, kernel lab)</text>%n", left));
        int plotW = w - left - right;
        int plotH = h - top - bottom;
        for (int d = (int) lo; d <= (int) hi; d++) {
            double y = top + plotH - (d - lo) / (hi - lo) * plotH;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                left, y, left + plotW, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                left - 6, y + 4, d >= 0 ? String.valueOf((long) Math.pow(10, d)) : String.valueOf(Math.pow(10, d))));
        }
        for (Result r : results) {
            double x = left + r.size / maxX * plotW;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, top + plotH + 18, r.size));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
            left, top + plotH, left + plotW, top + plotH));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
            left, top, left, top + plotH));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">Services (x 10 endpoints)</text>%n",
            left + plotW / 2, h - 18));
        s.append(String.format(Locale.ROOT, "<text transform=\"translate(20,%d) rotate(-90)\" text-anchor=\"middle\">"
            + "milliseconds (log scale)</text>%n", top + plotH / 2));
        String[] names = {"start to programmed", "programming (listed on)", "ipvsadm -R", "incremental p50", "incremental p99"};
        String[] colors = {"#1f77b4", "#9467bd", "#d62728", "#2ca02c", "#ff7f0e"};
        for (int series = 0; series < names.length; series++) {
            StringBuilder points = new StringBuilder();
            for (Result r : results) {
                double v = switch (series) {
                    case 0 -> r.coldSeconds * 1000;
                    case 1 -> r.programSeconds() * 1000;
                    case 2 -> r.ipvsadmSeconds * 1000;
                    case 3 -> r.p50AckMs;
                    default -> r.p99AckMs;
                };
                if (Double.isNaN(v) || v <= 0) {
                    continue;
                }
                double x = left + r.size / maxX * plotW;
                double y = top + plotH - (Math.log10(v) - lo) / (hi - lo) * plotH;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>%n", x, y, colors[series]));
            }
            if (!points.isEmpty()) {
                s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    points.toString().trim(), colors[series]));
            }
            int ly = top + 10 + series * 20;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n",
                left + plotW + 12, ly, left + plotW + 34, ly, colors[series]));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", left + plotW + 40, ly + 4, names[series]));
        }
        s.append("</svg>\n");
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, s.toString());
    }
}

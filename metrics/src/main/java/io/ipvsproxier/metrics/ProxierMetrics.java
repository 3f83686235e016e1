package io.ipvsproxier.metrics;

import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.NetlinkException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The proxier's metrics: kube-proxy's, with its names, types, labels and buckets, and ours on top
 * (see {@link MetricNames}). One instance per process; every method is thread-safe and cheap.
 *
 * <p>How the proxier reports, in kube-proxy's terms:
 * <ul>
 *   <li>on every Service / EndpointSlice event: {@link #serviceChange(int)} or {@link #endpointChange(int)}
 *       with the number of changes now pending, and {@link #syncQueued(Instant)};</li>
 *   <li>after a sync: {@link #recordSync(Duration, Instant)} (or {@link #syncFailure(String, Duration)}),
 *       {@link #serviceChangesPending(int)} / {@link #endpointChangesPending(int)} (usually 0),
 *       {@link #networkProgramming(IpFamily, Instant, Instant)} per EndpointSlice change applied (not for the
 *       first sync, as kube-proxy), {@link #noLocalEndpoints}, {@link #ipvsCounts}, {@link #rejectedServicePorts},
 *       {@link #netlinkSendsPerSync(long)};</li>
 *   <li>for netlink writes: {@link #recordBatch(List, BatchResult)}, {@link #netlinkOperation(String)},
 *       {@link #netlinkFailure(String, NetlinkException)}.</li>
 * </ul>
 *
 * <p>Metrics carrying {@code ip_family} are kept for each family given at construction. A sync that covers
 * both families (one loop for a dual-stack node) is recorded once per family, the way kube-proxy's two
 * per-family proxiers would each record theirs.
 */
public final class ProxierMetrics {
    /** The EndpointSlice annotation network programming latency is measured from. */
    public static final String LAST_CHANGE_TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

    /** kube-proxy's {@code ExponentialBuckets(0.001, 2, 15)}: 1 ms ... 16.384 s. */
    static final Duration[] SYNC_DURATION_BUCKETS = IntStream.range(0, 15)
        .mapToObj(i -> Duration.ofNanos(1_000_000L << i)).toArray(Duration[]::new);

    /** kube-proxy's network programming buckets: 0.25, 0.5, 1..59 by 1, 60..115 by 5, 120..300 by 30 (80 bounds). */
    static final Duration[] NETWORK_PROGRAMMING_BUCKETS = networkProgrammingBuckets();

    /** Sends per sync: a handful when batching works, thousands when it does not. */
    static final double[] NETLINK_SENDS_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};

    private final PrometheusMeterRegistry registry;
    private final Set<IpFamily> families;
    private final Map<IpFamily, FamilyMeters> perFamily = new EnumMap<>(IpFamily.class);
    private final io.prometheus.metrics.core.metrics.Gauge noLocalEndpoints;
    private final Counter serviceChangesTotal;
    private final Counter endpointChangesTotal;
    private final AtomicInteger serviceChangesPending = new AtomicInteger();
    private final AtomicInteger endpointChangesPending = new AtomicInteger();
    private final DistributionSummary netlinkSends;
    private final Counter healthz200;
    private final Counter healthz503;
    private final Counter livez200;
    private final Counter livez503;
    private final AtomicInteger virtualServers = new AtomicInteger();
    private final AtomicInteger realServers = new AtomicInteger();
    private final AtomicInteger draining = new AtomicInteger();
    private final ConcurrentMap<String, AtomicLong> rejectedByReason = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> netlinkErrorsByErrno = new ConcurrentHashMap<>();
    private final LongAdder netlinkOperations = new LongAdder();
    private final LongAdder syncs = new LongAdder();
    private final LongAdder syncFailures = new LongAdder();
    private final List<IpvsStatsCollector> ipvsStats = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Instant lastSync;
    private volatile Duration lastSyncDuration;
    private volatile Instant lastQueued;

    /** Per family: its histograms and the epoch seconds behind its two timestamp gauges. */
    private static final class FamilyMeters {
        final Timer syncDuration;
        final Timer networkProgramming;
        volatile double lastSyncSeconds;
        volatile double lastQueuedSeconds;

        FamilyMeters(Timer syncDuration, Timer networkProgramming) {
            this.syncDuration = syncDuration;
            this.networkProgramming = networkProgramming;
        }
    }

    /**
     * Production metrics: a fresh Prometheus registry with the process and JVM metrics (CPU, memory, GC,
     * threads, file descriptors, uptime) next to the proxier's.
     */
    public static ProxierMetrics create(Set<IpFamily> families) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        return new ProxierMetrics(registry, families);
    }

    /** The proxier's metrics in the given registry (tests pass one with their own clock and registry). */
    public ProxierMetrics(PrometheusMeterRegistry registry, Set<IpFamily> families) {
        this.registry = Objects.requireNonNull(registry, "registry");
        if (families.isEmpty()) {
            throw new IllegalArgumentException("at least one IP family is needed");
        }
        this.families = EnumSet.copyOf(families);
        for (IpFamily f : this.families) {
            FamilyMeters m = new FamilyMeters(
                Timer.builder(MetricNames.SYNC_PROXY_RULES_DURATION)
                    .description("SyncProxyRules latency in seconds")
                    .tag(MetricNames.LABEL_IP_FAMILY, f.label())
                    .serviceLevelObjectives(SYNC_DURATION_BUCKETS)
                    .register(registry),
                Timer.builder(MetricNames.NETWORK_PROGRAMMING_DURATION)
                    .description("In Cluster Network Programming Latency in seconds")
                    .tag(MetricNames.LABEL_IP_FAMILY, f.label())
                    .serviceLevelObjectives(NETWORK_PROGRAMMING_BUCKETS)
                    .register(registry));
            perFamily.put(f, m);
            Gauge.builder(MetricNames.SYNC_PROXY_RULES_LAST_TIMESTAMP, m, x -> x.lastSyncSeconds)
                .description("The last time proxy rules were successfully synced")
                .tag(MetricNames.LABEL_IP_FAMILY, f.label())
                .register(registry);
            Gauge.builder(MetricNames.SYNC_PROXY_RULES_LAST_QUEUED_TIMESTAMP, m, x -> x.lastQueuedSeconds)
                .description("The last time a sync of proxy rules was queued")
                .tag(MetricNames.LABEL_IP_FAMILY, f.label())
                .register(registry);
        }
        // Micrometer strips "_total" from gauge names; the raw client keeps kube-proxy's name. Exemplars off:
        // with them the client needs a tracer bridge this registry does not ship.
        noLocalEndpoints = io.prometheus.metrics.core.metrics.Gauge.builder()
            .name(MetricNames.NO_LOCAL_ENDPOINTS_TOTAL)
            .help("Number of services with a Local traffic policy and no endpoints")
            .labelNames(MetricNames.LABEL_TRAFFIC_POLICY, MetricNames.LABEL_IP_FAMILY)
            .withoutExemplars()
            .register(registry.getPrometheusRegistry());
        for (IpFamily f : this.families) {
            noLocalEndpoints.labelValues("internal", f.label()).set(0);
            noLocalEndpoints.labelValues("external", f.label()).set(0);
        }
        Gauge.builder(MetricNames.ENDPOINT_CHANGES_PENDING, endpointChangesPending, AtomicInteger::get)
            .description("Pending proxy rules Endpoint changes").register(registry);
        endpointChangesTotal = Counter.builder(MetricNames.ENDPOINT_CHANGES_TOTAL)
            .description("Cumulative proxy rules Endpoint changes").register(registry);
        Gauge.builder(MetricNames.SERVICE_CHANGES_PENDING, serviceChangesPending, AtomicInteger::get)
            .description("Pending proxy rules Service changes").register(registry);
        serviceChangesTotal = Counter.builder(MetricNames.SERVICE_CHANGES_TOTAL)
            .description("Cumulative proxy rules Service changes").register(registry);
        healthz200 = healthCounter(MetricNames.PROXY_HEALTHZ_TOTAL, "200", "Cumulative proxy healthz HTTP status");
        healthz503 = healthCounter(MetricNames.PROXY_HEALTHZ_TOTAL, "503", "Cumulative proxy healthz HTTP status");
        livez200 = healthCounter(MetricNames.PROXY_LIVEZ_TOTAL, "200", "Cumulative proxy livez HTTP status");
        livez503 = healthCounter(MetricNames.PROXY_LIVEZ_TOTAL, "503", "Cumulative proxy livez HTTP status");

        netlinkSends = DistributionSummary.builder(MetricNames.SYNC_NETLINK_SENDS)
            .description("send(2) calls on netlink sockets per sync")
            .serviceLevelObjectives(NETLINK_SENDS_BUCKETS)
            .register(registry);
        Gauge.builder(MetricNames.IPVS_VIRTUAL_SERVERS, virtualServers, AtomicInteger::get)
            .description("IPVS virtual servers programmed by this proxier").register(registry);
        Gauge.builder(MetricNames.IPVS_REAL_SERVERS, realServers, AtomicInteger::get)
            .description("IPVS real servers programmed by this proxier, draining ones included").register(registry);
        Gauge.builder(MetricNames.IPVS_REAL_SERVERS_DRAINING, draining, AtomicInteger::get)
            .description("IPVS real servers at weight 0 waiting for their connections to end").register(registry);
    }

    private Counter healthCounter(String name, String code, String help) {
        return Counter.builder(name).description(help).tag(MetricNames.LABEL_CODE, code).register(registry);
    }

    private static Duration[] networkProgrammingBuckets() {
        List<Duration> b = new java.util.ArrayList<>();
        b.add(Duration.ofMillis(250));
        b.add(Duration.ofMillis(500));
        for (int s = 1; s <= 59; s++) {
            b.add(Duration.ofSeconds(s));
        }
        for (int s = 60; s <= 115; s += 5) {
            b.add(Duration.ofSeconds(s));
        }
        for (int s = 120; s <= 300; s += 30) {
            b.add(Duration.ofSeconds(s));
        }
        return b.toArray(Duration[]::new);
    }

    /** The registry: scrape it, or hand it to code that registers more meters. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public Set<IpFamily> families() {
        return EnumSet.copyOf(families);
    }

    /** The Prometheus text exposition (format 0.0.4) of everything: the registry's meters and the IPVS stats. */
    public String scrape() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            scrape(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Writes the Prometheus text exposition (format 0.0.4) without building it in memory first: the registry's
     * meters, then the per virtual server families of the IPVS stats collectors (which write themselves; see
     * {@link IpvsStatsCollector}).
     */
    public void scrape(OutputStream out) throws IOException {
        registry.scrape(out, "text/plain; version=0.0.4; charset=utf-8");
        for (IpvsStatsCollector c : ipvsStats) {
            c.writeTo(out);
        }
    }

    /**
     * Exports per virtual server traffic counters, read from the kernel with one dump per scrape at most
     * (see {@link IpvsStatsCollector}), in {@link #scrape(OutputStream)} (not in {@code registry().scrape()}).
     * Returns the collector (its {@link IpvsStatsCollector#dumps()} counts the dumps made).
     */
    public IpvsStatsCollector exportIpvsStats(Supplier<? extends Collection<io.ipvsproxier.ipvs.ServiceEntry>> dump,
                                              Function<io.ipvsproxier.ipvs.ServiceKey, Optional<VirtualServerLabels>> labeler,
                                              Duration cacheFor) {
        IpvsStatsCollector c = new IpvsStatsCollector(dump, labeler, cacheFor, java.time.Clock.systemUTC());
        register(c);
        return c;
    }

    /** Adds an already built collector to every scrape (tests give it a manual clock). At most one per process. */
    public void register(IpvsStatsCollector collector) {
        if (!ipvsStats.isEmpty()) {
            throw new IllegalStateException("an IPVS stats collector is already registered: its families would be exposed twice");
        }
        ipvsStats.add(collector);
    }

    // ---- syncs ---------------------------------------------------------------------------------

    /** A sync that completed: its duration, and when it ended (the "last synced" timestamp). */
    public void recordSync(Duration duration, Instant end) {
        for (FamilyMeters m : perFamily.values()) {
            m.syncDuration.record(nonNegative(duration));
            m.lastSyncSeconds = epochSeconds(end);
        }
        syncs.increment();
        lastSync = end;
        lastSyncDuration = duration;
    }

    /**
     * A sync that did not complete. Its duration still goes into the latency histogram (kube-proxy observes
     * every attempt), but the "last synced" timestamp stays where it was.
     */
    public void syncFailure(String reason, Duration duration) {
        for (FamilyMeters m : perFamily.values()) {
            m.syncDuration.record(nonNegative(duration));
        }
        registry.counter(MetricNames.SYNC_FAILURES_TOTAL, MetricNames.LABEL_REASON, reason).increment();
        syncFailures.increment();
        lastSyncDuration = duration;
    }

    /** A change queued a sync at {@code when}. */
    public void syncQueued(Instant when) {
        double s = epochSeconds(when);
        for (FamilyMeters m : perFamily.values()) {
            m.lastQueuedSeconds = s;
        }
        lastQueued = when;
    }

    /** One Service change was seen; {@code pendingNow} changes wait for a sync. */
    public void serviceChange(int pendingNow) {
        serviceChangesTotal.increment();
        serviceChangesPending.set(pendingNow);
    }

    /** One EndpointSlice change was seen; {@code pendingNow} changes wait for a sync. */
    public void endpointChange(int pendingNow) {
        endpointChangesTotal.increment();
        endpointChangesPending.set(pendingNow);
    }

    public void serviceChangesPending(int pending) {
        serviceChangesPending.set(pending);
    }

    public void endpointChangesPending(int pending) {
        endpointChangesPending.set(pending);
    }

    /**
     * Network programming latency of one EndpointSlice change: from its trigger time (the
     * {@value #LAST_CHANGE_TRIGGER_TIME_ANNOTATION} annotation, set by the control plane, so clock skew shows
     * here) to {@code programmed}. A negative latency (skew) counts as 0, as it would land in the first bucket.
     */
    public void networkProgramming(IpFamily family, Instant triggered, Instant programmed) {
        networkProgramming(family, Duration.between(triggered, programmed));
    }

    public void networkProgramming(IpFamily family, Duration latency) {
        FamilyMeters m = perFamily.get(family);
        if (m == null) {
            throw new IllegalArgumentException("IP family " + family.label() + " is not one of " + families);
        }
        m.networkProgramming.record(nonNegative(latency));
    }

    /**
     * Parses the {@value #LAST_CHANGE_TRIGGER_TIME_ANNOTATION} annotation (RFC 3339, with or without fraction);
     * empty when it is missing or malformed.
     */
    public static Optional<Instant> parseTriggerTime(String annotationValue) {
        if (annotationValue == null || annotationValue.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(annotationValue.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Services of one traffic policy ({@code internal} or {@code external}) that found no local endpoint. */
    public void noLocalEndpoints(IpFamily family, String trafficPolicy, int services) {
        if (!"internal".equals(trafficPolicy) && !"external".equals(trafficPolicy)) {
            throw new IllegalArgumentException("traffic policy must be internal or external, not " + trafficPolicy);
        }
        if (!families.contains(family)) {
            throw new IllegalArgumentException("IP family " + family.label() + " is not one of " + families);
        }
        noLocalEndpoints.labelValues(trafficPolicy, family.label()).set(services);
    }

    // ---- IPVS state ----------------------------------------------------------------------------

    /** What the proxier has programmed now. */
    public void ipvsCounts(int virtualServerCount, int realServerCount, int drainingCount) {
        virtualServers.set(virtualServerCount);
        realServers.set(realServerCount);
        draining.set(drainingCount);
    }

    /**
     * The Service ports that cannot be programmed now, by reason (e.g. {@code invalid_ip}). Reasons seen
     * before and absent now go to 0.
     */
    public void rejectedServicePorts(Map<String, ? extends Number> countsByReason) {
        for (Map.Entry<String, AtomicLong> e : rejectedByReason.entrySet()) {
            if (!countsByReason.containsKey(e.getKey())) {
                e.getValue().set(0);
            }
        }
        countsByReason.forEach((reason, n) -> rejectedByReason.computeIfAbsent(reason, r -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder(MetricNames.REJECTED_SERVICE_PORTS, holder, AtomicLong::get)
                .description("Service ports that could not be programmed, by reason")
                .tag(MetricNames.LABEL_REASON, r)
                .register(registry);
            return holder;
        }).set(n.longValue()));
    }

    // ---- netlink -------------------------------------------------------------------------------

    /** send(2) calls a sync made on netlink sockets (e.g. the difference of a {@code SyscallCounter}). */
    public void netlinkSendsPerSync(long sends) {
        netlinkSends.record(sends);
    }

    /** One netlink operation (e.g. {@code dump_services}, {@code add_address}) that succeeded. */
    public void netlinkOperation(String operation) {
        netlinkOperations(operation, 1);
    }

    /** One netlink operation the kernel refused. */
    public void netlinkFailure(String operation, NetlinkException e) {
        netlinkError(operation, e.errno() == 0 ? "other" : Errno.name(e.errno()), 1);
    }

    /** {@code count} operations refused with {@code errnoName} (e.g. {@code EEXIST}); they count as operations too. */
    public void netlinkError(String operation, String errnoName, long count) {
        netlinkOperations(operation, count);
        registry.counter(MetricNames.NETLINK_ERRORS_TOTAL, MetricNames.LABEL_OPERATION, operation,
            MetricNames.LABEL_ERRNO, errnoName).increment(count);
        netlinkErrorsByErrno.computeIfAbsent(errnoName, k -> new LongAdder()).add(count);
    }

    private void netlinkOperations(String operation, long count) {
        registry.counter(MetricNames.NETLINK_OPERATIONS_TOTAL, MetricNames.LABEL_OPERATION, operation).increment(count);
        netlinkOperations.add(count);
    }

    /**
     * Counts every operation of an IPVS batch by kind ({@code add_service}, {@code delete_destination}...),
     * and the refused ones by errno; operations whose outcome was lost (ENOBUFS) count with errno
     * {@code unknown}. "Already done" (EEXIST on add, ESRCH/ENOENT on delete in idempotent mode) is not an error.
     */
    public void recordBatch(List<? extends IpvsOperation> operations, BatchResult result) {
        if (operations.size() != result.size()) {
            throw new IllegalArgumentException(operations.size() + " operations but " + result.size() + " outcomes");
        }
        // Aggregate first: a batch can hold 100,000 operations, and a registry lookup per operation would cost more
        // than the batch's own bookkeeping.
        Map<String, Long> ok = new HashMap<>();
        Map<String, Map<String, Long>> errors = new HashMap<>();
        for (BatchResult.Outcome o : result.outcomes()) {
            String op = operationName(operations.get(o.index()));
            switch (o.status()) {
                case OK, ALREADY_DONE -> ok.merge(op, 1L, Long::sum);
                case FAILED -> errors.computeIfAbsent(op, k -> new HashMap<>()).merge(Errno.name(o.errno()), 1L, Long::sum);
                case UNKNOWN -> errors.computeIfAbsent(op, k -> new HashMap<>()).merge("unknown", 1L, Long::sum);
            }
        }
        ok.forEach(this::netlinkOperations);
        errors.forEach((op, byErrno) -> byErrno.forEach((errno, n) -> netlinkError(op, errno, n)));
    }

    /** {@code add_service}, {@code update_service}, {@code delete_service}, {@code add_destination}... */
    public static String operationName(IpvsOperation operation) {
        if (operation instanceof IpvsOperation.AddService) {
            return "add_service";
        }
        if (operation instanceof IpvsOperation.UpdateService) {
            return "update_service";
        }
        if (operation instanceof IpvsOperation.DeleteService) {
            return "delete_service";
        }
        if (operation instanceof IpvsOperation.AddDestination) {
            return "add_destination";
        }
        if (operation instanceof IpvsOperation.UpdateDestination) {
            return "update_destination";
        }
        return "delete_destination";
    }

    // ---- health (counted by HealthServer) ------------------------------------------------------

    void healthzAnswered(int code) {
        (code == 200 ? healthz200 : code == 503 ? healthz503 : healthCounter(MetricNames.PROXY_HEALTHZ_TOTAL,
            Integer.toString(code), "Cumulative proxy healthz HTTP status")).increment();
    }

    void livezAnswered(int code) {
        (code == 200 ? livez200 : code == 503 ? livez503 : healthCounter(MetricNames.PROXY_LIVEZ_TOTAL,
            Integer.toString(code), "Cumulative proxy livez HTTP status")).increment();
    }

    // ---- for the admin socket ------------------------------------------------------------------

    /** The figures the admin socket's {@code status} shows. */
    public MetricsSnapshot snapshot() {
        Map<String, Long> rejected = new TreeMap<>();
        rejectedByReason.forEach((r, n) -> {
            if (n.get() != 0) {
                rejected.put(r, n.get());
            }
        });
        Map<String, Long> errors = new TreeMap<>();
        netlinkErrorsByErrno.forEach((e, n) -> errors.put(e, n.sum()));
        return new MetricsSnapshot(Optional.ofNullable(lastSync), Optional.ofNullable(lastSyncDuration),
            Optional.ofNullable(lastQueued), syncs.sum(), syncFailures.sum(),
            serviceChangesPending.get(), endpointChangesPending.get(),
            (long) serviceChangesTotal.count(), (long) endpointChangesTotal.count(),
            virtualServers.get(), realServers.get(), draining.get(), rejected,
            netlinkOperations.sum(), errors);
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static double epochSeconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    /** A registry for tests and benchmarks: no process or JVM meters, its own Prometheus registry. */
    static PrometheusMeterRegistry newRegistry(io.micrometer.core.instrument.Clock clock) {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
        r.throwExceptionOnRegistrationFailure();
        return r;
    }
}

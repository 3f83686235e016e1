package io.ipvsproxier.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.BatchResult.Outcome;
import io.ipvsproxier.netlink.BatchResult.Status;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.NetlinkException;
import io.ipvsproxier.netlink.TestBatchResults;
import io.micrometer.core.instrument.MockClock;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProxierMetricsTest {
    private final ProxierMetrics metrics = new ProxierMetrics(ProxierMetrics.newRegistry(new MockClock()), Set.of(IpFamily.IPV4));

    /** Every name in MetricNames with the type a scrape must declare for it. */
    private static final Map<String, String> EXPECTED_TYPES = expectedTypes();

    private static Map<String, String> expectedTypes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MetricNames.SYNC_PROXY_RULES_DURATION, "histogram");
        m.put(MetricNames.SYNC_PROXY_RULES_LAST_TIMESTAMP, "gauge");
        m.put(MetricNames.SYNC_PROXY_RULES_LAST_QUEUED_TIMESTAMP, "gauge");
        m.put(MetricNames.NETWORK_PROGRAMMING_DURATION, "histogram");
        m.put(MetricNames.ENDPOINT_CHANGES_PENDING, "gauge");
        m.put(MetricNames.ENDPOINT_CHANGES_TOTAL, "counter");
        m.put(MetricNames.SERVICE_CHANGES_PENDING, "gauge");
        m.put(MetricNames.SERVICE_CHANGES_TOTAL, "counter");
        m.put(MetricNames.NO_LOCAL_ENDPOINTS_TOTAL, "gauge");
        m.put(MetricNames.PROXY_HEALTHZ_TOTAL, "counter");
        m.put(MetricNames.PROXY_LIVEZ_TOTAL, "counter");
        m.put(MetricNames.SYNC_FAILURES_TOTAL, "counter");
        m.put(MetricNames.SYNC_NETLINK_SENDS, "histogram");
        m.put(MetricNames.NETLINK_OPERATIONS_TOTAL, "counter");
        m.put(MetricNames.NETLINK_ERRORS_TOTAL, "counter");
        m.put(MetricNames.REJECTED_SERVICE_PORTS, "gauge");
        m.put(MetricNames.IPVS_VIRTUAL_SERVERS, "gauge");
        m.put(MetricNames.IPVS_REAL_SERVERS, "gauge");
        m.put(MetricNames.IPVS_REAL_SERVERS_DRAINING, "gauge");
        m.put(MetricNames.VS_CONNECTIONS_TOTAL, "counter");
        m.put(MetricNames.VS_PACKETS_IN_TOTAL, "counter");
        m.put(MetricNames.VS_PACKETS_OUT_TOTAL, "counter");
        m.put(MetricNames.VS_BYTES_IN_TOTAL, "counter");
        m.put(MetricNames.VS_BYTES_OUT_TOTAL, "counter");
        m.put(MetricNames.VS_CONNECTIONS_PER_SECOND, "gauge");
        m.put(MetricNames.VS_PACKETS_IN_PER_SECOND, "gauge");
        m.put(MetricNames.VS_PACKETS_OUT_PER_SECOND, "gauge");
        m.put(MetricNames.VS_BYTES_IN_PER_SECOND, "gauge");
        m.put(MetricNames.VS_BYTES_OUT_PER_SECOND, "gauge");
        m.put(MetricNames.IPVS_STATS_DUMPS_TOTAL, "counter");
        m.put(MetricNames.IPVS_STATS_DUMP_ERRORS_TOTAL, "counter");
        m.put(MetricNames.IPVS_STATS_DUMP_DURATION, "gauge");
        m.put(MetricNames.IPVS_STATS_FOREIGN_VIRTUAL_SERVERS, "gauge");
        return m;
    }

    /** Uses every metric once, including the per virtual server ones through a collector with one service. */
    private String scrapeWithEverythingUsed() throws Exception {
        Instant end = Instant.parse("2024-05-01T10:00:00.250Z");
        metrics.recordSync(Duration.ofMillis(3), end);
        metrics.syncQueued(Instant.parse("2024-05-01T09:59:59.500Z"));
        metrics.networkProgramming(IpFamily.IPV4, Duration.ofMillis(1500));
        metrics.serviceChange(2);
        metrics.endpointChange(5);
        metrics.noLocalEndpoints(IpFamily.IPV4, "external", 3);
        metrics.healthzAnswered(200);
        metrics.livezAnswered(503);
        metrics.syncFailure("netlink", Duration.ofMillis(20));
        metrics.netlinkSendsPerSync(3);
        metrics.netlinkOperation("dump_services");
        metrics.netlinkFailure("add_address", new NetlinkException("add address", Errno.EADDRNOTAVAIL, null));
        metrics.rejectedServicePorts(Map.of("invalid_ip", 2));
        metrics.ipvsCounts(10, 30, 4);
        ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddress.getByName("10.96.0.10"), 53);
        metrics.register(new IpvsStatsCollector(
            () -> List.of(new io.ipvsproxier.ipvs.ServiceEntry(VirtualServer.of(key, "rr"),
                new io.ipvsproxier.ipvs.IpvsStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))),
            k -> Optional.of(new VirtualServerLabels("kube-system", "kube-dns", "dns-tcp")),
            Duration.ZERO, new ManualClock(Instant.EPOCH)));
        return metrics.scrape();
    }

    @Test
    void everyMetricNameIsScrapedWithItsType() throws Exception {
        String scrape = scrapeWithEverythingUsed();
        for (Map.Entry<String, String> e : EXPECTED_TYPES.entrySet()) {
            assertThat(ScrapeText.type(scrape, e.getKey())).as("# TYPE of %s", e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void theTestKnowsEveryNameInMetricNames() throws Exception {
        List<String> names = new ArrayList<>();
        for (Field f : MetricNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && !f.getName().startsWith("LABEL_")) {
                names.add((String) f.get(null));
            }
        }
        assertThat(names).containsExactlyInAnyOrderElementsOf(EXPECTED_TYPES.keySet());
    }

    @Test
    void syncDurationHasKubeProxyBuckets() {
        metrics.recordSync(Duration.ofMillis(3), Instant.EPOCH);
        String scrape = metrics.scrape();
        assertThat(ScrapeText.buckets(scrape, MetricNames.SYNC_PROXY_RULES_DURATION, "ip_family=\"IPv4\""))
            .containsExactly("0.001", "0.002", "0.004", "0.008", "0.016", "0.032", "0.064", "0.128", "0.256",
                "0.512", "1.024", "2.048", "4.096", "8.192", "16.384", "+Inf");
        assertThat(ScrapeText.value(scrape, "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.002\"}")).hasValue(0);
        assertThat(ScrapeText.value(scrape, "kubeproxy_sync_proxy_rules_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.004\"}")).hasValue(1);
        assertThat(ScrapeText.value(scrape, "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}")).hasValue(1);
        assertThat(ScrapeText.value(scrape, "kubeproxy_sync_proxy_rules_duration_seconds_sum{ip_family=\"IPv4\"}")).hasValue(0.003);
    }

    @Test
    void networkProgrammingHasKubeProxyBuckets() {
        metrics.networkProgramming(IpFamily.IPV4, Instant.parse("2024-05-01T10:00:00Z"), Instant.parse("2024-05-01T10:01:02.500Z"));
        String scrape = metrics.scrape();
        List<String> expected = new ArrayList<>(List.of("0.25", "0.5"));
        for (int s = 1; s <= 59; s++) {
            expected.add(s + ".0");
        }
        for (int s = 60; s <= 115; s += 5) {
            expected.add(s + ".0");
        }
        for (int s = 120; s <= 300; s += 30) {
            expected.add(s + ".0");
        }
        expected.add("+Inf");
        assertThat(expected).hasSize(81);
        assertThat(ScrapeText.buckets(scrape, MetricNames.NETWORK_PROGRAMMING_DURATION, "ip_family=\"IPv4\""))
            .containsExactlyElementsOf(expected);
        assertThat(ScrapeText.value(scrape, "kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"60.0\"}")).hasValue(0);
        assertThat(ScrapeText.value(scrape, "kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"65.0\"}")).hasValue(1);
    }

    @Test
    void negativeNetworkProgrammingLatencyFromClockSkewLandsInTheFirstBucket() {
        metrics.networkProgramming(IpFamily.IPV4, Instant.parse("2024-05-01T10:00:01Z"), Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(ScrapeText.value(metrics.scrape(),
            "kubeproxy_network_programming_duration_seconds_bucket{ip_family=\"IPv4\",le=\"0.25\"}")).hasValue(1);
    }

    @Test
    void netlinkSendsPerSyncBuckets() {
        metrics.netlinkSendsPerSync(7);
        assertThat(ScrapeText.buckets(metrics.scrape(), MetricNames.SYNC_NETLINK_SENDS, ""))
            .containsExactly("1.0", "2.0", "5.0", "10.0", "20.0", "50.0", "100.0", "200.0", "500.0", "1000.0",
                "2000.0", "5000.0", "10000.0", "+Inf");
    }

    @Test
    void timestampsAreEpochSecondsPerFamily() {
        ProxierMetrics dual = new ProxierMetrics(ProxierMetrics.newRegistry(new MockClock()), Set.of(IpFamily.IPV4, IpFamily.IPV6));
        dual.syncQueued(Instant.parse("2024-05-01T10:00:00Z"));
        dual.recordSync(Duration.ofMillis(40), Instant.parse("2024-05-01T10:00:00.500Z"));
        String scrape = dual.scrape();
        for (String family : List.of("IPv4", "IPv6")) {
            assertThat(ScrapeText.value(scrape, "kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family=\"" + family + "\"}"))
                .hasValue(1714557600.5);
            assertThat(ScrapeText.value(scrape, "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds{ip_family=\"" + family + "\"}"))
                .hasValue(1714557600.0);
            assertThat(ScrapeText.value(scrape, "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"" + family + "\"}"))
                .hasValue(1);
        }
    }

    @Test
    void failedSyncCountsItsDurationButNotTheLastSyncTime() {
        metrics.recordSync(Duration.ofMillis(5), Instant.ofEpochSecond(100));
        metrics.syncFailure("netlink", Duration.ofMillis(7));
        String scrape = metrics.scrape();
        assertThat(ScrapeText.value(scrape, "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}")).hasValue(2);
        assertThat(ScrapeText.value(scrape, "kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family=\"IPv4\"}")).hasValue(100);
        assertThat(ScrapeText.value(scrape, "ipvsproxier_sync_failures_total{reason=\"netlink\"}")).hasValue(1);
        assertThat(metrics.snapshot().syncs()).isEqualTo(1);
        assertThat(metrics.snapshot().syncFailures()).isEqualTo(1);
    }

    @Test
    void changesCountEveryEventAndTrackPending() {
        metrics.serviceChange(1);
        metrics.serviceChange(2);
        metrics.endpointChange(1);
        String before = metrics.scrape();
        assertThat(ScrapeText.value(before, MetricNames.SERVICE_CHANGES_TOTAL)).hasValue(2);
        assertThat(ScrapeText.value(before, MetricNames.SERVICE_CHANGES_PENDING)).hasValue(2);
        assertThat(ScrapeText.value(before, MetricNames.ENDPOINT_CHANGES_TOTAL)).hasValue(1);
        assertThat(ScrapeText.value(before, MetricNames.ENDPOINT_CHANGES_PENDING)).hasValue(1);
        metrics.serviceChangesPending(0);
        metrics.endpointChangesPending(0);
        String after = metrics.scrape();
        assertThat(ScrapeText.value(after, MetricNames.SERVICE_CHANGES_PENDING)).hasValue(0);
        assertThat(ScrapeText.value(after, MetricNames.ENDPOINT_CHANGES_PENDING)).hasValue(0);
        assertThat(ScrapeText.value(after, MetricNames.SERVICE_CHANGES_TOTAL)).hasValue(2);
    }

    @Test
    void noLocalEndpointsIsAGaugeNamedWithTotalForBothPolicies() {
        String initial = metrics.scrape();
        assertThat(ScrapeText.value(initial, "kubeproxy_sync_proxy_rules_no_local_endpoints_total{ip_family=\"IPv4\",traffic_policy=\"internal\"}")).hasValue(0);
        metrics.noLocalEndpoints(IpFamily.IPV4, "internal", 4);
        metrics.noLocalEndpoints(IpFamily.IPV4, "internal", 2);
        String scrape = metrics.scrape();
        assertThat(ScrapeText.type(scrape, MetricNames.NO_LOCAL_ENDPOINTS_TOTAL)).isEqualTo("gauge");
        assertThat(ScrapeText.value(scrape, "kubeproxy_sync_proxy_rules_no_local_endpoints_total{ip_family=\"IPv4\",traffic_policy=\"internal\"}")).hasValue(2);
        assertThat(ScrapeText.value(scrape, "kubeproxy_sync_proxy_rules_no_local_endpoints_total{ip_family=\"IPv4\",traffic_policy=\"external\"}")).hasValue(0);
        assertThatThrownBy(() -> metrics.noLocalEndpoints(IpFamily.IPV4, "cluster", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> metrics.noLocalEndpoints(IpFamily.IPV6, "internal", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void batchOutcomesCountByOperationAndErrno() throws Exception {
        ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddress.getByName("10.96.0.1"), 443);
        RealServer rs = RealServer.masq(InetAddress.getByName("10.0.0.5"), 6443, 1);
        List<IpvsOperation> ops = List.of(
            new IpvsOperation.AddService(VirtualServer.of(key, "rr")),
            new IpvsOperation.AddDestination(key, rs),
            new IpvsOperation.AddDestination(key, rs),
            new IpvsOperation.AddDestination(key, rs),
            new IpvsOperation.DeleteDestination(key, rs.endpoint()));
        BatchResult result = TestBatchResults.of(List.of(), List.of(
            new Outcome(0, Status.OK, 0, null),
            new Outcome(1, Status.ALREADY_DONE, Errno.EEXIST, null),
            new Outcome(2, Status.FAILED, Errno.EINVAL, "bad weight"),
            new Outcome(3, Status.FAILED, Errno.EINVAL, null),
            new Outcome(4, Status.UNKNOWN, Errno.ENOBUFS, null)), 1);
        metrics.recordBatch(ops, result);
        String scrape = metrics.scrape();
        assertThat(ScrapeText.value(scrape, "ipvsproxier_netlink_operations_total{operation=\"add_service\"}")).hasValue(1);
        assertThat(ScrapeText.value(scrape, "ipvsproxier_netlink_operations_total{operation=\"add_destination\"}")).hasValue(3);
        assertThat(ScrapeText.value(scrape, "ipvsproxier_netlink_operations_total{operation=\"delete_destination\"}")).hasValue(1);
        assertThat(ScrapeText.value(scrape, "ipvsproxier_netlink_errors_total{errno=\"EINVAL\",operation=\"add_destination\"}")).hasValue(2);
        assertThat(ScrapeText.value(scrape, "ipvsproxier_netlink_errors_total{errno=\"unknown\",operation=\"delete_destination\"}")).hasValue(1);
        assertThat(ScrapeText.value(scrape, "ipvsproxier_netlink_errors_total{errno=\"EEXIST\",operation=\"add_destination\"}")).isEmpty();
        MetricsSnapshot s = metrics.snapshot();
        assertThat(s.netlinkOperations()).isEqualTo(5);
        assertThat(s.netlinkErrorsByErrno()).containsExactly(Map.entry("EINVAL", 2L), Map.entry("unknown", 1L));
        assertThatThrownBy(() -> metrics.recordBatch(ops.subList(0, 2), result)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectedServicePortsFollowTheLatestCounts() {
        Map<String, Integer> first = new HashMap<>();
        first.put("invalid_ip", 2);
        first.put("unknown_scheduler", 1);
        metrics.rejectedServicePorts(first);
        metrics.rejectedServicePorts(Map.of("invalid_ip", 1));
        String scrape = metrics.scrape();
        assertThat(ScrapeText.value(scrape, "ipvsproxier_rejected_service_ports{reason=\"invalid_ip\"}")).hasValue(1);
        assertThat(ScrapeText.value(scrape, "ipvsproxier_rejected_service_ports{reason=\"unknown_scheduler\"}")).hasValue(0);
        assertThat(metrics.snapshot().rejectedServicePortsByReason()).containsExactly(Map.entry("invalid_ip", 1L));
    }

    @Test
    void ipvsCountsAndSnapshot() {
        metrics.ipvsCounts(12, 40, 3);
        metrics.recordSync(Duration.ofMillis(9), Instant.ofEpochSecond(1000));
        metrics.syncQueued(Instant.ofEpochSecond(999));
        String scrape = metrics.scrape();
        assertThat(ScrapeText.value(scrape, MetricNames.IPVS_VIRTUAL_SERVERS)).hasValue(12);
        assertThat(ScrapeText.value(scrape, MetricNames.IPVS_REAL_SERVERS)).hasValue(40);
        assertThat(ScrapeText.value(scrape, MetricNames.IPVS_REAL_SERVERS_DRAINING)).hasValue(3);
        MetricsSnapshot s = metrics.snapshot();
        assertThat(s.virtualServers()).isEqualTo(12);
        assertThat(s.realServers()).isEqualTo(40);
        assertThat(s.realServersDraining()).isEqualTo(3);
        assertThat(s.lastSync()).contains(Instant.ofEpochSecond(1000));
        assertThat(s.lastSyncDuration()).contains(Duration.ofMillis(9));
        assertThat(s.lastQueued()).contains(Instant.ofEpochSecond(999));
    }

    @Test
    void healthCountersByCode() {
        metrics.healthzAnswered(200);
        metrics.healthzAnswered(200);
        metrics.healthzAnswered(503);
        metrics.livezAnswered(200);
        String scrape = metrics.scrape();
        assertThat(ScrapeText.value(scrape, "kubeproxy_proxy_healthz_total{code=\"200\"}")).hasValue(2);
        assertThat(ScrapeText.value(scrape, "kubeproxy_proxy_healthz_total{code=\"503\"}")).hasValue(1);
        assertThat(ScrapeText.value(scrape, "kubeproxy_proxy_livez_total{code=\"200\"}")).hasValue(1);
        assertThat(ScrapeText.value(scrape, "kubeproxy_proxy_livez_total{code=\"503\"}")).hasValue(0);
    }

    @Test
    void triggerTimeAnnotationParsing() {
        assertThat(ProxierMetrics.parseTriggerTime("2024-05-01T10:00:00Z")).contains(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(ProxierMetrics.parseTriggerTime("2024-05-01T10:00:00.123456789Z")).contains(Instant.parse("2024-05-01T10:00:00.123456789Z"));
        assertThat(ProxierMetrics.parseTriggerTime("2024-05-01T12:00:00+02:00")).contains(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(ProxierMetrics.parseTriggerTime("yesterday")).isEmpty();
        assertThat(ProxierMetrics.parseTriggerTime("")).isEmpty();
        assertThat(ProxierMetrics.parseTriggerTime(null)).isEmpty();
    }

    @Test
    void operationNames() throws Exception {
        ServiceKey key = ServiceKey.of(Protocol.UDP, InetAddress.getByName("10.96.0.10"), 53);
        RealServer rs = RealServer.masq(InetAddress.getByName("10.0.0.5"), 53, 1);
        assertThat(ProxierMetrics.operationName(new IpvsOperation.UpdateService(VirtualServer.of(key, "rr")))).isEqualTo("update_service");
        assertThat(ProxierMetrics.operationName(new IpvsOperation.DeleteService(key))).isEqualTo("delete_service");
        assertThat(ProxierMetrics.operationName(new IpvsOperation.UpdateDestination(key, rs))).isEqualTo("update_destination");
    }
}

package io.ipvsproxier.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.ipvs.IpvsStats;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.ServiceEntry;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import io.micrometer.core.instrument.MockClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class IpvsStatsCollectorTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final ProxierMetrics metrics = new ProxierMetrics(ProxierMetrics.newRegistry(new MockClock()), Set.of(IpFamily.IPV4, IpFamily.IPV6));
    private final AtomicInteger dumpCalls = new AtomicInteger();
    private final List<ServiceEntry> table = new ArrayList<>();
    private final Map<ServiceKey, VirtualServerLabels> owners = new java.util.HashMap<>();

    private final Supplier<List<ServiceEntry>> countingDump = () -> {
        dumpCalls.incrementAndGet();
        return List.copyOf(table);
    };

    private static ServiceKey key(Protocol p, String ip, int port) throws Exception {
        return ServiceKey.of(p, InetAddress.getByName(ip), port);
    }

    private void add(ServiceKey key, IpvsStats stats, VirtualServerLabels owner) {
        table.add(new ServiceEntry(VirtualServer.of(key, "rr"), stats));
        if (owner != null) {
            owners.put(key, owner);
        }
    }

    private IpvsStatsCollector register(Duration cacheFor) {
        IpvsStatsCollector c = new IpvsStatsCollector(countingDump, k -> Optional.ofNullable(owners.get(k)), cacheFor, clock);
        metrics.register(c);
        return c;
    }

    @Test
    void countersAndRatesPerVirtualServerWithServiceLabels() throws Exception {
        add(key(Protocol.TCP, "10.96.0.10", 53), new IpvsStats(11, 22, 33, 44, 55, 1, 2, 3, 4, 5),
            new VirtualServerLabels("kube-system", "kube-dns", "dns-tcp"));
        add(key(Protocol.UDP, "fd00::a", 53), new IpvsStats(7, 8, 9, 10, 11, 0, 0, 0, 0, 0),
            new VirtualServerLabels("kube-system", "kube-dns", "dns"));
        register(Duration.ZERO);

        String s = metrics.scrape();
        String tcp = "{namespace=\"kube-system\",port=\"53\",port_name=\"dns-tcp\",protocol=\"TCP\",service=\"kube-dns\",vip=\"10.96.0.10\"}";
        assertThat(ScrapeText.value(s, MetricNames.VS_CONNECTIONS_TOTAL + tcp)).hasValue(11);
        assertThat(ScrapeText.value(s, MetricNames.VS_PACKETS_IN_TOTAL + tcp)).hasValue(22);
        assertThat(ScrapeText.value(s, MetricNames.VS_PACKETS_OUT_TOTAL + tcp)).hasValue(33);
        assertThat(ScrapeText.value(s, MetricNames.VS_BYTES_IN_TOTAL + tcp)).hasValue(44);
        assertThat(ScrapeText.value(s, MetricNames.VS_BYTES_OUT_TOTAL + tcp)).hasValue(55);
        assertThat(ScrapeText.value(s, MetricNames.VS_CONNECTIONS_PER_SECOND + tcp)).hasValue(1);
        assertThat(ScrapeText.value(s, MetricNames.VS_PACKETS_IN_PER_SECOND + tcp)).hasValue(2);
        assertThat(ScrapeText.value(s, MetricNames.VS_PACKETS_OUT_PER_SECOND + tcp)).hasValue(3);
        assertThat(ScrapeText.value(s, MetricNames.VS_BYTES_IN_PER_SECOND + tcp)).hasValue(4);
        assertThat(ScrapeText.value(s, MetricNames.VS_BYTES_OUT_PER_SECOND + tcp)).hasValue(5);
        String udp6 = "{namespace=\"kube-system\",port=\"53\",port_name=\"dns\",protocol=\"UDP\",service=\"kube-dns\",vip=\"fd00::a\"}";
        assertThat(ScrapeText.value(s, MetricNames.VS_CONNECTIONS_TOTAL + udp6)).hasValue(7);
        assertThat(ScrapeText.type(s, MetricNames.VS_CONNECTIONS_TOTAL)).isEqualTo("counter");
        assertThat(ScrapeText.type(s, MetricNames.VS_BYTES_OUT_PER_SECOND)).isEqualTo("gauge");
    }

    @Test
    void oneDumpPerScrapeNeverOnePerService() throws Exception {
        for (int i = 0; i < 50; i++) {
            ServiceKey k = key(Protocol.TCP, "10.96.1." + i, 80);
            add(k, IpvsStats.ZERO, new VirtualServerLabels("ns", "svc-" + i, "http"));
        }
        IpvsStatsCollector c = register(Duration.ZERO);
        for (int scrape = 1; scrape <= 3; scrape++) {
            String s = metrics.scrape();
            assertThat(dumpCalls.get()).isEqualTo(scrape);
            assertThat(c.dumps()).isEqualTo(scrape);
            assertThat(ScrapeText.value(s, MetricNames.IPVS_STATS_DUMPS_TOTAL)).hasValue(scrape);
            assertThat(s.lines().filter(l -> l.startsWith(MetricNames.VS_CONNECTIONS_TOTAL + "{")).count()).isEqualTo(50);
        }
    }

    @Test
    void aRecentDumpAnswersTheNextScrapes() throws Exception {
        ServiceKey k = key(Protocol.TCP, "10.96.0.1", 443);
        add(k, new IpvsStats(1, 0, 0, 0, 0, 0, 0, 0, 0, 0), new VirtualServerLabels("default", "kubernetes", "https"));
        register(Duration.ofSeconds(2));
        metrics.scrape();
        clock.advance(Duration.ofMillis(1999));
        table.set(0, new ServiceEntry(VirtualServer.of(k, "rr"), new IpvsStats(5, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        String cached = metrics.scrape();
        assertThat(dumpCalls.get()).isEqualTo(1);
        assertThat(ScrapeText.value(cached, MetricNames.VS_CONNECTIONS_TOTAL
            + "{namespace=\"default\",port=\"443\",port_name=\"https\",protocol=\"TCP\",service=\"kubernetes\",vip=\"10.96.0.1\"}")).hasValue(1);
        clock.advance(Duration.ofMillis(1));
        String fresh = metrics.scrape();
        assertThat(dumpCalls.get()).isEqualTo(2);
        assertThat(ScrapeText.value(fresh, MetricNames.VS_CONNECTIONS_TOTAL
            + "{namespace=\"default\",port=\"443\",port_name=\"https\",protocol=\"TCP\",service=\"kubernetes\",vip=\"10.96.0.1\"}")).hasValue(5);
    }

    @Test
    void foreignVirtualServersAreCountedNotExported() throws Exception {
        add(key(Protocol.TCP, "10.96.0.1", 443), IpvsStats.ZERO, new VirtualServerLabels("default", "kubernetes", "https"));
        add(key(Protocol.TCP, "192.168.1.100", 80), new IpvsStats(99, 0, 0, 0, 0, 0, 0, 0, 0, 0), null);
        table.add(new ServiceEntry(VirtualServer.of(ServiceKey.ofFwmark(ServiceKey.AF_INET, 7), "rr"), IpvsStats.ZERO));
        register(Duration.ZERO);
        String s = metrics.scrape();
        assertThat(s).doesNotContain("192.168.1.100").doesNotContain("FWM 7");
        assertThat(ScrapeText.value(s, MetricNames.IPVS_STATS_FOREIGN_VIRTUAL_SERVERS)).hasValue(2);
    }

    @Test
    void firewallMarkServicesAreNamedByTheirMark() {
        ServiceKey fwm = ServiceKey.ofFwmark(ServiceKey.AF_INET6, 7);
        add(fwm, new IpvsStats(3, 0, 0, 0, 0, 0, 0, 0, 0, 0), new VirtualServerLabels("ns", "svc", ""));
        register(Duration.ZERO);
        assertThat(ScrapeText.value(metrics.scrape(), MetricNames.VS_CONNECTIONS_TOTAL
            + "{namespace=\"ns\",port=\"\",port_name=\"\",protocol=\"\",service=\"svc\",vip=\"FWM 7 IPv6\"}")).hasValue(3);
    }

    @Test
    void aFailedDumpGivesNoStaleSamplesAndTheNextScrapeRecovers() throws Exception {
        add(key(Protocol.TCP, "10.96.0.1", 443), new IpvsStats(4, 0, 0, 0, 0, 0, 0, 0, 0, 0), new VirtualServerLabels("default", "kubernetes", "https"));
        AtomicInteger calls = new AtomicInteger();
        metrics.register(new IpvsStatsCollector(() -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("netlink socket closed");
            }
            return List.copyOf(table);
        }, k -> Optional.ofNullable(owners.get(k)), Duration.ZERO, clock));
        assertThat(metrics.scrape()).contains(MetricNames.VS_CONNECTIONS_TOTAL + "{");
        String failed = metrics.scrape();
        assertThat(failed).doesNotContain(MetricNames.VS_CONNECTIONS_TOTAL + "{");
        assertThat(ScrapeText.value(failed, MetricNames.IPVS_STATS_DUMP_ERRORS_TOTAL)).hasValue(1);
        // the rest of the scrape is intact
        assertThat(ScrapeText.type(failed, MetricNames.SYNC_PROXY_RULES_DURATION)).isEqualTo("histogram");
        assertThat(metrics.scrape()).contains(MetricNames.VS_CONNECTIONS_TOTAL + "{");
    }

    @Test
    void aLabelerThatThrowsSkipsOnlyThatVirtualServer() throws Exception {
        ServiceKey good = key(Protocol.TCP, "10.96.0.1", 443);
        ServiceKey bad = key(Protocol.TCP, "10.96.0.2", 443);
        table.add(new ServiceEntry(VirtualServer.of(good, "rr"), IpvsStats.ZERO));
        table.add(new ServiceEntry(VirtualServer.of(bad, "rr"), IpvsStats.ZERO));
        metrics.register(new IpvsStatsCollector(countingDump, k -> {
            if (k.equals(bad)) {
                throw new IllegalStateException("index being rebuilt");
            }
            return Optional.of(new VirtualServerLabels("default", "kubernetes", "https"));
        }, Duration.ZERO, clock));
        String s = metrics.scrape();
        assertThat(s).contains("vip=\"10.96.0.1\"").doesNotContain("vip=\"10.96.0.2\"");
    }

    @Test
    void countersAboveTwoToTheSixtyThreeStayPositive() throws Exception {
        ServiceKey k = key(Protocol.TCP, "10.96.0.1", 443);
        add(k, new IpvsStats(-1L, Long.MIN_VALUE, 0, Long.MAX_VALUE, 42, 0, 0, 0, 0, 0), new VirtualServerLabels("default", "kubernetes", "https"));
        register(Duration.ZERO);
        String labels = "{namespace=\"default\",port=\"443\",port_name=\"https\",protocol=\"TCP\",service=\"kubernetes\",vip=\"10.96.0.1\"}";
        String s = metrics.scrape();
        assertThat(s).contains(MetricNames.VS_CONNECTIONS_TOTAL + labels + " 18446744073709551615\n")
            .contains(MetricNames.VS_PACKETS_IN_TOTAL + labels + " 9223372036854775808\n")
            .contains(MetricNames.VS_PACKETS_OUT_TOTAL + labels + " 0\n")
            .contains(MetricNames.VS_BYTES_IN_TOTAL + labels + " 9223372036854775807\n")
            .contains(MetricNames.VS_BYTES_OUT_TOTAL + labels + " 42\n");
    }

    @Test
    void labelValuesAreEscaped() throws Exception {
        ServiceKey k = key(Protocol.TCP, "10.96.0.1", 443);
        assertThat(new String(IpvsStatsCollector.labelBlock(k, new VirtualServerLabels("a\"b", "c\\d", "e\nf")), java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo("{namespace=\"a\\\"b\",port=\"443\",port_name=\"e\\nf\",protocol=\"TCP\",service=\"c\\\\d\",vip=\"10.96.0.1\"}");
    }

    @Test
    void onlyOneCollectorPerScrape() {
        register(Duration.ZERO);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> register(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theExpositionParsesAsPrometheusTextWithEachFamilyOnce() throws Exception {
        for (int i = 0; i < 3; i++) {
            add(key(Protocol.UDP, "10.96.2." + i, 53), IpvsStats.ZERO, new VirtualServerLabels("ns", "dns-" + i, "dns"));
        }
        register(Duration.ZERO);
        String s = metrics.scrape();
        java.util.Map<String, Integer> typeLines = new java.util.HashMap<>();
        String currentFamily = null;
        for (String line : s.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                currentFamily = line.split(" ")[2];
                typeLines.merge(currentFamily, 1, Integer::sum);
            } else if (!line.startsWith("#") && !line.isEmpty()) {
                // every sample belongs to the family declared last (histogram suffixes aside)
                String name = line.split("[{ ]")[0];
                assertThat(name).as(line).startsWith(currentFamily.replaceFirst("_total$", ""));
                assertThat(line).matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? [-+0-9.eE]+|.* (NaN|[+-]Inf)");
            }
        }
        typeLines.forEach((family, n) -> assertThat(n).as(family).isEqualTo(1));
        assertThat(typeLines).containsKeys(MetricNames.VS_CONNECTIONS_TOTAL, MetricNames.VS_BYTES_OUT_PER_SECOND,
            MetricNames.SYNC_PROXY_RULES_DURATION);
    }
}

package io.ipvsproxier.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpServersTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final ProxierMetrics metrics = new ProxierMetrics(ProxierMetrics.newRegistry(new MockClock()), Set.of(IpFamily.IPV4));
    private final HealthState health = new HealthState(clock, Duration.ofSeconds(60), () -> true);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private HealthServer healthServer;
    private MetricsServer metricsServer;

    @AfterEach
    void stop() {
        if (healthServer != null) {
            healthServer.close();
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
    }

    private HttpResponse<byte[]> get(java.net.InetSocketAddress at, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void healthzAndLivezFollowTheStateAndAreCountedByCode() throws Exception {
        healthServer = HealthServer.start(BindAddress.parse("127.0.0.1:0"), health, metrics);
        HttpResponse<byte[]> ok = get(healthServer.address(), "/healthz");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(text(ok)).isEqualTo("{\"lastUpdated\": \"2024-05-01 10:00:00 +0000 UTC\",\"currentTime\": \"2024-05-01 10:00:00 +0000 UTC\", \"nodeEligible\": true}");

        health.queuedUpdate();
        clock.advance(Duration.ofSeconds(61));
        HttpResponse<byte[]> late = get(healthServer.address(), "/healthz");
        assertThat(late.statusCode()).isEqualTo(503);
        assertThat(text(late)).contains("\"currentTime\": \"2024-05-01 10:01:01 +0000 UTC\"");
        assertThat(get(healthServer.address(), "/livez").statusCode()).isEqualTo(503);

        health.updated();
        assertThat(get(healthServer.address(), "/livez").statusCode()).isEqualTo(200);
        assertThat(get(healthServer.address(), "/nothing").statusCode()).isEqualTo(404);
        assertThat(get(healthServer.address(), "/healthzz").statusCode()).isEqualTo(404);

        String scrape = metrics.scrape();
        assertThat(ScrapeText.value(scrape, "kubeproxy_proxy_healthz_total{code=\"200\"}")).hasValue(1);
        assertThat(ScrapeText.value(scrape, "kubeproxy_proxy_healthz_total{code=\"503\"}")).hasValue(1);
        assertThat(ScrapeText.value(scrape, "kubeproxy_proxy_livez_total{code=\"503\"}")).hasValue(1);
        assertThat(ScrapeText.value(scrape, "kubeproxy_proxy_livez_total{code=\"200\"}")).hasValue(1);
    }

    @Test
    void metricsEndpointServesTheTextFormatPlainAndGzipped() throws Exception {
        metrics.recordSync(Duration.ofMillis(12), Instant.ofEpochSecond(1_700_000_000));
        metricsServer = MetricsServer.start(BindAddress.parse("127.0.0.1:0"), metrics);

        HttpResponse<byte[]> plain = get(metricsServer.address(), "/metrics");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(ScrapeText.value(text(plain), "kubeproxy_sync_proxy_rules_last_timestamp_seconds{ip_family=\"IPv4\"}")).hasValue(1.7e9);

        HttpResponse<byte[]> gz = get(metricsServer.address(), "/metrics", "Accept-Encoding", "gzip");
        assertThat(gz.headers().firstValue("Content-Encoding")).contains("gzip");
        String unzipped;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            unzipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(ScrapeText.value(unzipped, "kubeproxy_sync_proxy_rules_duration_seconds_count{ip_family=\"IPv4\"}")).hasValue(1);

        assertThat(text(get(metricsServer.address(), "/healthz"))).isEqualTo("ok");
        assertThat(text(get(metricsServer.address(), "/proxyMode"))).isEqualTo("ipvs");
        assertThat(get(metricsServer.address(), "/metrics/extra").statusCode()).isEqualTo(404);
    }

    @Test
    void gzipNegotiation() {
        assertThat(MetricsServer.acceptsGzip(null)).isFalse();
        assertThat(MetricsServer.acceptsGzip(List.of("gzip"))).isTrue();
        assertThat(MetricsServer.acceptsGzip(List.of("deflate, GZIP;q=0.5"))).isTrue();
        assertThat(MetricsServer.acceptsGzip(List.of("gzip;q=0"))).isFalse();
        assertThat(MetricsServer.acceptsGzip(List.of("identity"))).isFalse();
    }

    @Test
    void aTakenPortIsAClearError() throws Exception {
        metricsServer = MetricsServer.start(BindAddress.parse("127.0.0.1:0"), metrics);
        java.net.InetSocketAddress taken = metricsServer.address();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MetricsServer.start(taken, metrics)).isInstanceOf(IOException.class);
    }
}

package io.ipvsproxier.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * kube-proxy's health endpoints, {@code /healthz} and {@code /livez}, served from a {@link HealthState}
 * (default bind {@code 0.0.0.0:10256}, {@code --healthz-bind-address}). Each answer counts in
 * {@value MetricNames#PROXY_HEALTHZ_TOTAL} / {@value MetricNames#PROXY_LIVEZ_TOTAL} by status code.
 */
public final class HealthServer implements AutoCloseable {
    /** kube-proxy's default {@code --healthz-bind-address}. */
    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0:10256";

    private final HttpEndpoint endpoint;

    private HealthServer(HttpEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Binds (port 0 picks a free port) and starts serving. */
    public static HealthServer start(InetSocketAddress bind, HealthState state, ProxierMetrics metrics) throws IOException {
        return new HealthServer(new HttpEndpoint(bind, "healthz", 2, Map.of(
            "/healthz", exchange -> {
                HealthReport r = state.healthz();
                metrics.healthzAnswered(r.statusCode());
                HttpEndpoint.respond(exchange, r.statusCode(), "application/json", r.body());
            },
            "/livez", exchange -> {
                HealthReport r = state.livez();
                metrics.livezAnswered(r.statusCode());
                HttpEndpoint.respond(exchange, r.statusCode(), "application/json", r.body());
            })));
    }

    public InetSocketAddress address() {
        return endpoint.address();
    }

    @Override
    public void close() {
        endpoint.close();
    }
}

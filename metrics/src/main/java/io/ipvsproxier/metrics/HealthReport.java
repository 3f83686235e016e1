package io.ipvsproxier.metrics;

/** One answer of {@code /healthz} or {@code /livez}: the HTTP status (200 or 503) and the JSON body. */
public record HealthReport(int statusCode, String body) {
    public boolean healthy() {
        return statusCode == 200;
    }
}

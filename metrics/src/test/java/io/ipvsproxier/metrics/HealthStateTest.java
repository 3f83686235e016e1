package io.ipvsproxier.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthStateTest {
    private static final Duration SYNC_PERIOD = Duration.ofSeconds(30);
    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final AtomicBoolean eligible = new AtomicBoolean(true);
    private final HealthState health = new HealthState(clock, SYNC_PERIOD.multipliedBy(2), eligible::get);

    @Test
    void healthyWhileStartingWithLastUpdatedReportedAsNow() {
        HealthReport r = health.healthz();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"lastUpdated\": \"2024-05-01 10:00:00 +0000 UTC\",\"currentTime\": \"2024-05-01 10:00:00 +0000 UTC\", \"nodeEligible\": true}");
        assertThat(health.livez().body()).isEqualTo("{\"lastUpdated\": \"2024-05-01 10:00:00 +0000 UTC\",\"currentTime\": \"2024-05-01 10:00:00 +0000 UTC\"}");
    }

    @Test
    void unhealthyOnceAQueuedUpdateWaitsTwiceTheSyncPeriod() {
        health.updated();
        clock.advance(Duration.ofSeconds(5));
        health.queuedUpdate();
        clock.advance(Duration.ofSeconds(59).plusMillis(999));
        assertThat(health.healthz().statusCode()).isEqualTo(200);
        assertThat(health.isHealthy()).isTrue();

        clock.advance(Duration.ofMillis(1));
        HealthReport r = health.healthz();
        assertThat(r.statusCode()).isEqualTo(503);
        // unhealthy: the real last update, not "now"
        assertThat(r.body()).isEqualTo("{\"lastUpdated\": \"2024-05-01 10:00:00 +0000 UTC\",\"currentTime\": \"2024-05-01 10:01:05 +0000 UTC\", \"nodeEligible\": true}");
        assertThat(health.livez().statusCode()).isEqualTo(503);
        assertThat(health.isHealthy()).isFalse();

        clock.advance(Duration.ofSeconds(1));
        health.updated();
        assertThat(health.healthz().statusCode()).isEqualTo(200);
        assertThat(health.livez().statusCode()).isEqualTo(200);
    }

    @Test
    void theOldestQueuedUpdateCountsNotTheLatest() {
        health.queuedUpdate();
        clock.advance(Duration.ofSeconds(50));
        health.queuedUpdate();
        clock.advance(Duration.ofSeconds(10));
        assertThat(health.healthz().statusCode()).isEqualTo(503);
    }

    @Test
    void neverUpdatedAndLateReportsGoZeroTime() {
        health.queuedUpdate();
        clock.advance(Duration.ofMinutes(2));
        assertThat(health.livez().body()).startsWith("{\"lastUpdated\": \"0001-01-01 00:00:00 +0000 UTC\",");
    }

    @Test
    void nodeNotEligibleFailsHealthzButNotLivez() {
        eligible.set(false);
        HealthReport r = health.healthz();
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).endsWith("\"nodeEligible\": false}");
        assertThat(health.livez().statusCode()).isEqualTo(200);
        eligible.set(true);
        assertThat(health.healthz().statusCode()).isEqualTo(200);
    }

    @Test
    void aBrokenEligibilityCheckCountsAsEligible() {
        HealthState h = new HealthState(clock, Duration.ofSeconds(60), () -> {
            throw new IllegalStateException("no node informer");
        });
        assertThat(h.healthz().statusCode()).isEqualTo(200);
    }

    @Test
    void goTimeFormat() {
        assertThat(HealthState.goTime(Instant.parse("2024-05-01T10:00:00.120Z"))).isEqualTo("2024-05-01 10:00:00.12 +0000 UTC");
        assertThat(HealthState.goTime(Instant.parse("2024-05-01T10:00:00.000000001Z"))).isEqualTo("2024-05-01 10:00:00.000000001 +0000 UTC");
        assertThat(HealthState.goTime(null)).isEqualTo("0001-01-01 00:00:00 +0000 UTC");
    }

    @Test
    void forSyncPeriodUsesTwiceThePeriod() {
        assertThat(HealthState.forSyncPeriod(SYNC_PERIOD, () -> true).healthTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThatThrownBy(() -> new HealthState(clock, Duration.ZERO, () -> true)).isInstanceOf(IllegalArgumentException.class);
    }
}

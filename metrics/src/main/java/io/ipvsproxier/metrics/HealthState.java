package io.ipvsproxier.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxier's health with kube-proxy's semantics ({@code pkg/proxy/healthcheck}): healthy while it starts
 * and while no queued change waits; unhealthy once the oldest queued change has waited {@code healthTimeout}
 * (kube-proxy uses 2 x the sync period) without a sync applying it.
 *
 * <p>The proxier calls {@link #queuedUpdate()} whenever a Service or EndpointSlice change asks for a sync,
 * and {@link #updated()} when a sync has applied everything queued. {@code /healthz} is also unhealthy when
 * the node is not eligible (e.g. being deleted, or tainted for removal by the cluster autoscaler), so that
 * load balancers drain it; {@code /livez} ignores the node. Time comes from the clock given, so tests drive it.
 */
public final class HealthState {
    private static final Logger log = LoggerFactory.getLogger(HealthState.class);

    private final Clock clock;
    private final Duration healthTimeout;
    private final BooleanSupplier nodeEligible;

    // guarded by this
    private Instant lastUpdated;
    private Instant oldestPendingQueued;

    public HealthState(Clock clock, Duration healthTimeout, BooleanSupplier nodeEligible) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (healthTimeout.isNegative() || healthTimeout.isZero()) {
            throw new IllegalArgumentException("health timeout must be positive: " + healthTimeout);
        }
        this.healthTimeout = healthTimeout;
        this.nodeEligible = Objects.requireNonNull(nodeEligible, "nodeEligible");
    }

    /** kube-proxy's setting: the wall clock and a timeout of twice the sync period. */
    public static HealthState forSyncPeriod(Duration syncPeriod, BooleanSupplier nodeEligible) {
        return new HealthState(Clock.systemUTC(), syncPeriod.multipliedBy(2), nodeEligible);
    }

    public Duration healthTimeout() {
        return healthTimeout;
    }

    /** A change was queued for a sync; the oldest unapplied one is what the timeout runs from. */
    public synchronized void queuedUpdate() {
        if (oldestPendingQueued == null) {
            oldestPendingQueued = clock.instant();
        }
    }

    /** A sync applied everything queued so far. */
    public synchronized void updated() {
        oldestPendingQueued = null;
        lastUpdated = clock.instant();
    }

    /** The proxier's own health (what {@code /livez} reports). */
    public synchronized boolean isHealthy() {
        return healthyAt(clock.instant());
    }

    private boolean healthyAt(Instant now) {
        return oldestPendingQueued == null || Duration.between(oldestPendingQueued, now).compareTo(healthTimeout) < 0;
    }

    /**
     * {@code /healthz}: 200 when the proxier is healthy and the node eligible, else 503; body
     * {@code {"lastUpdated": "...","currentTime": "...", "nodeEligible": true}}.
     */
    public HealthReport healthz() {
        boolean eligible = nodeEligible();
        synchronized (this) {
            Instant now = clock.instant();
            boolean healthy = healthyAt(now) && eligible;
            return new HealthReport(healthy ? 200 : 503, String.format("{\"lastUpdated\": \"%s\",\"currentTime\": \"%s\", \"nodeEligible\": %s}",
                goTime(healthy ? now : lastUpdated), goTime(now), eligible));
        }
    }

    /** {@code /livez}: 200 when the proxier is healthy, whatever the node; body {@code {"lastUpdated": "...","currentTime": "..."}}. */
    public synchronized HealthReport livez() {
        Instant now = clock.instant();
        boolean healthy = healthyAt(now);
        return new HealthReport(healthy ? 200 : 503, String.format("{\"lastUpdated\": \"%s\",\"currentTime\": \"%s\"}",
            goTime(healthy ? now : lastUpdated), goTime(now)));
    }

    private boolean nodeEligible() {
        try {
            return nodeEligible.getAsBoolean();
        } catch (RuntimeException e) {
            // An eligibility check that breaks must not turn every node unhealthy at once.
            log.warn("node eligibility check failed, reporting the node eligible: {}", e.toString());
            return true;
        }
    }

    /**
     * A time the way kube-proxy's body shows it (Go's {@code time.Time.String()} in UTC, without the monotonic
     * clock reading): {@code 2024-05-01 10:00:00.123456789 +0000 UTC}, trailing zeros of the fraction dropped.
     * Like kube-proxy, a healthy answer reports lastUpdated = currentTime (older releases reported the last sync
     * loop run, which was recent while healthy); an unhealthy one reports the real last update, and Go's zero
     * time when there never was one.
     */
    static String goTime(Instant t) {
        if (t == null) {
            return "0001-01-01 00:00:00 +0000 UTC";
        }
        LocalDateTime d = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(String.format("%04d-%02d-%02d %02d:%02d:%02d",
            d.getYear(), d.getMonthValue(), d.getDayOfMonth(), d.getHour(), d.getMinute(), d.getSecond()));
        int nanos = d.getNano();
        if (nanos != 0) {
            String frac = String.format("%09d", nanos);
            int end = frac.length();
            while (frac.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(frac, 0, end);
        }
        return sb.append(" +0000 UTC").toString();
    }
}

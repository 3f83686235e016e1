package io.ipvsproxier.proxier.sync;

import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import io.ipvsproxier.proxier.reconcile.Reconciler;
import io.ipvsproxier.proxier.reconcile.SyncKind;
import io.ipvsproxier.proxier.reconcile.SyncReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when to sync, with kube-proxy's BoundedFrequencyRunner semantics, and runs the syncs; without threads of
 * its own. {@link #nextRunAt()} says when something is due, {@link #runDue()} runs it; {@link SyncLoop} drives both
 * from one thread, tests drive them with a manual clock.
 *
 * <ul>
 *   <li>Nothing runs before {@link #markInitialSynced()}: acting on an empty informer cache would delete every
 *       virtual server.</li>
 *   <li>The first sync is full; then a full sync every {@code syncPeriod} heals drift.</li>
 *   <li>A change makes an incremental sync of the changed Services due at once, or, with a {@code minSyncPeriod},
 *       no sooner than that after the previous sync: a burst of changes becomes one sync.</li>
 *   <li>A sync whose kernel state is uncertain (lost replies, a failed read) or that threw asks for a full sync,
 *       retried after 1 s, then 2 s, 4 s... up to {@code syncPeriod}, so a broken kernel does not make it spin.</li>
 *   <li>While real servers drain, drain checks run when the reconciler says the next one is due.</li>
 * </ul>
 */
public final class SyncRunner {
    private static final Logger log = LoggerFactory.getLogger(SyncRunner.class);
    /** The first retry of a full sync that failed or asked for another. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    /** Drain checks never come closer than this, whatever the reconciler asks. */
    static final Duration MIN_DRAIN_GAP = Duration.ofSeconds(1);

    private final ChangeTracker changes;
    private final PlanSource plans;
    private final Reconciler reconciler;
    private final Clock clock;
    private final Duration minSyncPeriod;
    private final Duration syncPeriod;
    private final SyncListener listener;

    private volatile boolean initialSynced;
    private volatile boolean fullSyncRequested;
    private Instant lastSyncAt;
    private Instant lastFullAt;
    private Duration retryGap = FIRST_RETRY;
    private boolean lastFullFailed;
    private Instant nextDrainCheckAt;

    /**
     * @param minSyncPeriod {@code --ipvs-min-sync-period}: least time between two syncs; 0 syncs on every change
     * @param syncPeriod    {@code --ipvs-sync-period}: time between full syncs
     */
    public SyncRunner(ChangeTracker changes, PlanSource plans, Reconciler reconciler, Clock clock,
                      Duration minSyncPeriod, Duration syncPeriod, SyncListener listener) {
        this.changes = Objects.requireNonNull(changes, "changes");
        this.plans = Objects.requireNonNull(plans, "plans");
        this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (minSyncPeriod.isNegative()) {
            throw new IllegalArgumentException("min sync period must not be negative: " + minSyncPeriod);
        }
        if (syncPeriod.isZero() || syncPeriod.isNegative()) {
            throw new IllegalArgumentException("sync period must be positive: " + syncPeriod);
        }
        this.minSyncPeriod = minSyncPeriod;
        this.syncPeriod = syncPeriod;
        this.listener = listener == null ? SyncListener.NONE : listener;
    }

    /** The informer caches hold the whole cluster: syncing may start. */
    public void markInitialSynced() {
        initialSynced = true;
    }

    public boolean initialSynced() {
        return initialSynced;
    }

    /** Asks for a full sync as soon as the min sync period allows. */
    public void requestFullSync() {
        changes.requestFullSync();
    }

    /**
     * When {@link #runDue()} next has something to do (now, when something is due already); empty before
     * {@link #markInitialSynced()}.
     */
    public Optional<Instant> nextRunAt() {
        if (!initialSynced) {
            return Optional.empty();
        }
        Instant next = fullSyncAt();
        if (changes.hasPending()) {
            next = earliest(next, minGate());
        }
        next = earliest(next, nextDrainCheckAt);
        return Optional.of(latest(next, clock.instant()));
    }

    /** Runs what is due now (at most one sync) and returns its report; empty when nothing was due or it failed. */
    public Optional<SyncReport> runDue() {
        if (!initialSynced) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!fullSyncAt().isAfter(now)) {
            return runFull(now);
        }
        if (changes.hasPending() && !minGate().isAfter(now)) {
            return runIncremental(now);
        }
        if (nextDrainCheckAt != null && !nextDrainCheckAt.isAfter(now)) {
            return runDrainCheck(now);
        }
        return Optional.empty();
    }

    private Optional<SyncReport> runFull(Instant now) {
        PendingChanges covered = changes.take();
        lastSyncAt = now;
        lastFullAt = now;
        fullSyncRequested = false;
        SyncReport report;
        try {
            long planStart = System.nanoTime();
            Map<ServiceRef, ServicePlan> all = plans.planAll();
            report = reconciler.fullSync(all, System.nanoTime() - planStart);
        } catch (RuntimeException e) {
            changes.requeue(new PendingChanges(covered.serviceChanges(), covered.endpointChanges(), false,
                    covered.firstQueuedAt(), covered.triggerTimes()));
            fullSyncFailed();
            log.error("full sync failed; retrying in {} s", retryGap.toSeconds(), e);
            notifyError(SyncKind.FULL, e);
            return Optional.empty();
        }
        if (report.resyncRequested()) {
            fullSyncFailed();
        } else {
            lastFullFailed = false;
            retryGap = FIRST_RETRY;
        }
        return finished(report, covered, now);
    }

    private Optional<SyncReport> runIncremental(Instant now) {
        PendingChanges covered = changes.take();
        lastSyncAt = now;
        SyncReport report;
        try {
            report = reconciler.syncServices(plans.plan(covered.services()));
        } catch (RuntimeException e) {
            changes.requeue(covered);
            log.error("incremental sync of {} services failed; a full sync follows", covered.services().size(), e);
            fullSyncRequested = true;
            notifyError(SyncKind.INCREMENTAL, e);
            return Optional.empty();
        }
        if (report.resyncRequested()) {
            fullSyncRequested = true;
        }
        return finished(report, covered, now);
    }

    private Optional<SyncReport> runDrainCheck(Instant now) {
        SyncReport report;
        try {
            report = reconciler.checkDrains();
        } catch (RuntimeException e) {
            nextDrainCheckAt = now.plus(MIN_DRAIN_GAP);
            log.error("drain check failed", e);
            notifyError(SyncKind.DRAIN_CHECK, e);
            return Optional.empty();
        }
        if (report.resyncRequested()) {
            fullSyncRequested = true;
        }
        return finished(report, PendingChanges.NONE, now);
    }

    private Optional<SyncReport> finished(SyncReport report, PendingChanges covered, Instant now) {
        Instant drain = report.nextDrainCheckAt();
        nextDrainCheckAt = drain == null ? null : latest(drain, now.plus(MIN_DRAIN_GAP));
        try {
            listener.onSync(report, covered);
        } catch (RuntimeException e) {
            log.warn("sync listener failed", e);
        }
        return Optional.of(report);
    }

    /** A full sync is needed again soon, but not in a loop: back off up to the sync period. */
    private void fullSyncFailed() {
        retryGap = lastFullFailed ? min(retryGap.multipliedBy(2), syncPeriod) : FIRST_RETRY;
        lastFullFailed = true;
        fullSyncRequested = true;
    }

    private Instant fullSyncAt() {
        if (lastFullAt == null) {
            return minGate();
        }
        Instant at = lastFullAt.plus(syncPeriod);
        if (changes.fullSyncRequested()) {
            at = earliest(at, minGate());
        }
        if (fullSyncRequested) {
            at = earliest(at, lastFullAt.plus(min(retryGap, syncPeriod)));
        }
        return latest(at, minGate());
    }

    /** The earliest time the min sync period allows the next sync. */
    private Instant minGate() {
        return lastSyncAt == null ? Instant.MIN : lastSyncAt.plus(minSyncPeriod);
    }

    private void notifyError(SyncKind kind, RuntimeException e) {
        try {
            listener.onSyncError(kind, e);
        } catch (RuntimeException again) {
            log.warn("sync listener failed", again);
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

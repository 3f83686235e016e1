package io.ipvsproxier.proxier.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link SyncRunner} on one thread: wakes up on every change (coalesced: a burst of events costs one wake-up)
 * and at the time the runner says the next sync is due. All syncs run on this thread, one at a time.
 */
public final class SyncLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SyncLoop.class);

    private final SyncRunner runner;
    private final ChangeTracker changes;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private ScheduledFuture<?> scheduled;

    public SyncLoop(SyncRunner runner, ChangeTracker changes, Clock clock) {
        this.runner = runner;
        this.changes = changes;
        this.clock = clock;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ipvs-sync");
            t.setDaemon(true);
            return t;
        });
        // On close, a sync scheduled for later must not hold the shutdown up.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
    }

    /** Starts listening for changes. Nothing syncs before {@link #markInitialSynced()}. */
    public void start() {
        changes.onChange(this::wake);
    }

    /** The informer caches are filled: the first (full) sync runs now. */
    public void markInitialSynced() {
        runner.markInitialSynced();
        wake();
    }

    /** Asks for a full sync as soon as the min sync period allows. */
    public void requestFullSync() {
        runner.requestFullSync();
    }

    private void wake() {
        // Before the informers have listed there is nothing to run: the initial list's tens of thousands of
        // notifications must not each wake the sync thread for nothing.
        if (runner.initialSynced() && wakePending.compareAndSet(false, true)) {
            try {
                executor.execute(this::runAndReschedule);
            } catch (RejectedExecutionException closed) {
                wakePending.set(false);
            }
        }
    }

    /** Runs at most one due sync, then sleeps until the next is due (or a change wakes it). */
    private void runAndReschedule() {
        wakePending.set(false);
        try {
            Optional<Instant> next = runner.nextRunAt();
            if (next.isPresent() && !next.get().isAfter(clock.instant())) {
                runner.runDue();
            }
        } catch (RuntimeException | Error e) {
            log.error("sync loop iteration failed", e);
        }
        reschedule();
    }

    private void reschedule() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        Optional<Instant> next = runner.nextRunAt();
        if (next.isEmpty() || executor.isShutdown()) {
            return;
        }
        long delayNanos = Math.max(0, Duration.between(clock.instant(), next.get()).toNanos());
        try {
            scheduled = executor.schedule(this::runAndReschedule, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            scheduled = null;
        }
    }

    /** Stops the thread, waiting up to 10 s for a sync in progress. */
    @Override
    public void close() {
        changes.onChange(null);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

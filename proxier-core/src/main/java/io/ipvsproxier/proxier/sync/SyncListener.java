package io.ipvsproxier.proxier.sync;

import io.ipvsproxier.proxier.reconcile.SyncKind;
import io.ipvsproxier.proxier.reconcile.SyncReport;

/**
 * Told about every sync the {@link SyncRunner} runs, on the sync thread (metrics, health, logs). Must be quick and
 * must not throw; what it throws is logged and otherwise ignored.
 */
public interface SyncListener {

    /**
     * A sync finished. {@code changes} are the changes it covered ({@link PendingChanges#NONE} for a drain check);
     * with the report's start and duration they give queue time and network-programming latency.
     */
    void onSync(SyncReport report, PendingChanges changes);

    /** A sync stopped with an exception (planning failed, say); its changes are queued again. */
    default void onSyncError(SyncKind kind, RuntimeException error) {
    }

    SyncListener NONE = (report, changes) -> { };
}

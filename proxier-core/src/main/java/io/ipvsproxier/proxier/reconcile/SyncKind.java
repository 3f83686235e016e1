package io.ipvsproxier.proxier.reconcile;

/** What a sync covered. */
public enum SyncKind {
    /** Every Service, against a fresh dump of the kernel: heals drift. */
    FULL,
    /** Only the Services that changed, against the cached kernel state. */
    INCREMENTAL,
    /** Only virtual servers with draining real servers, after re-reading their connection counts. */
    DRAIN_CHECK,
    /** Removal of everything the proxier owns ({@code --cleanup}). */
    CLEANUP
}

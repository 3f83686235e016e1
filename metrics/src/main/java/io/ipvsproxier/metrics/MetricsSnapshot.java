package io.ipvsproxier.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The proxier's figures at one moment, for the admin socket's {@code status}: last sync, pending
 * changes, what is programmed, rejected Service ports by reason, netlink errors by errno.
 */
public record MetricsSnapshot(Optional<Instant> lastSync, Optional<Duration> lastSyncDuration, Optional<Instant> lastQueued,
                              long syncs, long syncFailures,
                              int serviceChangesPending, int endpointChangesPending,
                              long serviceChangesTotal, long endpointChangesTotal,
                              int virtualServers, int realServers, int realServersDraining,
                              Map<String, Long> rejectedServicePortsByReason,
                              long netlinkOperations, Map<String, Long> netlinkErrorsByErrno) {
    public MetricsSnapshot {
        // sorted, so that status output is stable
        rejectedServicePortsByReason = Collections.unmodifiableSortedMap(new TreeMap<>(rejectedServicePortsByReason));
        netlinkErrorsByErrno = Collections.unmodifiableSortedMap(new TreeMap<>(netlinkErrorsByErrno));
    }
}

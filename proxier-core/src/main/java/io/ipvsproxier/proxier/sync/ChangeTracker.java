package io.ipvsproxier.proxier.sync;

import io.ipvsproxier.proxier.k8s.ClusterChangeListener;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Collects what changed since the last sync: the Services to plan again, with counts and times for metrics. Called
 * on informer threads (it never blocks them for long); the sync thread {@link #take}s everything at the start of a
 * sync.
 *
 * <p>Counts follow kube-proxy's gauges: "pending" is the number of distinct Services with a pending Service (or
 * EndpointSlice) change, "total" the number of change events ever seen.
 */
public final class ChangeTracker implements ClusterChangeListener {
    private final Clock clock;
    private final Object lock = new Object();
    private Set<ServiceRef> serviceDirty = new HashSet<>();
    private Set<ServiceRef> endpointDirty = new HashSet<>();
    private List<TriggerTime> triggerTimes = new ArrayList<>();
    private boolean fullSyncRequested;
    private Instant firstQueuedAt;
    private Instant lastQueuedAt;
    private long totalServiceChanges;
    private long totalEndpointChanges;
    private volatile Runnable onChange = () -> { };

    public ChangeTracker(Clock clock) {
        this.clock = clock;
    }

    /** Called after every change, outside the tracker's lock (the sync loop uses it to wake up). */
    public void onChange(Runnable listener) {
        this.onChange = listener == null ? () -> { } : listener;
    }

    @Override
    public void serviceChanged(ServiceRef service) {
        synchronized (lock) {
            serviceDirty.add(service);
            totalServiceChanges++;
            queued();
        }
        onChange.run();
    }

    @Override
    public void endpointSliceChanged(ServiceRef service, Instant triggerTime) {
        synchronized (lock) {
            endpointDirty.add(service);
            totalEndpointChanges++;
            if (triggerTime != null) {
                triggerTimes.add(new TriggerTime(service, triggerTime));
            }
            queued();
        }
        onChange.run();
    }

    /** The node's labels or addresses matter to every Service: plan them all. */
    @Override
    public void nodeChanged() {
        requestFullSync();
    }

    /** Asks for a full sync (every Service planned, the kernel read again). */
    public void requestFullSync() {
        synchronized (lock) {
            fullSyncRequested = true;
            queued();
        }
        onChange.run();
    }

    public boolean hasPending() {
        synchronized (lock) {
            return fullSyncRequested || !serviceDirty.isEmpty() || !endpointDirty.isEmpty();
        }
    }

    public boolean fullSyncRequested() {
        synchronized (lock) {
            return fullSyncRequested;
        }
    }

    /** Services with a pending Service change. */
    public int pendingServiceChanges() {
        synchronized (lock) {
            return serviceDirty.size();
        }
    }

    /** Services with a pending EndpointSlice change. */
    public int pendingEndpointChanges() {
        synchronized (lock) {
            return endpointDirty.size();
        }
    }

    public long totalServiceChanges() {
        synchronized (lock) {
            return totalServiceChanges;
        }
    }

    public long totalEndpointChanges() {
        synchronized (lock) {
            return totalEndpointChanges;
        }
    }

    /** When the oldest pending change was queued. */
    public Optional<Instant> firstPendingQueuedAt() {
        synchronized (lock) {
            return Optional.ofNullable(firstQueuedAt);
        }
    }

    /** When a change was last queued (kube-proxy's last-queued timestamp). */
    public Optional<Instant> lastQueuedAt() {
        synchronized (lock) {
            return Optional.ofNullable(lastQueuedAt);
        }
    }

    /** Takes every pending change, leaving none. */
    public PendingChanges take() {
        synchronized (lock) {
            PendingChanges out = new PendingChanges(serviceDirty, endpointDirty, fullSyncRequested, firstQueuedAt,
                    triggerTimes);
            serviceDirty = new HashSet<>();
            endpointDirty = new HashSet<>();
            triggerTimes = new ArrayList<>();
            fullSyncRequested = false;
            firstQueuedAt = null;
            return out;
        }
    }

    /** Puts back changes a failed sync took, so that the next sync covers them (totals are not counted again). */
    public void requeue(PendingChanges changes) {
        if (changes.isEmpty()) {
            return;
        }
        synchronized (lock) {
            serviceDirty.addAll(changes.serviceChanges());
            endpointDirty.addAll(changes.endpointChanges());
            triggerTimes.addAll(0, changes.triggerTimes());
            fullSyncRequested |= changes.fullSyncRequested();
            if (changes.firstQueuedAt() != null
                    && (firstQueuedAt == null || changes.firstQueuedAt().isBefore(firstQueuedAt))) {
                firstQueuedAt = changes.firstQueuedAt();
            }
        }
        onChange.run();
    }

    private void queued() {
        Instant now = clock.instant();
        if (firstQueuedAt == null) {
            firstQueuedAt = now;
        }
        lastQueuedAt = now;
    }
}

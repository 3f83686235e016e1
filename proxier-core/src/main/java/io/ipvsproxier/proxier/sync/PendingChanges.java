package io.ipvsproxier.proxier.sync;

import io.ipvsproxier.proxier.plan.ServiceRef;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The changes a sync covers, taken from the {@link ChangeTracker} when the sync starts.
 *
 * @param serviceChanges    Services whose Service object changed (added, changed or deleted)
 * @param endpointChanges   Services whose EndpointSlices changed
 * @param fullSyncRequested something changed that concerns every Service (the node itself)
 * @param firstQueuedAt     when the oldest of these changes was queued, or null when there are none
 * @param triggerTimes      the trigger times EndpointSlices carried, for network-programming latency
 */
public record PendingChanges(Set<ServiceRef> serviceChanges, Set<ServiceRef> endpointChanges,
                             boolean fullSyncRequested, Instant firstQueuedAt, List<TriggerTime> triggerTimes) {

    public static final PendingChanges NONE = new PendingChanges(Set.of(), Set.of(), false, null, List.of());

    public PendingChanges {
        serviceChanges = Set.copyOf(serviceChanges);
        endpointChanges = Set.copyOf(endpointChanges);
        triggerTimes = List.copyOf(triggerTimes);
    }

    /** Every Service to plan again. */
    public Set<ServiceRef> services() {
        Set<ServiceRef> all = new HashSet<>(serviceChanges);
        all.addAll(endpointChanges);
        return all;
    }

    public boolean isEmpty() {
        return serviceChanges.isEmpty() && endpointChanges.isEmpty() && !fullSyncRequested;
    }
}

package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.proxier.plan.ServiceRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one sync did, for logs, metrics and the admin socket.
 *
 * @param kind                full, incremental, drain check or cleanup
 * @param startedAt           when the sync started
 * @param duration            how long it took, reading the kernel included
 * @param servicesSynced      Services planned in this sync (all of them for a full sync)
 * @param operations          IPVS writes sent, by kind
 * @param failedOperations    writes the kernel refused
 * @param batches             IPVS batches sent (0 or 1: every sync sends its writes as one batch)
 * @param netlinkSends        send(2) calls those batches took
 * @param failures            what went wrong, per Service where there is one
 * @param resyncRequested     the kernel's state is uncertain (replies lost, a read failed): run a full sync soon
 * @param virtualServers      virtual servers the proxier owns in the kernel after the sync
 * @param realServers         real servers of those virtual servers, draining ones included
 * @param drainingRealServers real servers at weight 0 waiting for their connections to end
 * @param boundAddresses      addresses on the dummy link after the sync
 * @param addressesBound      addresses this sync added to the dummy link
 * @param addressesUnbound    addresses this sync removed from the dummy link
 * @param nextDrainCheckAt    when draining real servers should next be checked, or null when none drains
 */
public record SyncReport(SyncKind kind, Instant startedAt, Duration duration, int servicesSynced,
                         Map<OperationKind, Integer> operations, int failedOperations, int batches, long netlinkSends,
                         List<SyncFailure> failures, boolean resyncRequested,
                         int virtualServers, int realServers, int drainingRealServers, int boundAddresses,
                         int addressesBound, int addressesUnbound, Instant nextDrainCheckAt) {

    public SyncReport {
        EnumMap<OperationKind, Integer> ops = new EnumMap<>(OperationKind.class);
        ops.putAll(operations);
        operations = Collections.unmodifiableMap(ops);
        failures = List.copyOf(failures);
    }

    /** Writes of one kind (0 when none). */
    public int operations(OperationKind kind) {
        return operations.getOrDefault(kind, 0);
    }

    public int totalOperations() {
        int n = 0;
        for (int c : operations.values()) {
            n += c;
        }
        return n;
    }

    public boolean ok() {
        return failures.isEmpty() && !resyncRequested;
    }

    /** Failure messages by Service, sorted; failures that belong to no Service are left out. */
    public Map<ServiceRef, List<String>> failuresByService() {
        Map<ServiceRef, List<String>> out = new TreeMap<>();
        for (SyncFailure f : failures) {
            if (f.service() != null) {
                out.computeIfAbsent(f.service(), k -> new ArrayList<>()).add(f.message());
            }
        }
        return out;
    }

    public Optional<Instant> nextDrainCheck() {
        return Optional.ofNullable(nextDrainCheckAt);
    }

    /** One log line: {@code FULL sync of 120 services in 12 ms: 3 writes (ADD_DESTINATION=3) in 1 batch, 0 failed...}. */
    public String summary() {
        StringBuilder sb = new StringBuilder()
                .append(kind).append(" sync of ").append(servicesSynced).append(" services in ")
                .append(duration.toMillis()).append(" ms: ").append(totalOperations()).append(" writes");
        if (!operations.isEmpty()) {
            sb.append(' ').append(operations);
        }
        sb.append(" in ").append(batches).append(batches == 1 ? " batch" : " batches")
                .append(", ").append(failures.size()).append(" failures; ")
                .append(virtualServers).append(" virtual servers, ").append(realServers).append(" real servers (")
                .append(drainingRealServers).append(" draining), ").append(boundAddresses).append(" bound addresses");
        if (resyncRequested) {
            sb.append("; full resync requested");
        }
        return sb.toString();
    }
}

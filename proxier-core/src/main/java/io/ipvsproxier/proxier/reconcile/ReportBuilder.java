package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Collects what a sync does while it runs; becomes a {@link SyncReport} at the end. */
final class ReportBuilder {
    private final SyncKind kind;
    private final Instant startedAt;
    private final int servicesSynced;
    private final Map<OperationKind, Integer> operations = new EnumMap<>(OperationKind.class);
    private final List<SyncFailure> failures = new ArrayList<>();
    private int failedOperations;
    private int batches;
    private long netlinkSends;
    private boolean resyncRequested;
    int addressesBound;
    int addressesUnbound;

    // Wall-clock phase times, for the log line only: they explain a slow sync, tests do not see them.
    private final StringBuilder phases = new StringBuilder();
    private long phaseStartNanos = System.nanoTime();

    ReportBuilder(SyncKind kind, Instant startedAt, int servicesSynced) {
        this.kind = kind;
        this.startedAt = startedAt;
        this.servicesSynced = servicesSynced;
    }

    /** Ends the phase that began at the previous call (or at construction) and names it. */
    void phase(String name) {
        long now = System.nanoTime();
        phases.append(phases.isEmpty() ? "" : ", ").append(name).append(' ').append((now - phaseStartNanos) / 1_000_000).append(" ms");
        phaseStartNanos = now;
    }

    /** Names a phase that ran before this sync's own, such as planning, and took {@code nanos}. */
    void earlierPhase(String name, long nanos) {
        phases.append(phases.isEmpty() ? "" : ", ").append(name).append(' ').append(nanos / 1_000_000).append(" ms");
    }

    /** {@code " [read 3 ms, write 40 ms]"}, or empty when no phase was marked. */
    String phases() {
        return phases.isEmpty() ? "" : " [" + phases + "]";
    }

    SyncKind kind() {
        return kind;
    }

    void sent(List<IpvsOperation> ops, long sends) {
        for (IpvsOperation op : ops) {
            operations.merge(OperationKind.of(op), 1, Integer::sum);
        }
        batches++;
        netlinkSends += sends;
    }

    void operationFailed(ServiceRef service, ServiceKey key, String message) {
        failedOperations++;
        fail(service, key, message);
    }

    void fail(ServiceRef service, ServiceKey key, String message) {
        failures.add(new SyncFailure(service, key, message));
    }

    void error(String message) {
        failures.add(new SyncFailure(null, null, message));
    }

    void requestResync() {
        resyncRequested = true;
    }

    List<SyncFailure> failures() {
        return failures;
    }

    SyncReport build(Instant end, int virtualServers, int realServers, int draining, int boundAddresses,
                     Instant nextDrainCheckAt) {
        return new SyncReport(kind, startedAt, Duration.between(startedAt, end), servicesSynced, operations,
                failedOperations, batches, netlinkSends, failures, resyncRequested, virtualServers, realServers,
                draining, boundAddresses, addressesBound, addressesUnbound, nextDrainCheckAt);
    }
}

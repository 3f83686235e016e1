package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.DestinationEntry;
import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.proxier.plan.PlannedVirtualServer;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Computes the writes that make one kernel virtual server what the plan wants. Pure: reads the drain tracker, changes
 * nothing.
 *
 * <p>Writes are ordered so that a sync never loses traffic it need not lose: a virtual server whose settings differ
 * is updated in place (a delete and add would drop every connection); new and restored real servers come before
 * removals; deletions of whole virtual servers go last, in their own list, after every other write of the batch.
 */
final class Differ {

    /** The writes of one diff: everything but service deletions, then the service deletions. */
    static final class Writes {
        final List<PlannedOperation> changes = new ArrayList<>();
        final List<PlannedOperation> serviceDeletes = new ArrayList<>();

        List<PlannedOperation> inOrder() {
            List<PlannedOperation> all = new ArrayList<>(changes.size() + serviceDeletes.size());
            all.addAll(changes);
            all.addAll(serviceDeletes);
            return all;
        }
    }

    private Differ() {}

    /**
     * @param wanted      what the plan wants at {@code key}, or null
     * @param kernel      what the kernel has at {@code key}, or null
     * @param owned       whether an unwanted virtual server at {@code key} is the proxier's to delete
     * @param countsFresh whether the connection counts in {@code kernel} were just read (else only drain deadlines
     *                    can end a drain)
     */
    static void diff(ServiceKey key, PlannedVirtualServer wanted, KernelService kernel, boolean owned,
                     ServiceRef owner, DrainTracker drains, Instant now, boolean countsFresh, Writes out) {
        if (wanted == null) {
            if (kernel != null && owned) {
                out.serviceDeletes.add(new PlannedOperation(new IpvsOperation.DeleteService(key), owner));
            }
            return;
        }
        List<PlannedOperation> changes = out.changes;
        Set<RealServer.Endpoint> wantedEndpoints = new HashSet<>();
        if (kernel == null) {
            changes.add(new PlannedOperation(new IpvsOperation.AddService(wanted.server()), owner));
            for (RealServer rs : wanted.realServers()) {
                if (wantedEndpoints.add(rs.endpoint())) {
                    changes.add(new PlannedOperation(new IpvsOperation.AddDestination(key, rs), owner));
                }
            }
            return;
        }
        if (!kernel.server().equals(wanted.server())) {
            changes.add(new PlannedOperation(new IpvsOperation.UpdateService(wanted.server()), owner));
        }
        for (RealServer rs : wanted.realServers()) {
            if (!wantedEndpoints.add(rs.endpoint())) {
                continue;
            }
            DestinationEntry have = kernel.destination(rs.endpoint());
            if (have == null) {
                changes.add(new PlannedOperation(new IpvsOperation.AddDestination(key, rs), owner));
            } else if (!have.server().equals(rs)) {
                // Also how a draining real server that came back gets its weight again: no delete, no re-add.
                changes.add(new PlannedOperation(new IpvsOperation.UpdateDestination(key, rs), owner));
            }
        }
        for (DestinationEntry have : kernel.destinations()) {
            RealServer rs = have.server();
            if (wantedEndpoints.contains(rs.endpoint())) {
                continue;
            }
            IpvsOperation op = removal(key, have, drains, now, countsFresh);
            if (op != null) {
                changes.add(new PlannedOperation(op, owner));
            }
        }
    }

    /** What to do with a real server the plan no longer lists: drain it, finish its drain, or leave it be. */
    private static IpvsOperation removal(ServiceKey key, DestinationEntry have, DrainTracker drains, Instant now,
                                         boolean countsFresh) {
        RealServer rs = have.server();
        if (!DrainTracker.drains(key.protocol())) {
            return new IpvsOperation.DeleteDestination(key, rs.endpoint());
        }
        if (rs.weight() != 0) {
            return new IpvsOperation.UpdateDestination(key, rs.withWeight(0));
        }
        DrainState drain = drains.state(key, rs.endpoint());
        boolean pastDeadline = drain != null && !drain.deadline().isAfter(now);
        boolean idle = countsFresh && have.activeConnections() + have.inactiveConnections() == 0;
        if (pastDeadline || idle) {
            return new IpvsOperation.DeleteDestination(key, rs.endpoint());
        }
        return null;
    }
}

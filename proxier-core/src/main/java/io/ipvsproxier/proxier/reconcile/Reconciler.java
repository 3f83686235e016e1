package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.iface.Interfaces;
import io.ipvsproxier.iface.NodeAddress;
import io.ipvsproxier.ipvs.DestinationEntry;
import io.ipvsproxier.ipvs.Ipvs;
import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.IpvsTimeouts;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.ServiceState;
import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.NetlinkException;
import io.ipvsproxier.proxier.plan.PlannedVirtualServer;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the kernel's IPVS table and the dummy link's addresses what the Service plans want, changing only what
 * differs and only what the proxier owns.
 *
 * <ul>
 *   <li>{@link #fullSync} reads the whole IPVS table and the link, diffs every virtual server and heals drift
 *       (someone ran {@code ipvsadm -C}, removed an address, changed a weight). The first one adopts what a previous
 *       run left: nothing is flushed, a restart drops no connection.</li>
 *   <li>{@link #syncServices} diffs only the virtual servers of the Services that changed, against the state cached
 *       since the last full sync.</li>
 *   <li>{@link #checkDrains} re-reads the connection counts of virtual servers with draining real servers and
 *       deletes those whose connections ended or whose drain deadline passed.</li>
 * </ul>
 * Each sync sends its IPVS writes as one netlink batch. A write the kernel refuses affects only the Service it
 * belongs to; it is reported, and retried by the next full sync. Addresses are bound before the virtual servers
 * that use them are added, and unbound only after their virtual servers are gone.
 *
 * <p>Methods are synchronized: syncs run on one thread, the admin views may be called from another.
 */
public final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final Ipvs ipvs;
    private final Interfaces interfaces;
    private final Clock clock;
    private final ReconcilerConfig config;
    private final OwnershipFilter ownership;
    private final AddressBinder binder;
    private final DrainTracker drains;
    private final DesiredState desired = new DesiredState();
    private final Map<ServiceRef, List<String>> lastFailures = new HashMap<>();
    /** Real servers per owned virtual server in the kernel, and their sum: the report's counts. */
    private final Map<ServiceKey, Integer> ownedRealServers = new HashMap<>();
    private int ownedRealServerTotal;
    /** Null until a full sync has read the kernel. */
    private KernelState kernel;
    private Set<InetAddress> nodeAddresses = Set.of();
    private boolean timeoutsApplied;

    public Reconciler(Ipvs ipvs, Interfaces interfaces, Clock clock, ReconcilerConfig config) {
        this.ipvs = ipvs;
        this.interfaces = interfaces;
        this.clock = clock;
        this.config = config;
        this.ownership = new OwnershipFilter(config.excludeCidrs(), config.nodePortMin(), config.nodePortMax());
        this.binder = new AddressBinder(interfaces, config.dummyLinkName());
        this.drains = new DrainTracker(config.drainTimeout());
    }

    public ReconcilerConfig config() {
        return config;
    }

    /** Whether a full sync has read the kernel, so that incremental syncs have something to diff against. */
    public synchronized boolean hasKernelState() {
        return kernel != null;
    }

    /**
     * Plans of every Service against a fresh read of the kernel. Sets the IPVS timeouts the first time. Services
     * missing from {@code all} are gone: their virtual servers are deleted.
     */
    public synchronized SyncReport fullSync(Map<ServiceRef, ServicePlan> all) {
        return fullSync(all, -1);
    }

    /** {@link #fullSync(Map)}, whose log line also gives the time it took to plan {@code all} (when not negative). */
    public synchronized SyncReport fullSync(Map<ServiceRef, ServicePlan> all, long planNanos) {
        Instant now = clock.instant();
        ReportBuilder r = new ReportBuilder(SyncKind.FULL, now, all.size());
        if (planNanos >= 0) {
            r.earlierPhase("plan", planNanos);
        }
        applyTimeoutsOnce(r);
        r.phase("timeouts");
        desired.clear();
        for (Map.Entry<ServiceRef, ServicePlan> e : all.entrySet()) {
            desired.put(e.getKey(), e.getValue());
        }
        reportProblems(desired.services(), r);
        try {
            binder.ensureLinkAndRead();
        } catch (RuntimeException e) {
            r.error("dummy link " + config.dummyLinkName() + ": " + e.getMessage());
        }
        readNodeAddresses(r);
        r.phase("link");
        List<ServiceState> dump;
        try {
            dump = ipvs.dump();
        } catch (RuntimeException e) {
            r.error("reading the IPVS table: " + e.getMessage());
            r.requestResync();
            return finish(r);
        }
        kernel = KernelState.of(dump);
        r.phase("dump");
        r.addressesBound += binder.bindMissing(desired.boundAddresses(), addressFailures(r));
        r.phase("bind");

        Set<ServiceKey> keys = new TreeSet<>(desired.keys());
        keys.addAll(kernel.keys());
        Differ.Writes writes = new Differ.Writes();
        for (ServiceKey key : keys) {
            diffOne(key, desired, kernel, binder.bound(), nodeAddresses, Map.of(), true, now, writes);
        }
        r.phase("diff");
        apply(writes.inOrder(), r);
        r.phase("cache");
        for (ServiceKey key : drains.keys()) {
            if (!keys.contains(key)) {
                drains.forget(key);
            }
        }
        for (ServiceKey key : keys) {
            drains.refresh(key, kernel.get(key), desired.wanted(key), now);
            drains.countsRead(key, now);
        }
        r.phase("drains");
        r.addressesUnbound += binder.unbindAllBut(addressesToKeep(), addressFailures(r));
        r.phase("unbind");
        lastFailures.clear();
        return finish(r);
    }

    /**
     * Plans of the Services that changed; {@link ServicePlan#empty} (or a plan with nothing in it) means the Service
     * is gone. Only their virtual servers (and those with drains due for a check) are diffed, against the kernel
     * state cached since the last full sync.
     */
    public synchronized SyncReport syncServices(Map<ServiceRef, ServicePlan> changed) {
        Instant now = clock.instant();
        ReportBuilder r = new ReportBuilder(SyncKind.INCREMENTAL, now, changed.size());
        Set<ServiceKey> keys = new TreeSet<>();
        Set<InetAddress> addresses = new HashSet<>();
        Map<ServiceKey, ServiceRef> formerOwners = new HashMap<>();
        for (Map.Entry<ServiceRef, ServicePlan> e : changed.entrySet()) {
            DesiredState.Touched t = desired.put(e.getKey(), e.getValue());
            keys.addAll(t.keys());
            addresses.addAll(t.addresses());
            t.formerOwners().forEach(formerOwners::putIfAbsent);
        }
        reportProblems(changed.keySet(), r);
        if (kernel == null) {
            r.error("the kernel has not been read by a full sync yet; these changes wait for it");
            r.requestResync();
            return finish(r);
        }
        Set<ServiceKey> fresh = new HashSet<>();
        for (ServiceKey key : drains.due(now, config.drainCheckInterval())) {
            keys.add(key);
            if (drains.countsStale(key, now, config.drainCheckInterval()) && readDestinations(key, r)) {
                fresh.add(key);
            }
        }
        BiConsumer<InetAddress, String> addressFailed = addressFailures(r);
        for (InetAddress a : addresses) {
            if (desired.wantsBound(a) && !binder.isBound(a) && binder.bind(a, addressFailed)) {
                r.addressesBound++;
            }
        }
        Differ.Writes writes = new Differ.Writes();
        for (ServiceKey key : keys) {
            diffOne(key, desired, kernel, binder.bound(), nodeAddresses, formerOwners, fresh.contains(key), now, writes);
        }
        apply(writes.inOrder(), r);
        refreshDrains(keys, fresh, now);
        for (InetAddress a : addresses) {
            if (!desired.wantsBound(a) && binder.isBound(a) && kernel.keysOn(a).isEmpty()
                    && binder.unbind(a, addressFailed)) {
                r.addressesUnbound++;
            }
        }
        for (ServiceRef ref : changed.keySet()) {
            lastFailures.remove(ref);
        }
        return finish(r, keys);
    }

    /**
     * Reads the connection counts of every virtual server with draining real servers and deletes the real servers
     * whose connections ended or whose deadline passed. Also heals those virtual servers if they drifted.
     */
    public synchronized SyncReport checkDrains() {
        Instant now = clock.instant();
        ReportBuilder r = new ReportBuilder(SyncKind.DRAIN_CHECK, now, 0);
        if (kernel == null) {
            return finish(r);
        }
        Set<ServiceKey> keys = drains.keys();
        Set<ServiceKey> fresh = new HashSet<>();
        for (ServiceKey key : keys) {
            if (readDestinations(key, r)) {
                fresh.add(key);
            }
        }
        Differ.Writes writes = new Differ.Writes();
        for (ServiceKey key : keys) {
            diffOne(key, desired, kernel, binder.bound(), nodeAddresses, Map.of(), fresh.contains(key), now, writes);
        }
        apply(writes.inOrder(), r);
        refreshDrains(keys, fresh, now);
        return finish(r, keys);
    }

    /**
     * What a full sync with these plans would write now, computed against a fresh read of the kernel and the link,
     * without changing anything.
     */
    public synchronized PendingDiff pendingDiff(Map<ServiceRef, ServicePlan> all) {
        DesiredState d = new DesiredState();
        for (Map.Entry<ServiceRef, ServicePlan> e : all.entrySet()) {
            d.put(e.getKey(), e.getValue());
        }
        return pendingDiff(d);
    }

    /** {@link #pendingDiff(Map)} with the plans of the last syncs. */
    public synchronized PendingDiff pendingDiff() {
        return pendingDiff(desired);
    }

    /** The Services with a plan, sorted. */
    public synchronized List<ServiceRef> services() {
        return List.copyOf(new TreeSet<>(desired.services()));
    }

    /**
     * What is programmed for one Service: each of its virtual servers wanted and as the kernel has it (as last read
     * or written), real servers with connection counts and drain state. Empty when the Service has no plan.
     */
    public synchronized Optional<ProgrammedService> programmed(ServiceRef ref) {
        DesiredState.Entry e = desired.entry(ref);
        if (e == null) {
            return Optional.empty();
        }
        List<ProgrammedVirtualServer> out = new ArrayList<>();
        for (PlannedVirtualServer pvs : e.byKey().values()) {
            ServiceKey key = pvs.server().key();
            KernelService k = kernel == null ? null : kernel.get(key);
            Map<RealServer.Endpoint, RealServer> wanted = new TreeMap<>();
            for (RealServer rs : pvs.realServers()) {
                wanted.putIfAbsent(rs.endpoint(), rs);
            }
            Set<RealServer.Endpoint> endpoints = new TreeSet<>(wanted.keySet());
            if (k != null) {
                for (DestinationEntry d : k.destinations()) {
                    endpoints.add(d.server().endpoint());
                }
            }
            List<ProgrammedRealServer> rss = new ArrayList<>();
            for (RealServer.Endpoint ep : endpoints) {
                DestinationEntry d = k == null ? null : k.destination(ep);
                rss.add(new ProgrammedRealServer(ep, wanted.get(ep), d == null ? null : d.server(),
                        d == null ? 0 : d.activeConnections(), d == null ? 0 : d.inactiveConnections(),
                        drains.state(key, ep)));
            }
            out.add(new ProgrammedVirtualServer(key, pvs.kind(), pvs.server(), k == null ? null : k.server(),
                    desired.owner(key), binder.isBound(key.address()), rss));
        }
        return Optional.of(new ProgrammedService(ref, out, desired.problems(ref),
                lastFailures.getOrDefault(ref, List.of())));
    }

    /**
     * Removes everything the proxier owns ({@code --cleanup}): its virtual servers (on dummy-link addresses, and
     * NodePorts on node addresses) and the dummy link with its addresses. Foreign and excluded virtual servers stay.
     * The link is kept when some of its virtual servers could not be deleted, so that a second run finds them.
     */
    public synchronized SyncReport cleanup() {
        Instant now = clock.instant();
        ReportBuilder r = new ReportBuilder(SyncKind.CLEANUP, now, 0);
        desired.clear();
        drains.clear();
        Set<InetAddress> bound = Set.of();
        boolean linkPresent = false;
        try {
            linkPresent = interfaces.link(config.dummyLinkName()).isPresent();
            if (linkPresent) {
                bound = Set.copyOf(interfaces.addresses(config.dummyLinkName()));
            }
        } catch (RuntimeException e) {
            r.error("reading dummy link " + config.dummyLinkName() + ": " + e.getMessage());
        }
        readNodeAddresses(r);
        try {
            kernel = KernelState.of(ipvs.dump());
        } catch (RuntimeException e) {
            r.error("reading the IPVS table: " + e.getMessage());
            return finish(r);
        }
        Differ.Writes writes = new Differ.Writes();
        for (ServiceKey key : new TreeSet<>(kernel.keys())) {
            Differ.diff(key, null, kernel.get(key), ownership.owns(key, bound, nodeAddresses), null, drains, now,
                    true, writes);
        }
        int failuresBefore = r.failures().size();
        apply(writes.inOrder(), r);
        boolean allDeleted = r.failures().size() == failuresBefore;
        if (linkPresent && allDeleted) {
            try {
                interfaces.deleteLink(config.dummyLinkName());
                r.addressesUnbound += bound.size();
                binder.forget();
            } catch (RuntimeException e) {
                r.error("deleting dummy link " + config.dummyLinkName() + ": " + e.getMessage());
            }
        } else if (linkPresent) {
            r.error("kept dummy link " + config.dummyLinkName()
                    + " because some of the proxier's virtual servers could not be deleted");
        }
        SyncReport report = finish(r);
        kernel = null;
        return report;
    }

    // ---- internals ----

    private void diffOne(ServiceKey key, DesiredState d, KernelState k, Set<InetAddress> bound, Set<InetAddress> node,
                         Map<ServiceKey, ServiceRef> formerOwners, boolean countsFresh, Instant now,
                         Differ.Writes out) {
        PlannedVirtualServer wanted = d.wanted(key);
        KernelService have = k.get(key);
        boolean owned = wanted != null || have != null && ownership.owns(key, bound, node);
        ServiceRef owner = wanted != null ? d.owner(key) : formerOwners.get(key);
        Differ.diff(key, wanted, have, owned, owner, drains, now, countsFresh, out);
    }

    private PendingDiff pendingDiff(DesiredState d) {
        Instant now = clock.instant();
        Set<InetAddress> bound = interfaces.link(config.dummyLinkName()).isPresent()
                ? Set.copyOf(interfaces.addresses(config.dummyLinkName())) : Set.of();
        Set<InetAddress> node = nodeAddressSet(interfaces.nodeAddresses());
        KernelState k = KernelState.of(ipvs.dump());
        Set<InetAddress> toBind = new HashSet<>(d.boundAddresses());
        toBind.removeAll(bound);
        Set<InetAddress> boundAfter = new HashSet<>(bound);
        boundAfter.addAll(toBind);
        Set<ServiceKey> keys = new TreeSet<>(d.keys());
        keys.addAll(k.keys());
        Differ.Writes writes = new Differ.Writes();
        for (ServiceKey key : keys) {
            diffOne(key, d, k, boundAfter, node, Map.of(), true, now, writes);
        }
        List<IpvsOperation> ops = new ArrayList<>();
        Set<ServiceKey> deleted = new HashSet<>();
        for (PlannedOperation p : writes.inOrder()) {
            ops.add(p.operation());
            if (p.operation() instanceof IpvsOperation.DeleteService del) {
                deleted.add(del.key());
            }
        }
        Set<InetAddress> toUnbind = new HashSet<>();
        for (InetAddress a : boundAfter) {
            if (!d.wantsBound(a) && deleted.containsAll(k.keysOn(a))) {
                toUnbind.add(a);
            }
        }
        return new PendingDiff(ops, toBind, toUnbind);
    }

    /** Sends the writes as one batch and records in the cache what the kernel accepted. */
    private void apply(List<PlannedOperation> planned, ReportBuilder r) {
        if (planned.isEmpty()) {
            return;
        }
        List<IpvsOperation> ops = new ArrayList<>(planned.size());
        for (PlannedOperation p : planned) {
            ops.add(p.operation());
        }
        BatchResult result;
        try {
            result = ipvs.apply(ops, true);
        } catch (RuntimeException e) {
            r.sent(ops, 0);
            r.error("sending " + ops.size() + " IPVS writes: " + e.getMessage());
            r.requestResync();
            return;
        }
        r.sent(ops, result.sends());
        r.phase("write");
        int unknown = 0;
        for (int i = 0; i < planned.size(); i++) {
            PlannedOperation p = planned.get(i);
            BatchResult.Outcome o = result.outcome(i);
            switch (o.status()) {
                case OK -> kernel.applied(p.operation());
                case ALREADY_DONE -> {
                    log.debug("{}: already in effect ({})", Operations.describe(p.operation()), Errno.name(o.errno()));
                    kernel.applied(p.operation());
                }
                case FAILED -> r.operationFailed(p.owner(), p.operation().serviceKey(),
                        Operations.failure(p.operation(), o));
                case UNKNOWN -> unknown++;
            }
        }
        if (unknown > 0) {
            // ENOBUFS: replies were lost, so the cache cannot say what the kernel did; a full sync reads it again.
            r.error(unknown + " of " + ops.size() + " IPVS writes have an unknown outcome (netlink replies lost);"
                    + " the IPVS table will be read again");
            r.requestResync();
        }
    }

    /** Re-reads one virtual server's real servers into the cache; false when that failed. */
    private boolean readDestinations(ServiceKey key, ReportBuilder r) {
        try {
            kernel.replaceDestinations(key, ipvs.destinations(key));
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ESRCH || e.errno() == Errno.ENOENT) {
                // The virtual server is gone (ipvsadm -D, -C): the diff adds it back if it is still wanted.
                kernel.remove(key);
                return true;
            }
            r.error("reading real servers of " + key + ": " + e.getMessage());
            return false;
        } catch (RuntimeException e) {
            r.error("reading real servers of " + key + ": " + e.getMessage());
            return false;
        }
    }

    private void refreshDrains(Collection<ServiceKey> keys, Set<ServiceKey> fresh, Instant now) {
        for (ServiceKey key : keys) {
            drains.refresh(key, kernel.get(key), desired.wanted(key), now);
            if (fresh.contains(key)) {
                drains.countsRead(key, now);
            }
        }
    }

    /** Wanted addresses, and stale ones that still carry a virtual server (whose delete failed: retried later). */
    private Set<InetAddress> addressesToKeep() {
        Set<InetAddress> keep = new HashSet<>(desired.boundAddresses());
        for (InetAddress a : binder.bound()) {
            if (!kernel.keysOn(a).isEmpty()) {
                keep.add(a);
            }
        }
        return keep;
    }

    private void applyTimeoutsOnce(ReportBuilder r) {
        if (timeoutsApplied) {
            return;
        }
        IpvsTimeouts t = config.timeouts();
        if (t.tcp() == 0 && t.tcpFin() == 0 && t.udp() == 0) {
            timeoutsApplied = true;
            return;
        }
        try {
            ipvs.setTimeouts(t);
            timeoutsApplied = true;
            log.info("IPVS timeouts set: tcp {} s, tcpfin {} s, udp {} s (0 = unchanged)", t.tcp(), t.tcpFin(), t.udp());
        } catch (RuntimeException e) {
            r.error("setting IPVS timeouts " + t + ": " + e.getMessage());
        }
    }

    private void readNodeAddresses(ReportBuilder r) {
        try {
            nodeAddresses = nodeAddressSet(interfaces.nodeAddresses());
        } catch (RuntimeException e) {
            r.error("reading node addresses: " + e.getMessage());
        }
    }

    private Set<InetAddress> nodeAddressSet(List<NodeAddress> all) {
        Set<InetAddress> out = new HashSet<>();
        for (NodeAddress a : all) {
            if (!config.dummyLinkName().equals(a.linkName())) {
                out.add(a.address());
            }
        }
        return out;
    }

    private void reportProblems(Collection<ServiceRef> refs, ReportBuilder r) {
        for (ServiceRef ref : refs) {
            for (String problem : desired.problems(ref)) {
                r.fail(ref, null, problem);
            }
        }
    }

    /** Address failures go to every Service with a virtual server on that address. */
    private BiConsumer<InetAddress, String> addressFailures(ReportBuilder r) {
        return (address, message) -> {
            List<ServiceRef> users = address == null ? List.of() : desired.servicesBoundOn(address);
            if (users.isEmpty()) {
                r.error(message);
            }
            for (ServiceRef ref : users) {
                r.fail(ref, null, message);
            }
        };
    }

    private void recount(ServiceKey key) {
        Integer before = ownedRealServers.remove(key);
        if (before != null) {
            ownedRealServerTotal -= before;
        }
        KernelService ks = kernel == null ? null : kernel.get(key);
        if (ks != null && (desired.wanted(key) != null || ownership.owns(key, binder.bound(), nodeAddresses))) {
            ownedRealServers.put(key, ks.destinationCount());
            ownedRealServerTotal += ks.destinationCount();
        }
    }

    private SyncReport finish(ReportBuilder r) {
        return finish(r, null);
    }

    /**
     * Builds and logs the report. The counts of owned virtual and real servers are recounted for {@code touched}
     * only (null = all): an incremental sync must cost in proportion to its changes, not to the table.
     */
    private SyncReport finish(ReportBuilder r, Collection<ServiceKey> touched) {
        Instant end = clock.instant();
        if (touched == null) {
            ownedRealServers.clear();
            ownedRealServerTotal = 0;
            if (kernel != null) {
                for (KernelService ks : kernel.services()) {
                    recount(ks.server().key());
                }
            }
        } else {
            for (ServiceKey key : touched) {
                recount(key);
            }
        }
        int virtualServers = ownedRealServers.size();
        int realServers = ownedRealServerTotal;
        SyncReport report = r.build(end, virtualServers, realServers, drains.count(), binder.bound().size(),
                drains.nextCheck(end, config.drainCheckInterval()));
        for (SyncFailure f : report.failures()) {
            if (f.service() != null) {
                lastFailures.computeIfAbsent(f.service(), k -> new ArrayList<>()).add(f.message());
            }
        }
        if (!report.failures().isEmpty()) {
            log.warn("{}{}; first failure: {}", report.summary(), r.phases(), report.failures().get(0));
            for (SyncFailure f : report.failures()) {
                log.debug("sync failure: {}", f);
            }
        } else if (report.kind() == SyncKind.FULL || report.kind() == SyncKind.CLEANUP) {
            log.info("{}{}", report.summary(), r.phases());
        } else {
            log.debug("{}{}", report.summary(), r.phases());
        }
        return report;
    }
}

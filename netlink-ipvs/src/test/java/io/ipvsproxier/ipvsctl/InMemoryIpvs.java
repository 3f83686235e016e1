package io.ipvsproxier.ipvsctl;

import io.ipvsproxier.ipvs.DestinationEntry;
import io.ipvsproxier.ipvs.Ipvs;
import io.ipvsproxier.ipvs.IpvsInfo;
import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.IpvsStats;
import io.ipvsproxier.ipvs.IpvsTimeouts;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceEntry;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.ServiceState;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.NetlinkException;
import io.ipvsproxier.netlink.NetlinkRequest;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An IPVS table in memory with the kernel's refusals (EEXIST, ESRCH, ENOENT for unknown schedulers and
 * missing servers, ERANGE for thresholds, EINVAL for 0.0.0.0), for host tests of the command line. Keeps
 * insertion order, like a kernel dump would keep some order of its own.
 */
final class InMemoryIpvs implements Ipvs {
    static final Set<String> SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq",
        "fo", "ovf", "mh", "twos");

    private final Map<ServiceKey, VirtualServer> services = new LinkedHashMap<>();
    private final Map<ServiceKey, Map<RealServer.Endpoint, DestinationEntry>> dests = new LinkedHashMap<>();
    private final Map<ServiceKey, IpvsStats> serviceStats = new LinkedHashMap<>();
    private IpvsTimeouts timeouts = new IpvsTimeouts(900, 120, 300);
    int batches;
    int singleCalls;

    /** Sets the counters of a service, as traffic would. */
    void setStats(ServiceKey key, IpvsStats stats) {
        serviceStats.put(key, stats);
    }

    /** Replaces a destination entry (to give it counters or connection counts). */
    void setDestination(ServiceKey key, DestinationEntry entry) {
        dests.get(key).put(entry.server().endpoint(), entry);
    }

    @Override
    public List<ServiceEntry> services() {
        List<ServiceEntry> out = new ArrayList<>();
        for (VirtualServer v : services.values()) {
            out.add(new ServiceEntry(v, serviceStats.getOrDefault(v.key(), IpvsStats.ZERO)));
        }
        return out;
    }

    @Override
    public Optional<ServiceEntry> service(ServiceKey key) {
        VirtualServer v = services.get(key);
        return v == null ? Optional.empty() : Optional.of(new ServiceEntry(v, serviceStats.getOrDefault(key, IpvsStats.ZERO)));
    }

    @Override
    public List<DestinationEntry> destinations(ServiceKey key) {
        if (!services.containsKey(key)) {
            throw new NetlinkException("get destinations", Errno.ESRCH, null);
        }
        return new ArrayList<>(dests.get(key).values());
    }

    @Override
    public List<ServiceState> dump() {
        List<ServiceState> out = new ArrayList<>();
        for (ServiceEntry s : services()) {
            out.add(new ServiceState(s, new ArrayList<>(dests.get(s.key()).values())));
        }
        return out;
    }

    @Override
    public void addService(VirtualServer server) {
        singleCalls++;
        check(doAdd(server), "add service");
    }

    @Override
    public void updateService(VirtualServer server) {
        singleCalls++;
        check(doUpdate(server), "update service");
    }

    @Override
    public void deleteService(ServiceKey key) {
        singleCalls++;
        check(doDelete(key), "delete service");
    }

    @Override
    public void addDestination(ServiceKey service, RealServer server) {
        singleCalls++;
        check(doAddDest(service, server), "add destination");
    }

    @Override
    public void updateDestination(ServiceKey service, RealServer server) {
        singleCalls++;
        check(doUpdateDest(service, server), "update destination");
    }

    @Override
    public void deleteDestination(ServiceKey service, RealServer.Endpoint endpoint) {
        singleCalls++;
        check(doDeleteDest(service, endpoint), "delete destination");
    }

    @Override
    public void zero(Optional<ServiceKey> service) {
        singleCalls++;
        if (service.isPresent() && !services.containsKey(service.get())) {
            throw new NetlinkException("zero", Errno.ESRCH, null);
        }
        if (service.isPresent()) {
            serviceStats.remove(service.get());
        } else {
            serviceStats.clear();
        }
    }

    @Override
    public void flush() {
        singleCalls++;
        services.clear();
        dests.clear();
        serviceStats.clear();
    }

    @Override
    public IpvsInfo info() {
        return new IpvsInfo(0x010201, 4096);
    }

    @Override
    public IpvsTimeouts timeouts() {
        return timeouts;
    }

    @Override
    public void setTimeouts(IpvsTimeouts t) {
        singleCalls++;
        timeouts = new IpvsTimeouts(t.tcp() != 0 ? t.tcp() : timeouts.tcp(), t.tcpFin() != 0 ? t.tcpFin() : timeouts.tcpFin(),
            t.udp() != 0 ? t.udp() : timeouts.udp());
    }

    @Override
    public BatchResult apply(List<IpvsOperation> operations, boolean idempotent) {
        batches++;
        BatchResult.Outcome[] outcomes = new BatchResult.Outcome[operations.size()];
        for (int i = 0; i < outcomes.length; i++) {
            IpvsOperation op = operations.get(i);
            int errno;
            if (op instanceof IpvsOperation.AddService a) {
                errno = doAdd(a.server());
            } else if (op instanceof IpvsOperation.UpdateService u) {
                errno = doUpdate(u.server());
            } else if (op instanceof IpvsOperation.DeleteService d) {
                errno = doDelete(d.key());
            } else if (op instanceof IpvsOperation.AddDestination a) {
                errno = doAddDest(a.service(), a.server());
            } else if (op instanceof IpvsOperation.UpdateDestination u) {
                errno = doUpdateDest(u.service(), u.server());
            } else {
                IpvsOperation.DeleteDestination d = (IpvsOperation.DeleteDestination) op;
                errno = doDeleteDest(d.service(), new RealServer.Endpoint(d.address(), d.port()));
            }
            outcomes[i] = new BatchResult.Outcome(i, errno == 0 ? BatchResult.Status.OK : BatchResult.Status.FAILED, errno, null);
        }
        return newBatchResult(operations.size(), outcomes);
    }

    /** BatchResult's constructor is package-private to the netlink package; tests build one reflectively. */
    private static BatchResult newBatchResult(int size, BatchResult.Outcome[] outcomes) {
        try {
            Constructor<BatchResult> c = BatchResult.class.getDeclaredConstructor(List.class, BatchResult.Outcome[].class,
                long.class, long.class);
            c.setAccessible(true);
            List<NetlinkRequest> requests = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                requests.add(null);
            }
            return c.newInstance(requests, outcomes, 1L, 1L);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {}

    private static void check(int errno, String what) {
        if (errno != 0) {
            throw new NetlinkException(what, errno, null);
        }
    }

    private int doAdd(VirtualServer v) {
        if (services.containsKey(v.key())) {
            return Errno.EEXIST;
        }
        if (!SCHEDULERS.contains(v.scheduler()) || (v.persistenceEngine() != null && !v.persistenceEngine().equals("sip"))) {
            return Errno.ENOENT;
        }
        services.put(v.key(), v);
        dests.put(v.key(), new LinkedHashMap<>());
        return 0;
    }

    private int doUpdate(VirtualServer v) {
        if (!services.containsKey(v.key())) {
            return Errno.ESRCH;
        }
        if (!SCHEDULERS.contains(v.scheduler())) {
            return Errno.ENOENT;
        }
        services.put(v.key(), v);
        return 0;
    }

    private int doDelete(ServiceKey key) {
        if (services.remove(key) == null) {
            return Errno.ESRCH;
        }
        dests.remove(key);
        serviceStats.remove(key);
        return 0;
    }

    private int doAddDest(ServiceKey key, RealServer rs) {
        if (!services.containsKey(key)) {
            return Errno.ESRCH;
        }
        if (rs.address().isAnyLocalAddress()) {
            return Errno.EINVAL;
        }
        if (rs.lowerThreshold() > rs.upperThreshold()) {
            return Errno.ERANGE;
        }
        Map<RealServer.Endpoint, DestinationEntry> d = dests.get(key);
        if (d.containsKey(rs.endpoint())) {
            return Errno.EEXIST;
        }
        d.put(rs.endpoint(), new DestinationEntry(rs, 0, 0, 0, IpvsStats.ZERO));
        return 0;
    }

    private int doUpdateDest(ServiceKey key, RealServer rs) {
        if (!services.containsKey(key)) {
            return Errno.ESRCH;
        }
        if (rs.lowerThreshold() > rs.upperThreshold()) {
            return Errno.ERANGE;
        }
        Map<RealServer.Endpoint, DestinationEntry> d = dests.get(key);
        DestinationEntry old = d.get(rs.endpoint());
        if (old == null) {
            return Errno.ENOENT;
        }
        d.put(rs.endpoint(), new DestinationEntry(rs, old.activeConnections(), old.inactiveConnections(),
            old.persistentConnections(), old.stats()));
        return 0;
    }

    private int doDeleteDest(ServiceKey key, RealServer.Endpoint endpoint) {
        if (!services.containsKey(key)) {
            return Errno.ESRCH;
        }
        return dests.get(key).remove(endpoint) == null ? Errno.ENOENT : 0;
    }
}

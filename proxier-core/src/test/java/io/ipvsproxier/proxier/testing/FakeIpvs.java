package io.ipvsproxier.proxier.testing;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An in-memory IPVS table with the kernel's answers (EEXIST for an add of something present, ESRCH for a missing
 * service, ENOENT for a missing destination or an unknown scheduler). Records every write and batch, counts reads,
 * and can refuse chosen operations, lose the replies of a batch (ENOBUFS) or fail a dump.
 *
 * <p>Test setup goes through {@link #put} and friends, which change the table without being recorded as writes,
 * the way another tool (or ipvsadm) would.
 */
public final class FakeIpvs implements Ipvs {
    /** The schedulers of a stock kernel. */
    public static final Set<String> SCHEDULERS =
            Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos");

    private static final class Service {
        VirtualServer server;
        final Map<RealServer.Endpoint, Destination> destinations = new TreeMap<>();

        Service(VirtualServer server) {
            this.server = server;
        }
    }

    private static final class Destination {
        RealServer server;
        int active;
        int inactive;

        Destination(RealServer server) {
            this.server = server;
        }
    }

    private record Refusal(Predicate<IpvsOperation> match, int errno) {}

    private final Map<ServiceKey, Service> table = new TreeMap<>();
    private final List<List<IpvsOperation>> batches = new ArrayList<>();
    private final List<IpvsOperation> writes = new ArrayList<>();
    private final List<Refusal> refusals = new ArrayList<>();
    private final List<IpvsTimeouts> timeoutSets = new ArrayList<>();
    private IpvsTimeouts timeouts = new IpvsTimeouts(900, 120, 300);
    private Consumer<List<IpvsOperation>> onApply = ops -> { };
    private int loseRepliesFrom = -1;
    private RuntimeException nextDumpFailure;
    private int dumps;
    private int destinationReads;
    private int flushes;

    // ---- test setup and inspection ----

    /** Puts a virtual server with real servers into the table (replacing one with the same key), unrecorded. */
    public synchronized FakeIpvs put(VirtualServer server, RealServer... realServers) {
        Service s = new Service(server);
        for (RealServer rs : realServers) {
            s.destinations.put(rs.endpoint(), new Destination(rs));
        }
        table.put(server.key(), s);
        return this;
    }

    /** Empties the table the way {@code ipvsadm -C} would, unrecorded. */
    public synchronized void clearTable() {
        table.clear();
    }

    /** Deletes one virtual server behind the proxier's back. */
    public synchronized void remove(ServiceKey key) {
        table.remove(key);
    }

    /** Changes a real server behind the proxier's back (e.g. {@code ipvsadm -e ... -w 5}). */
    public synchronized void replaceDestination(ServiceKey key, RealServer rs) {
        Service s = require(key);
        s.destinations.get(rs.endpoint()).server = rs;
    }

    /** Sets the connection counts the kernel reports for a real server. */
    public synchronized void setConnections(ServiceKey key, RealServer.Endpoint endpoint, int active, int inactive) {
        Destination d = require(key).destinations.get(endpoint);
        if (d == null) {
            throw new IllegalArgumentException("no destination " + endpoint + " in " + key);
        }
        d.active = active;
        d.inactive = inactive;
    }

    public synchronized Set<ServiceKey> keys() {
        return Set.copyOf(table.keySet());
    }

    /** The configuration of a virtual server, or null. */
    public synchronized VirtualServer server(ServiceKey key) {
        Service s = table.get(key);
        return s == null ? null : s.server;
    }

    /** The real servers of a virtual server by endpoint (empty when it is missing). */
    public synchronized Map<RealServer.Endpoint, RealServer> realServers(ServiceKey key) {
        Map<RealServer.Endpoint, RealServer> out = new TreeMap<>();
        Service s = table.get(key);
        if (s != null) {
            s.destinations.forEach((ep, d) -> out.put(ep, d.server));
        }
        return out;
    }

    /** Every batch sent, in order. */
    public synchronized List<List<IpvsOperation>> batches() {
        return List.copyOf(batches);
    }

    /** Every write, in batches or single calls, in order. */
    public synchronized List<IpvsOperation> writes() {
        return List.copyOf(writes);
    }

    public synchronized int writeCount() {
        return writes.size();
    }

    public synchronized int dumpCount() {
        return dumps;
    }

    /** Calls of {@link #destinations(ServiceKey)}. */
    public synchronized int destinationReads() {
        return destinationReads;
    }

    public synchronized int flushCount() {
        return flushes;
    }

    public synchronized List<IpvsTimeouts> timeoutSets() {
        return List.copyOf(timeoutSets);
    }

    /** Forgets recorded writes, batches and read counts. */
    public synchronized void resetRecording() {
        batches.clear();
        writes.clear();
        dumps = 0;
        destinationReads = 0;
    }

    /** Refuses every operation matching {@code match} with {@code errno} (until {@link #clearRefusals()}). */
    public synchronized void refuse(Predicate<IpvsOperation> match, int errno) {
        refusals.add(new Refusal(match, errno));
    }

    public synchronized void clearRefusals() {
        refusals.clear();
    }

    /** In the next batch, the kernel does every operation but the replies from operation {@code index} on are lost. */
    public synchronized void loseRepliesInNextBatchFrom(int index) {
        loseRepliesFrom = index;
    }

    /** Called with every batch before it is applied (tests use it to check ordering against other fakes). */
    public synchronized void onApply(Consumer<List<IpvsOperation>> hook) {
        onApply = hook;
    }

    public synchronized void failNextDump(RuntimeException e) {
        nextDumpFailure = e;
    }

    // ---- Ipvs ----

    @Override
    public synchronized List<ServiceEntry> services() {
        List<ServiceEntry> out = new ArrayList<>();
        for (Service s : table.values()) {
            out.add(new ServiceEntry(s.server, IpvsStats.ZERO));
        }
        return out;
    }

    @Override
    public synchronized Optional<ServiceEntry> service(ServiceKey key) {
        Service s = table.get(key);
        return s == null ? Optional.empty() : Optional.of(new ServiceEntry(s.server, IpvsStats.ZERO));
    }

    @Override
    public synchronized List<DestinationEntry> destinations(ServiceKey key) {
        destinationReads++;
        Service s = table.get(key);
        if (s == null) {
            throw new NetlinkException("get destinations of " + key, Errno.ESRCH, null);
        }
        return entries(s);
    }

    @Override
    public synchronized List<ServiceState> dump() {
        dumps++;
        if (nextDumpFailure != null) {
            RuntimeException e = nextDumpFailure;
            nextDumpFailure = null;
            throw e;
        }
        List<ServiceState> out = new ArrayList<>();
        for (Service s : table.values()) {
            out.add(new ServiceState(new ServiceEntry(s.server, IpvsStats.ZERO), entries(s)));
        }
        return out;
    }

    @Override
    public void addService(VirtualServer server) {
        single(new IpvsOperation.AddService(server));
    }

    @Override
    public void updateService(VirtualServer server) {
        single(new IpvsOperation.UpdateService(server));
    }

    @Override
    public void deleteService(ServiceKey key) {
        single(new IpvsOperation.DeleteService(key));
    }

    @Override
    public void addDestination(ServiceKey service, RealServer server) {
        single(new IpvsOperation.AddDestination(service, server));
    }

    @Override
    public void updateDestination(ServiceKey service, RealServer server) {
        single(new IpvsOperation.UpdateDestination(service, server));
    }

    @Override
    public void deleteDestination(ServiceKey service, RealServer.Endpoint endpoint) {
        single(new IpvsOperation.DeleteDestination(service, endpoint));
    }

    @Override
    public void zero(Optional<ServiceKey> service) {
    }

    @Override
    public synchronized void flush() {
        flushes++;
        table.clear();
    }

    @Override
    public IpvsInfo info() {
        return new IpvsInfo(0x010201, 4096);
    }

    @Override
    public synchronized IpvsTimeouts timeouts() {
        return timeouts;
    }

    @Override
    public synchronized void setTimeouts(IpvsTimeouts t) {
        timeoutSets.add(t);
        timeouts = new IpvsTimeouts(t.tcp() != 0 ? t.tcp() : timeouts.tcp(),
                t.tcpFin() != 0 ? t.tcpFin() : timeouts.tcpFin(), t.udp() != 0 ? t.udp() : timeouts.udp());
    }

    @Override
    public synchronized BatchResult apply(List<IpvsOperation> operations, boolean idempotent) {
        List<IpvsOperation> ops = List.copyOf(operations);
        onApply.accept(ops);
        batches.add(ops);
        writes.addAll(ops);
        int[] errnos = new int[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            errnos[i] = execute(ops.get(i));
        }
        int lose = loseRepliesFrom;
        loseRepliesFrom = -1;
        return ScriptedBatch.run(ops, errnos, lose, idempotent);
    }

    @Override
    public void close() {
    }

    // ---- the kernel's rules ----

    private synchronized void single(IpvsOperation op) {
        writes.add(op);
        int errno = execute(op);
        if (errno != 0) {
            throw new NetlinkException(op.toString(), errno, null);
        }
    }

    /** Applies one write as the kernel would; returns 0 or the errno it refuses it with. */
    private int execute(IpvsOperation op) {
        for (Refusal r : refusals) {
            if (r.match().test(op)) {
                return r.errno();
            }
        }
        if (op instanceof IpvsOperation.AddService a) {
            if (table.containsKey(a.server().key())) {
                return Errno.EEXIST;
            }
            if (!SCHEDULERS.contains(a.server().scheduler())) {
                return Errno.ENOENT;
            }
            table.put(a.server().key(), new Service(a.server()));
            return 0;
        }
        if (op instanceof IpvsOperation.UpdateService u) {
            Service s = table.get(u.server().key());
            if (s == null) {
                return Errno.ESRCH;
            }
            if (!SCHEDULERS.contains(u.server().scheduler())) {
                return Errno.ENOENT;
            }
            s.server = u.server();
            return 0;
        }
        if (op instanceof IpvsOperation.DeleteService d) {
            return table.remove(d.key()) == null ? Errno.ESRCH : 0;
        }
        Service s = table.get(op.serviceKey());
        if (s == null) {
            return Errno.ESRCH;
        }
        if (op instanceof IpvsOperation.AddDestination a) {
            if (s.destinations.containsKey(a.server().endpoint())) {
                return Errno.EEXIST;
            }
            s.destinations.put(a.server().endpoint(), new Destination(a.server()));
            return 0;
        }
        if (op instanceof IpvsOperation.UpdateDestination u) {
            Destination d = s.destinations.get(u.server().endpoint());
            if (d == null) {
                return Errno.ENOENT;
            }
            d.server = u.server();
            return 0;
        }
        IpvsOperation.DeleteDestination d = (IpvsOperation.DeleteDestination) op;
        return s.destinations.remove(new RealServer.Endpoint(d.address(), d.port())) == null ? Errno.ENOENT : 0;
    }

    private Service require(ServiceKey key) {
        Service s = table.get(key);
        if (s == null) {
            throw new IllegalArgumentException("no virtual server " + key);
        }
        return s;
    }

    private static List<DestinationEntry> entries(Service s) {
        List<DestinationEntry> out = new ArrayList<>();
        for (Destination d : s.destinations.values()) {
            out.add(new DestinationEntry(d.server, d.active, d.inactive, 0, IpvsStats.ZERO));
        }
        return out;
    }
}

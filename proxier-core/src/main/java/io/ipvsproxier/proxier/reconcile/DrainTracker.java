package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.DestinationEntry;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.proxier.plan.PlannedVirtualServer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Remembers since when each removed TCP/SCTP real server has been draining at weight 0, and when the connection
 * counts of its virtual server were last read.
 *
 * <p>The set of draining real servers is derived, never decided here: after every sync it is made equal to "real
 * servers in the kernel at weight 0 that the plan no longer wants" ({@link #refresh}). So a failed write never
 * leaves the tracker out of step with the kernel; it only keeps the start times (lost on restart, when an adopted
 * weight-0 real server starts its drain anew, the safe side).
 */
final class DrainTracker {
    private final Duration timeout;
    private final Map<ServiceKey, Map<RealServer.Endpoint, Instant>> since = new HashMap<>();
    private final Map<ServiceKey, Instant> countsReadAt = new HashMap<>();

    DrainTracker(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Whether removed real servers of this protocol drain. TCP and SCTP do: both have connections that outlive a
     * scheduling decision and end with a handshake. UDP has no end of connection, so a UDP real server is deleted
     * at once (kube-proxy and kube-router do the same; kube-proxy deletes SCTP at once too, which cuts its
     * associations).
     */
    static boolean drains(Protocol protocol) {
        return protocol != Protocol.UDP;
    }

    /** The drain of one real server, or null when it does not drain. */
    DrainState state(ServiceKey key, RealServer.Endpoint endpoint) {
        Map<RealServer.Endpoint, Instant> m = since.get(key);
        Instant s = m == null ? null : m.get(endpoint);
        return s == null ? null : new DrainState(s, s.plus(timeout));
    }

    /**
     * Makes the draining set of {@code key} equal to the kernel's weight-0 real servers that {@code wanted} does not
     * list; new ones start draining at {@code now}.
     */
    void refresh(ServiceKey key, KernelService kernel, PlannedVirtualServer wanted, Instant now) {
        if (kernel == null || wanted == null || !drains(key.protocol()) || !anyAtWeightZero(kernel)) {
            // Only a real server at weight 0 can be draining; a full sync asks this of every virtual server.
            forget(key);
            return;
        }
        Set<RealServer.Endpoint> wantedEndpoints = new HashSet<>();
        for (RealServer rs : wanted.realServers()) {
            wantedEndpoints.add(rs.endpoint());
        }
        Map<RealServer.Endpoint, Instant> old = since.getOrDefault(key, Map.of());
        Map<RealServer.Endpoint, Instant> next = new HashMap<>();
        for (DestinationEntry d : kernel.destinations()) {
            RealServer.Endpoint ep = d.server().endpoint();
            if (d.server().weight() == 0 && !wantedEndpoints.contains(ep)) {
                next.put(ep, old.getOrDefault(ep, now));
            }
        }
        if (next.isEmpty()) {
            forget(key);
        } else {
            since.put(key, next);
            // A drain that starts now has just had its traffic cut; its counts are worth reading one interval on.
            countsReadAt.putIfAbsent(key, now);
        }
    }

    void forget(ServiceKey key) {
        since.remove(key);
        countsReadAt.remove(key);
    }

    void clear() {
        since.clear();
        countsReadAt.clear();
    }

    private static boolean anyAtWeightZero(KernelService kernel) {
        for (DestinationEntry d : kernel.destinations()) {
            if (d.server().weight() == 0) {
                return true;
            }
        }
        return false;
    }

    void countsRead(ServiceKey key, Instant now) {
        if (since.containsKey(key)) {
            countsReadAt.put(key, now);
        }
    }

    /** Virtual servers with draining real servers. */
    Set<ServiceKey> keys() {
        return new TreeSet<>(since.keySet());
    }

    /**
     * Virtual servers whose counts were last read at least {@code interval} ago (they need a read), and those with a
     * drain past its deadline (they need no read, only a delete).
     */
    Set<ServiceKey> due(Instant now, Duration interval) {
        Set<ServiceKey> out = new TreeSet<>();
        for (Map.Entry<ServiceKey, Map<RealServer.Endpoint, Instant>> e : since.entrySet()) {
            Instant read = countsReadAt.get(e.getKey());
            if (read == null || !read.plus(interval).isAfter(now) || earliest(e.getValue()).plus(timeout).compareTo(now) <= 0) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** Whether {@code key} needs its counts read now (rather than only its deadlines applied). */
    boolean countsStale(ServiceKey key, Instant now, Duration interval) {
        Instant read = countsReadAt.get(key);
        return read == null || !read.plus(interval).isAfter(now);
    }

    int count() {
        int n = 0;
        for (Map<RealServer.Endpoint, Instant> m : since.values()) {
            n += m.size();
        }
        return n;
    }

    /** When the next drain check is useful: the next count read or the next deadline, whichever comes first. */
    Instant nextCheck(Instant now, Duration interval) {
        Instant next = null;
        for (Map.Entry<ServiceKey, Map<RealServer.Endpoint, Instant>> e : since.entrySet()) {
            Instant read = countsReadAt.get(e.getKey());
            Instant due = read == null ? now : read.plus(interval);
            Instant deadline = earliest(e.getValue()).plus(timeout);
            Instant t = due.isBefore(deadline) ? due : deadline;
            if (next == null || t.isBefore(next)) {
                next = t;
            }
        }
        return next;
    }

    private static Instant earliest(Map<RealServer.Endpoint, Instant> m) {
        Instant min = null;
        for (Instant i : m.values()) {
            if (min == null || i.isBefore(min)) {
                min = i;
            }
        }
        return min;
    }
}

package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.proxier.plan.PlannedVirtualServer;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plans of every Service, indexed by virtual server and by dummy-link address, so that replacing one Service's
 * plan tells exactly which virtual servers and addresses to look at.
 *
 * <p>Two Services may ask for the same virtual server (say, the same external IP and port). The first by
 * namespace/name gets it, deterministically; the other gets a failure in every sync that covers it. When the
 * winner goes away the other one's configuration is programmed.
 */
final class DesiredState {

    /** One Service's plan with its virtual servers by key, and what in it cannot be programmed. */
    record Entry(ServicePlan plan, Map<ServiceKey, PlannedVirtualServer> byKey, List<String> problems) {}

    /** What replacing one plan touched, with the owner each virtual server had before. */
    record Touched(Set<ServiceKey> keys, Set<InetAddress> addresses, Map<ServiceKey, ServiceRef> formerOwners) {}

    private final Map<ServiceRef, Entry> plans = new HashMap<>();
    private final Map<ServiceKey, TreeSet<ServiceRef>> claims = new HashMap<>();
    private final Map<InetAddress, Integer> boundUses = new HashMap<>();

    /** Replaces the plan of {@code ref}; a plan with nothing in it (or null) removes the Service. */
    Touched put(ServiceRef ref, ServicePlan plan) {
        Set<ServiceKey> keys = new HashSet<>();
        Set<InetAddress> addresses = new HashSet<>();
        Map<ServiceKey, ServiceRef> former = new HashMap<>();
        Entry old = plans.remove(ref);
        if (old != null) {
            for (PlannedVirtualServer pvs : old.byKey().values()) {
                ServiceKey key = pvs.server().key();
                keys.add(key);
                former.put(key, owner(key));
            }
            for (PlannedVirtualServer pvs : old.byKey().values()) {
                ServiceKey key = pvs.server().key();
                unclaim(key, ref);
                if (pvs.kind().boundToDummy()) {
                    addresses.add(key.address());
                    release(key.address());
                }
            }
        }
        if (plan != null && !isEmpty(plan)) {
            Entry e = index(plan);
            plans.put(ref, e);
            for (PlannedVirtualServer pvs : e.byKey().values()) {
                ServiceKey key = pvs.server().key();
                keys.add(key);
                former.putIfAbsent(key, owner(key));
                claims.computeIfAbsent(key, k -> new TreeSet<>()).add(ref);
                if (pvs.kind().boundToDummy()) {
                    addresses.add(key.address());
                    boundUses.merge(key.address(), 1, Integer::sum);
                }
            }
        }
        return new Touched(keys, addresses, former);
    }

    void clear() {
        plans.clear();
        claims.clear();
        boundUses.clear();
    }

    /** The virtual server wanted at {@code key} (from the Service that owns it), or null. */
    PlannedVirtualServer wanted(ServiceKey key) {
        ServiceRef owner = owner(key);
        return owner == null ? null : plans.get(owner).byKey().get(key);
    }

    /** The Service whose configuration is programmed at {@code key}, or null when none wants it. */
    ServiceRef owner(ServiceKey key) {
        TreeSet<ServiceRef> c = claims.get(key);
        return c == null || c.isEmpty() ? null : c.first();
    }

    Set<ServiceKey> keys() {
        return Collections.unmodifiableSet(claims.keySet());
    }

    Set<ServiceRef> services() {
        return Collections.unmodifiableSet(plans.keySet());
    }

    Entry entry(ServiceRef ref) {
        return plans.get(ref);
    }

    /** Addresses that must be on the dummy link. */
    Set<InetAddress> boundAddresses() {
        return Collections.unmodifiableSet(boundUses.keySet());
    }

    boolean wantsBound(InetAddress address) {
        return boundUses.containsKey(address);
    }

    /** Services with a virtual server on {@code address} that needs the dummy link; a scan, for the rare failure. */
    List<ServiceRef> servicesBoundOn(InetAddress address) {
        List<ServiceRef> out = new ArrayList<>();
        for (Map.Entry<ServiceRef, Entry> e : plans.entrySet()) {
            for (PlannedVirtualServer pvs : e.getValue().byKey().values()) {
                if (pvs.kind().boundToDummy() && pvs.server().key().address().equals(address)) {
                    out.add(e.getKey());
                    break;
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    /** Everything in the plan of {@code ref} that cannot be programmed as asked, conflicts included. */
    List<String> problems(ServiceRef ref) {
        Entry e = plans.get(ref);
        if (e == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(e.problems());
        for (ServiceKey key : e.byKey().keySet()) {
            ServiceRef owner = owner(key);
            if (!ref.equals(owner)) {
                out.add("virtual server " + key + " is also wanted by Service " + owner
                        + ", whose configuration is programmed");
            }
        }
        return out;
    }

    private void unclaim(ServiceKey key, ServiceRef ref) {
        TreeSet<ServiceRef> c = claims.get(key);
        if (c != null) {
            c.remove(ref);
            if (c.isEmpty()) {
                claims.remove(key);
            }
        }
    }

    private void release(InetAddress address) {
        boundUses.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }

    private static boolean isEmpty(ServicePlan plan) {
        return plan.virtualServers().isEmpty() && plan.rejections().isEmpty() && plan.excludedEndpoints().isEmpty()
                && plan.noLocalEndpoints().isEmpty();
    }

    private static Entry index(ServicePlan plan) {
        Map<ServiceKey, PlannedVirtualServer> byKey = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (PlannedVirtualServer pvs : plan.virtualServers()) {
            ServiceKey key = pvs.server().key();
            if (key.isFwmark()) {
                problems.add("firewall-mark virtual server " + key + " is not managed by the proxier; left out");
            } else if (byKey.putIfAbsent(key, pvs) != null) {
                problems.add("virtual server " + key + " is planned twice; the first one is programmed");
            } else {
                Set<RealServer.Endpoint> seen = new HashSet<>();
                for (RealServer rs : pvs.realServers()) {
                    if (!seen.add(rs.endpoint())) {
                        problems.add("real server " + rs.endpoint() + " of " + key
                                + " is planned twice; the first one is programmed");
                    }
                }
            }
        }
        return new Entry(plan, byKey, problems);
    }
}

package io.ipvsproxier.proxier.app;

import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.proxier.k8s.ClusterState;
import io.ipvsproxier.proxier.plan.NodeFacts;
import io.ipvsproxier.proxier.plan.PlannedVirtualServer;
import io.ipvsproxier.proxier.plan.Planner;
import io.ipvsproxier.proxier.plan.Rejection;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServicePortName;
import io.ipvsproxier.proxier.plan.ServiceRef;
import io.ipvsproxier.proxier.sync.PlanSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Plans Services from the informer caches and remembers the latest plan of each, so the admin socket can
 * explain a Service and the traffic metrics can name a virtual server without planning again.
 */
final class ClusterPlanSource implements PlanSource {
    private final ClusterState cluster;
    private final Planner planner;
    private final Supplier<NodeFacts> node;
    private final Map<ServiceRef, ServicePlan> latest = new ConcurrentHashMap<>();
    private final Map<ServiceKey, ServicePortName> portNames = new ConcurrentHashMap<>();

    ClusterPlanSource(ClusterState cluster, Planner planner, Supplier<NodeFacts> node) {
        this.cluster = cluster;
        this.planner = planner;
        this.node = node;
    }

    @Override
    public Map<ServiceRef, ServicePlan> planAll() {
        Set<ServiceRef> refs = new HashSet<>(cluster.services());
        // Services deleted while no sync ran still have a remembered plan: plan them (as empty) too.
        refs.addAll(latest.keySet());
        return plan(refs);
    }

    @Override
    public Map<ServiceRef, ServicePlan> plan(Set<ServiceRef> services) {
        NodeFacts facts = node.get();
        Map<ServiceRef, ServicePlan> out = new LinkedHashMap<>();
        for (ServiceRef ref : services) {
            ServicePlan plan = cluster.service(ref)
                .map(svc -> planner.plan(svc, cluster.endpointSlices(ref), facts))
                .orElseGet(() -> ServicePlan.empty(ref));
            remember(ref, plan);
            out.put(ref, plan);
        }
        return out;
    }

    private void remember(ServiceRef ref, ServicePlan plan) {
        ServicePlan old = plan.virtualServers().isEmpty() && plan.rejections().isEmpty() && cluster.service(ref).isEmpty()
            ? latest.remove(ref) : latest.put(ref, plan);
        if (old != null) {
            for (PlannedVirtualServer vs : old.virtualServers()) {
                portNames.remove(vs.server().key(), vs.portName());
            }
        }
        for (PlannedVirtualServer vs : plan.virtualServers()) {
            portNames.put(vs.server().key(), vs.portName());
        }
    }

    Optional<ServicePlan> latest(ServiceRef ref) {
        return Optional.ofNullable(latest.get(ref));
    }

    /** The Service port a virtual server was planned for. */
    Optional<ServicePortName> portName(ServiceKey key) {
        return Optional.ofNullable(portNames.get(key));
    }

    /** Every current rejection of every Service. */
    List<Rejection> rejections() {
        List<Rejection> out = new ArrayList<>();
        for (ServicePlan p : latest.values()) {
            out.addAll(p.rejections());
        }
        return out;
    }

    /** How many Services are Local for {@code policy} ("internal"/"external") but have no local endpoint. */
    int noLocalEndpoints(String policy) {
        int n = 0;
        for (ServicePlan p : latest.values()) {
            if (p.noLocalEndpoints().contains(policy)) {
                n++;
            }
        }
        return n;
    }

    int serviceCount() {
        return latest.size();
    }
}

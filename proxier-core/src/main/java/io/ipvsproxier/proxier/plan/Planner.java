package io.ipvsproxier.proxier.plan;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;
import java.util.Objects;

/**
 * Turns one Service and its EndpointSlices into the IPVS virtual servers this node should have for it, the way
 * kube-proxy's IPVS mode does, plus a per-Service scheduler choice. Pure: no I/O, no clock, no shared state, so
 * one instance may plan many Services from many threads.
 *
 * <p>What becomes a virtual server (one per Service port and address):
 * <ul>
 *   <li>each cluster IP ({@code spec.clusterIPs}, one per family), bound to the dummy link;</li>
 *   <li>each {@code spec.externalIPs} entry and, for type LoadBalancer, each {@code status.loadBalancer.ingress[].ip}
 *       whose {@code ipMode} is not {@code Proxy}, of a family the Service has a cluster IP of;</li>
 *   <li>for types NodePort and LoadBalancer, each node address of that family ({@link NodeFacts}) on the nodePort.</li>
 * </ul>
 * Headless and ExternalName Services, and Services labelled {@value #SERVICE_PROXY_NAME_LABEL}, get an empty plan.
 *
 * <p>Real servers come from the EndpointSlices of the same family whose port has the Service port's name and
 * protocol; see {@link EndpointSelection} for readiness, terminating endpoints and traffic policies.
 *
 * <p>Bad input never throws: an address or port that cannot be programmed becomes a {@link Rejection} and the rest
 * of the Service is still planned; an unusable endpoint becomes an {@link ExcludedEndpoint}.
 */
public final class Planner {

    /** Per-Service scheduler, any name in {@link PlannerConfig#availableSchedulers()}. */
    public static final String SCHEDULER_ANNOTATION = SchedulerChoice.SCHEDULER_ANNOTATION;
    /** Comma-separated sh-fallback, sh-port (scheduler sh) or mh-fallback, mh-port (scheduler mh). */
    public static final String SCHEDULER_FLAGS_ANNOTATION = SchedulerChoice.FLAGS_ANNOTATION;
    /** Services (and slices) carrying this label belong to another proxy. */
    public static final String SERVICE_PROXY_NAME_LABEL = ServicePlanner.SERVICE_PROXY_NAME_LABEL;
    /** The label that ties an EndpointSlice to its Service. */
    public static final String SERVICE_NAME_LABEL = EndpointIndex.SERVICE_NAME_LABEL;

    private final PlannerConfig config;

    public Planner(PlannerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public PlannerConfig config() {
        return config;
    }

    /** The Service's key; usable for any Service object, even one without metadata. */
    public static ServiceRef refOf(Service service) {
        ObjectMeta meta = service == null ? null : service.getMetadata();
        if (meta == null) {
            return new ServiceRef("", "");
        }
        return new ServiceRef(Objects.requireNonNullElse(meta.getNamespace(), ""), Objects.requireNonNullElse(meta.getName(), ""));
    }

    /**
     * Plans {@code service} with {@code slices} (those labelled {@value #SERVICE_NAME_LABEL} with its name; others
     * are ignored). Virtual servers come out sorted by key, real servers by address and port.
     *
     * <p>Never throws. Should planning itself fail (a defect, not bad input), the plan has no virtual servers and
     * one rejection with reason {@code internal_error}; a caller may then prefer to keep what the kernel has.
     */
    public ServicePlan plan(Service service, List<EndpointSlice> slices, NodeFacts node) {
        ServiceRef ref = refOf(service);
        if (service == null) {
            return ServicePlan.empty(ref);
        }
        try {
            NodeFacts facts = node == null ? new NodeFacts("", List.of()) : node;
            return new ServicePlanner(config, facts, ref, service, slices == null ? List.of() : slices).plan();
        } catch (RuntimeException e) {
            // One broken Service must not stop the sync of all the others.
            return new ServicePlan(ref, List.of(), List.of(new Rejection(ref, "internal_error",
                    "planning failed: " + e)), List.of(), List.of());
        }
    }
}

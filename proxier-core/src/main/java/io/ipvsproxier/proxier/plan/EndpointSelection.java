package io.ipvsproxier.proxier.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The endpoints of one Service port (one family) that become real servers of one virtual server, as kube-proxy's
 * {@code CategorizeEndpoints} + IPVS {@code syncEndpoint} choose them:
 * <ul>
 *   <li>cluster endpoints: the ready ones; if none is ready, the serving and terminating ones (KEP-1669);</li>
 *   <li>with a Local traffic policy: the local ready ones, else the local serving-terminating ones; and when
 *       there is no local endpoint at all, the cluster endpoints anyway (kubernetes PR #97081: pods on this node
 *       can still reach the Service), which {@code noLocalFallback} reports.</li>
 * </ul>
 * Topology hints are not applied (the planner gets no node labels).
 */
record EndpointSelection(List<EndpointCandidate> chosen, List<ExcludedEndpoint> excluded, boolean noLocalFallback) {

    /**
     * @param policyField {@code internalTrafficPolicy} or {@code externalTrafficPolicy}: named in exclusion reasons
     */
    static EndpointSelection select(List<EndpointCandidate> pool, boolean localOnly, String policyField) {
        List<EndpointCandidate> cluster = filter(pool, EndpointCandidate::ready);
        if (cluster.isEmpty()) {
            cluster = filter(pool, EndpointCandidate::servingTerminating);
        }
        List<EndpointCandidate> chosen = cluster;
        boolean localFilter = false;
        boolean noLocalFallback = false;
        if (localOnly) {
            List<EndpointCandidate> local = filter(pool, c -> c.local() && c.ready());
            if (local.isEmpty()) {
                local = filter(pool, c -> c.local() && c.servingTerminating());
            }
            if (!local.isEmpty()) {
                chosen = local;
                localFilter = true;
            } else {
                // kube-proxy counts the Service only when it has endpoints somewhere (hasAnyEndpoints).
                noLocalFallback = !cluster.isEmpty();
            }
        }
        List<ExcludedEndpoint> excluded = new ArrayList<>();
        for (EndpointCandidate c : pool) {
            if (!chosen.contains(c)) {
                excluded.add(new ExcludedEndpoint(c.endpoint().toString(), reason(c, localFilter, policyField)));
            }
        }
        List<EndpointCandidate> sorted = new ArrayList<>(chosen);
        sorted.sort(Comparator.comparing(EndpointCandidate::endpoint));
        return new EndpointSelection(List.copyOf(sorted), List.copyOf(excluded), noLocalFallback);
    }

    private static String reason(EndpointCandidate c, boolean localFilter, String policyField) {
        if (!c.ready() && !c.servingTerminating()) {
            return "not ready";
        }
        if (localFilter && !c.local()) {
            return "not local (" + policyField + "=Local)";
        }
        return "terminating (ready endpoints exist)";
    }

    private static List<EndpointCandidate> filter(List<EndpointCandidate> pool, Predicate<EndpointCandidate> p) {
        return pool.stream().filter(p).toList();
    }
}

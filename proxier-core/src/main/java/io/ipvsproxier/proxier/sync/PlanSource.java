package io.ipvsproxier.proxier.sync;

import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.util.Map;
import java.util.Set;

/** Plans Services from the current cluster state (the planner over the informer caches). Called on the sync thread. */
public interface PlanSource {

    /** The plan of every Service. */
    Map<ServiceRef, ServicePlan> planAll();

    /**
     * The plans of {@code services}: one entry per Service asked for, {@link ServicePlan#empty} for one that no
     * longer exists.
     */
    Map<ServiceRef, ServicePlan> plan(Set<ServiceRef> services);
}

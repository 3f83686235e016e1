package io.ipvsproxier.proxier.k8s;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.util.List;
import java.util.Optional;

/** A read-only view of the watched objects, as the sync loop plans from them. */
public interface ClusterState {

    Optional<Service> service(ServiceRef ref);

    /** Every EndpointSlice labelled {@code kubernetes.io/service-name} = this Service. */
    List<EndpointSlice> endpointSlices(ServiceRef ref);

    List<ServiceRef> services();

    /** The proxier's own Node, when the API has it. */
    Optional<Node> node();
}

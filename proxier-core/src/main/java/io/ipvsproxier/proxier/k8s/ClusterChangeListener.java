package io.ipvsproxier.proxier.k8s;

import io.ipvsproxier.proxier.plan.ServiceRef;
import java.time.Instant;

/** Receives what changed in the watched cluster state. Called on informer threads: must not block. */
public interface ClusterChangeListener {

    void serviceChanged(ServiceRef service);

    /**
     * An EndpointSlice of {@code service} was added, changed or deleted. {@code triggerTime} is the slice's
     * {@code endpoints.kubernetes.io/last-change-trigger-time}, or null.
     */
    void endpointSliceChanged(ServiceRef service, Instant triggerTime);

    /** The proxier's own Node object changed (labels, deletion, taints). */
    void nodeChanged();
}

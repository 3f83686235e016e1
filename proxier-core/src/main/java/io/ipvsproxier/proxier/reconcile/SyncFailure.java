package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.proxier.plan.ServiceRef;

/**
 * Something a sync could not do. {@code service} is the Service it concerns, or null for a failure that belongs to
 * no Service (reading the kernel, the dummy link, a stale virtual server nobody claims any more);
 * {@code virtualServer} is the virtual server concerned, or null.
 */
public record SyncFailure(ServiceRef service, ServiceKey virtualServer, String message) {
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (service != null) {
            sb.append(service).append(": ");
        }
        return sb.append(message).toString();
    }
}

package io.ipvsproxier.proxier.sync;

import io.ipvsproxier.proxier.plan.ServiceRef;
import java.time.Instant;

/**
 * An EndpointSlice's {@code endpoints.kubernetes.io/last-change-trigger-time}: when the change that the slice
 * carries happened (a Pod became ready, say). Sync end minus this time is the network-programming latency.
 */
public record TriggerTime(ServiceRef service, Instant time) {
}

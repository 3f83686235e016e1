package io.ipvsproxier.proxier.plan;

/** An endpoint of a Service that was left out of its real servers, and why (not ready, not local, terminating...). */
public record ExcludedEndpoint(String address, String reason) {
}

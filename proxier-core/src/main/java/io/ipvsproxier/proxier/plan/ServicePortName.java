package io.ipvsproxier.proxier.plan;

import io.ipvsproxier.ipvs.Protocol;

/** One port of a Service: {@code namespace/name:port/protocol}, as kube-proxy names it in logs and metrics. */
public record ServicePortName(ServiceRef service, String port, Protocol protocol) {
    @Override
    public String toString() {
        return service + ":" + (port == null ? "" : port) + "/" + protocol;
    }
}

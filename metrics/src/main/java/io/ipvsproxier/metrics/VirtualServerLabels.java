package io.ipvsproxier.metrics;

import java.util.Objects;

/**
 * Who a virtual server belongs to, for the per virtual server traffic metrics: the Service's namespace and
 * name and the port's name ({@code ""} for an unnamed port). Protocol, address and port come from the
 * virtual server itself.
 */
public record VirtualServerLabels(String namespace, String service, String portName) {
    public VirtualServerLabels {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(service, "service");
        portName = portName == null ? "" : portName;
    }
}

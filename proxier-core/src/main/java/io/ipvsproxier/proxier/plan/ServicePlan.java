package io.ipvsproxier.proxier.plan;

import java.util.List;

/**
 * Everything the proxier wants in the kernel for one Service: its virtual servers (with real servers),
 * what was rejected and which endpoints were left out. {@code noLocalEndpoints} lists the traffic
 * policies ("internal", "external") that are Local but found no local endpoint.
 */
public record ServicePlan(ServiceRef service, List<PlannedVirtualServer> virtualServers, List<Rejection> rejections,
                          List<ExcludedEndpoint> excludedEndpoints, List<String> noLocalEndpoints) {
    public ServicePlan {
        virtualServers = List.copyOf(virtualServers);
        rejections = List.copyOf(rejections);
        excludedEndpoints = List.copyOf(excludedEndpoints);
        noLocalEndpoints = List.copyOf(noLocalEndpoints);
    }

    public static ServicePlan empty(ServiceRef service) {
        return new ServicePlan(service, List.of(), List.of(), List.of(), List.of());
    }
}

package io.ipvsproxier.proxier.plan;

import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.VirtualServer;
import java.util.List;

/**
 * One virtual server the proxier wants, with its real servers. {@code schedulerSource} says why this
 * scheduler was chosen (shown by the admin socket's explain), e.g. {@code default (--ipvs-scheduler)},
 * {@code annotation ipvs-proxier.io/scheduler}, or a fallback with its reason.
 */
public record PlannedVirtualServer(VirtualServer server, List<RealServer> realServers, AddressKind kind,
                                   ServicePortName portName, String schedulerSource) {
    public PlannedVirtualServer {
        realServers = List.copyOf(realServers);
    }
}

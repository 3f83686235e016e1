package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.proxier.plan.AddressKind;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.util.List;

/**
 * One virtual server of a Service, wanted and as the kernel has it.
 *
 * @param programmed  the kernel's configuration (as last read or written), or null when it is missing
 * @param programmedBy the Service whose configuration is programmed at this key: this Service, or another one that
 *                    claims the same virtual server and wins
 */
public record ProgrammedVirtualServer(ServiceKey key, AddressKind kind, VirtualServer wanted, VirtualServer programmed,
                                      ServiceRef programmedBy, boolean addressBound,
                                      List<ProgrammedRealServer> realServers) {
    public ProgrammedVirtualServer {
        realServers = List.copyOf(realServers);
    }
}

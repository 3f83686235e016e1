package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.proxier.plan.ServiceRef;
import java.util.List;

/**
 * What the proxier has programmed for one Service, for the admin socket: each virtual server wanted and as the
 * kernel has it, with real servers and their drain state, and what went wrong for this Service in the last sync
 * that covered it.
 */
public record ProgrammedService(ServiceRef service, List<ProgrammedVirtualServer> virtualServers,
                                List<String> problems, List<String> lastSyncFailures) {
    public ProgrammedService {
        virtualServers = List.copyOf(virtualServers);
        problems = List.copyOf(problems);
        lastSyncFailures = List.copyOf(lastSyncFailures);
    }
}

package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.RealServer;

/**
 * One real server of a virtual server, wanted and as the kernel has it.
 *
 * @param endpoint            address and port
 * @param wanted              what the plan wants, or null when the plan no longer lists it (draining, or not yet
 *                            removed)
 * @param programmed          what the kernel has (as last read or written), or null when it is missing
 * @param activeConnections   active connections when last read
 * @param inactiveConnections inactive connections when last read
 * @param drain               its drain when it is draining, else null
 */
public record ProgrammedRealServer(RealServer.Endpoint endpoint, RealServer wanted, RealServer programmed,
                                   int activeConnections, int inactiveConnections, DrainState drain) {
    public boolean inSync() {
        return wanted != null && wanted.equals(programmed);
    }
}

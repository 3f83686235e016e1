package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.DestinationEntry;
import io.ipvsproxier.ipvs.IpvsStats;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.VirtualServer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The cached kernel view of one virtual server and its real servers (with the last connection counts read). */
final class KernelService {
    private VirtualServer server;
    private final Map<RealServer.Endpoint, DestinationEntry> destinations = new TreeMap<>();

    KernelService(VirtualServer server) {
        this.server = server;
    }

    VirtualServer server() {
        return server;
    }

    void server(VirtualServer s) {
        server = s;
    }

    DestinationEntry destination(RealServer.Endpoint endpoint) {
        return destinations.get(endpoint);
    }

    Collection<DestinationEntry> destinations() {
        return destinations.values();
    }

    int destinationCount() {
        return destinations.size();
    }

    /** Records a real server the kernel accepted; connection counts carry over from what was known. */
    void putDestination(RealServer rs) {
        DestinationEntry old = destinations.get(rs.endpoint());
        destinations.put(rs.endpoint(), old == null
                ? new DestinationEntry(rs, 0, 0, 0, IpvsStats.ZERO)
                : new DestinationEntry(rs, old.activeConnections(), old.inactiveConnections(),
                        old.persistentConnections(), old.stats()));
    }

    void removeDestination(RealServer.Endpoint endpoint) {
        destinations.remove(endpoint);
    }

    void replaceDestinations(List<DestinationEntry> entries) {
        destinations.clear();
        for (DestinationEntry d : entries) {
            destinations.put(d.server().endpoint(), d);
        }
    }
}

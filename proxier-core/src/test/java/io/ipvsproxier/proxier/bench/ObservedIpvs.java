package io.ipvsproxier.proxier.bench;

import io.ipvsproxier.ipvs.DestinationEntry;
import io.ipvsproxier.ipvs.Ipvs;
import io.ipvsproxier.ipvs.IpvsInfo;
import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.IpvsTimeouts;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceEntry;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.ServiceState;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.netlink.BatchResult;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxier's IPVS client, seen from the benchmark: it notes when the kernel acknowledged each added service and
 * real server (the moment {@link #apply} returns with that operation succeeded). Timing "kernel updated" this way
 * costs the measured process nothing, where polling the kernel with dumps would take the lab's one CPU from the
 * proxier; a witness socket still checks the kernel's contents afterwards, untimed.
 */
final class ObservedIpvs implements Ipvs {
    private final Ipvs ipvs;
    private final Map<InetAddress, Long> destinationAddedAt = new ConcurrentHashMap<>();
    private volatile long addedServices;
    private volatile long addedDestinations;
    private volatile long lastApplyReturnedAt;

    ObservedIpvs(Ipvs ipvs) {
        this.ipvs = ipvs;
    }

    @Override
    public BatchResult apply(List<IpvsOperation> operations, boolean idempotent) {
        BatchResult result = ipvs.apply(operations, idempotent);
        long now = System.nanoTime();
        long services = 0;
        long destinations = 0;
        for (int i = 0; i < operations.size(); i++) {
            if (!result.outcome(i).succeeded()) {
                continue;
            }
            IpvsOperation op = operations.get(i);
            if (op instanceof IpvsOperation.AddService) {
                services++;
            } else if (op instanceof IpvsOperation.AddDestination a) {
                destinations++;
                destinationAddedAt.put(a.server().address(), now);
            } else if (op instanceof IpvsOperation.UpdateDestination u && u.server().weight() > 0) {
                destinationAddedAt.put(u.server().address(), now); // a draining real server restored
            }
        }
        synchronized (this) {
            addedServices += services;
            addedDestinations += destinations;
            lastApplyReturnedAt = now;
        }
        return result;
    }

    /** Services and real servers the kernel acknowledged as added so far. */
    synchronized long[] added() {
        return new long[] {addedServices, addedDestinations};
    }

    /** System.nanoTime() when the last batch returned. */
    long lastApplyReturnedAt() {
        return lastApplyReturnedAt;
    }

    /** System.nanoTime() when the kernel acknowledged a real server with this address (last time), or null. */
    Long destinationAddedAt(InetAddress address) {
        return destinationAddedAt.get(address);
    }

    void forget(InetAddress address) {
        destinationAddedAt.remove(address);
    }

    @Override
    public List<ServiceEntry> services() {
        return ipvs.services();
    }

    @Override
    public Optional<ServiceEntry> service(ServiceKey key) {
        return ipvs.service(key);
    }

    @Override
    public List<DestinationEntry> destinations(ServiceKey key) {
        return ipvs.destinations(key);
    }

    @Override
    public List<ServiceState> dump() {
        return ipvs.dump();
    }

    @Override
    public void addService(VirtualServer server) {
        ipvs.addService(server);
    }

    @Override
    public void updateService(VirtualServer server) {
        ipvs.updateService(server);
    }

    @Override
    public void deleteService(ServiceKey key) {
        ipvs.deleteService(key);
    }

    @Override
    public void addDestination(ServiceKey service, RealServer server) {
        ipvs.addDestination(service, server);
        destinationAddedAt.put(server.address(), System.nanoTime());
    }

    @Override
    public void updateDestination(ServiceKey service, RealServer server) {
        ipvs.updateDestination(service, server);
    }

    @Override
    public void deleteDestination(ServiceKey service, RealServer.Endpoint endpoint) {
        ipvs.deleteDestination(service, endpoint);
    }

    @Override
    public void zero(Optional<ServiceKey> service) {
        ipvs.zero(service);
    }

    @Override
    public void flush() {
        ipvs.flush();
    }

    @Override
    public IpvsInfo info() {
        return ipvs.info();
    }

    @Override
    public IpvsTimeouts timeouts() {
        return ipvs.timeouts();
    }

    @Override
    public void setTimeouts(IpvsTimeouts timeouts) {
        ipvs.setTimeouts(timeouts);
    }

    @Override
    public void close() {
        // the benchmark closes the wrapped client
    }
}

package io.ipvsproxier.ipvs;

import io.ipvsproxier.netlink.BatchResult;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's IPVS table of the current network namespace. The production implementation is
 * {@link IpvsClient} (generic netlink); the proxier's tests use a fake.
 *
 * <p>Single operations throw {@link io.ipvsproxier.netlink.NetlinkException} with the kernel's errno;
 * batches never throw for a refused operation but report it in their result.
 */
public interface Ipvs extends AutoCloseable {

    List<ServiceEntry> services();

    /** The service with this identity, or empty (the kernel said ESRCH). */
    Optional<ServiceEntry> service(ServiceKey key);

    List<DestinationEntry> destinations(ServiceKey key);

    /** Every service with its destinations, read with as few round trips as the kernel API allows. */
    List<ServiceState> dump();

    void addService(VirtualServer server);

    void updateService(VirtualServer server);

    void deleteService(ServiceKey key);

    void addDestination(ServiceKey service, RealServer server);

    void updateDestination(ServiceKey service, RealServer server);

    void deleteDestination(ServiceKey service, RealServer.Endpoint endpoint);

    /** Zeroes the counters of every service, or of one. */
    void zero(Optional<ServiceKey> service);

    /** Deletes every virtual server of this namespace. */
    void flush();

    IpvsInfo info();

    IpvsTimeouts timeouts();

    /** Sets the non-zero timeouts; zero ones keep their current value. */
    void setTimeouts(IpvsTimeouts timeouts);

    /**
     * Applies many writes in as few sends as possible, in order. With {@code idempotent}, EEXIST on an add
     * and ESRCH/ENOENT on a delete count as done.
     */
    BatchResult apply(List<IpvsOperation> operations, boolean idempotent);

    @Override
    void close();
}

package io.ipvsproxier.proxier.app;

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
import io.ipvsproxier.metrics.ProxierMetrics;
import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.NetlinkException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Counts every IPVS netlink operation and error (by operation and errno) on its way to the kernel, so the
 * reconciler stays free of metrics. Closing it does not close the wrapped client, which the caller owns.
 */
final class MeteredIpvs implements Ipvs {
    private final Ipvs ipvs;
    private final ProxierMetrics metrics;

    MeteredIpvs(Ipvs ipvs, ProxierMetrics metrics) {
        this.ipvs = ipvs;
        this.metrics = metrics;
    }

    private <T> T metered(String operation, Supplier<T> call) {
        try {
            T result = call.get();
            metrics.netlinkOperation(operation);
            return result;
        } catch (NetlinkException e) {
            metrics.netlinkFailure(operation, e);
            throw e;
        }
    }

    private void metered(String operation, Runnable call) {
        metered(operation, () -> {
            call.run();
            return null;
        });
    }

    @Override
    public List<ServiceEntry> services() {
        return metered("get_services", ipvs::services);
    }

    @Override
    public Optional<ServiceEntry> service(ServiceKey key) {
        return metered("get_service", () -> ipvs.service(key));
    }

    @Override
    public List<DestinationEntry> destinations(ServiceKey key) {
        return metered("get_destinations", () -> ipvs.destinations(key));
    }

    @Override
    public List<ServiceState> dump() {
        return metered("dump", ipvs::dump);
    }

    @Override
    public void addService(VirtualServer server) {
        metered("add_service", () -> ipvs.addService(server));
    }

    @Override
    public void updateService(VirtualServer server) {
        metered("update_service", () -> ipvs.updateService(server));
    }

    @Override
    public void deleteService(ServiceKey key) {
        metered("delete_service", () -> ipvs.deleteService(key));
    }

    @Override
    public void addDestination(ServiceKey service, RealServer server) {
        metered("add_destination", () -> ipvs.addDestination(service, server));
    }

    @Override
    public void updateDestination(ServiceKey service, RealServer server) {
        metered("update_destination", () -> ipvs.updateDestination(service, server));
    }

    @Override
    public void deleteDestination(ServiceKey service, RealServer.Endpoint endpoint) {
        metered("delete_destination", () -> ipvs.deleteDestination(service, endpoint));
    }

    @Override
    public void zero(Optional<ServiceKey> service) {
        metered("zero", () -> ipvs.zero(service));
    }

    @Override
    public void flush() {
        metered("flush", ipvs::flush);
    }

    @Override
    public IpvsInfo info() {
        return metered("get_info", ipvs::info);
    }

    @Override
    public IpvsTimeouts timeouts() {
        return metered("get_config", ipvs::timeouts);
    }

    @Override
    public void setTimeouts(IpvsTimeouts timeouts) {
        metered("set_config", () -> ipvs.setTimeouts(timeouts));
    }

    @Override
    public BatchResult apply(List<IpvsOperation> operations, boolean idempotent) {
        BatchResult result = ipvs.apply(operations, idempotent);
        metrics.recordBatch(operations, result);
        return result;
    }

    @Override
    public void close() {
        // The wrapped client belongs to the caller.
    }
}

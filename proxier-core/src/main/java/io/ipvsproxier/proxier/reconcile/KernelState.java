package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.DestinationEntry;
import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.ServiceState;
import io.ipvsproxier.ipvs.VirtualServer;
import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the kernel's IPVS table holds, as last read by a dump and then kept up to date with every write the kernel
 * accepted. Incremental syncs diff against it instead of reading the kernel; full syncs replace it.
 * Foreign virtual servers are kept too: ownership is decided when diffing, from the addresses of that moment.
 */
final class KernelState {
    private final Map<ServiceKey, KernelService> services = new HashMap<>();
    private final Map<InetAddress, Set<ServiceKey>> byAddress = new HashMap<>();

    static KernelState of(List<ServiceState> dump) {
        KernelState k = new KernelState();
        for (ServiceState s : dump) {
            KernelService ks = k.put(s.service().server());
            ks.replaceDestinations(s.destinations());
        }
        return k;
    }

    KernelService get(ServiceKey key) {
        return services.get(key);
    }

    Set<ServiceKey> keys() {
        return services.keySet();
    }

    Collection<KernelService> services() {
        return services.values();
    }

    /** Virtual servers on {@code address}, of any protocol and port. */
    Set<ServiceKey> keysOn(InetAddress address) {
        return byAddress.getOrDefault(address, Set.of());
    }

    void replaceDestinations(ServiceKey key, List<DestinationEntry> entries) {
        KernelService ks = services.get(key);
        if (ks != null) {
            ks.replaceDestinations(entries);
        }
    }

    void remove(ServiceKey key) {
        if (services.remove(key) != null && !key.isFwmark()) {
            Set<ServiceKey> on = byAddress.get(key.address());
            if (on != null) {
                on.remove(key);
                if (on.isEmpty()) {
                    byAddress.remove(key.address());
                }
            }
        }
    }

    /** Records a write the kernel accepted (or that was already in effect). */
    void applied(IpvsOperation op) {
        if (op instanceof IpvsOperation.AddService a) {
            KernelService ks = services.get(a.server().key());
            if (ks == null) {
                put(a.server());
            } else {
                ks.server(a.server());
            }
        } else if (op instanceof IpvsOperation.UpdateService u) {
            KernelService ks = services.get(u.server().key());
            if (ks == null) {
                put(u.server());
            } else {
                ks.server(u.server());
            }
        } else if (op instanceof IpvsOperation.DeleteService d) {
            remove(d.key());
        } else if (op instanceof IpvsOperation.AddDestination a) {
            putDestination(a.service(), a.server());
        } else if (op instanceof IpvsOperation.UpdateDestination u) {
            putDestination(u.service(), u.server());
        } else if (op instanceof IpvsOperation.DeleteDestination d) {
            KernelService ks = services.get(d.service());
            if (ks != null) {
                ks.removeDestination(new RealServer.Endpoint(d.address(), d.port()));
            }
        }
    }

    private void putDestination(ServiceKey key, RealServer rs) {
        KernelService ks = services.get(key);
        if (ks != null) {
            ks.putDestination(rs);
        }
    }

    private KernelService put(VirtualServer server) {
        KernelService ks = new KernelService(server);
        ServiceKey key = server.key();
        services.put(key, ks);
        if (!key.isFwmark()) {
            byAddress.computeIfAbsent(key.address(), a -> new HashSet<>()).add(key);
        }
        return ks;
    }
}

package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.proxier.plan.Cidr;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * Decides which virtual servers in the kernel belong to the proxier, so that nothing else on the node (keepalived,
 * another load balancer, an operator's manual ipvsadm entries) is ever changed or deleted.
 *
 * <p>A virtual server the proxier does not want is its own when its address is on the dummy link (every address
 * there is the proxier's), or when it is a NodePort: a node address with a port inside the NodePort range. Firewall
 * mark services and anything inside {@code --ipvs-exclude-cidrs} are never the proxier's. A virtual server the
 * proxier wants is managed whatever its address: as with kube-proxy, excluded CIDRs protect from deletion, they do
 * not stop a Service from being programmed.
 */
final class OwnershipFilter {
    private final List<Cidr> excluded;
    private final int nodePortMin;
    private final int nodePortMax;

    OwnershipFilter(List<Cidr> excluded, int nodePortMin, int nodePortMax) {
        this.excluded = List.copyOf(excluded);
        this.nodePortMin = nodePortMin;
        this.nodePortMax = nodePortMax;
    }

    boolean isExcluded(InetAddress address) {
        for (Cidr c : excluded) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an unwanted virtual server is the proxier's to delete. */
    boolean owns(ServiceKey key, Set<InetAddress> dummyAddresses, Set<InetAddress> nodeAddresses) {
        if (key.isFwmark() || isExcluded(key.address())) {
            return false;
        }
        if (dummyAddresses.contains(key.address())) {
            return true;
        }
        return key.port() >= nodePortMin && key.port() <= nodePortMax && nodeAddresses.contains(key.address());
    }
}

package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.IpvsOperation;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * What a full sync would do now, without doing it: the IPVS writes in the order they would be sent, and the
 * dummy-link addresses it would bind and unbind. Empty when the kernel is what the plans want.
 */
public record PendingDiff(List<IpvsOperation> operations, Set<InetAddress> addressesToBind,
                          Set<InetAddress> addressesToUnbind) {
    public PendingDiff {
        operations = List.copyOf(operations);
        addressesToBind = Set.copyOf(addressesToBind);
        addressesToUnbind = Set.copyOf(addressesToUnbind);
    }

    public boolean isEmpty() {
        return operations.isEmpty() && addressesToBind.isEmpty() && addressesToUnbind.isEmpty();
    }
}

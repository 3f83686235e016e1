package io.ipvsproxier.iface;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;

/**
 * What making a link's address set equal to a wanted set did: the addresses added and removed, and the
 * ones the kernel refused with the reason (e.g. an address of the wrong kind).
 */
public record AddressSyncResult(Set<InetAddress> added, Set<InetAddress> removed, Map<InetAddress, String> failed) {
    public boolean ok() {
        return failed.isEmpty();
    }
}

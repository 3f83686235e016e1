package io.ipvsproxier.iface;

import io.ipvsproxier.ipvs.Addresses;

/**
 * Prints what {@link RtnetlinkInterfaces#nodeAddresses()} discovers, one {@code link address/prefix} line each.
 * Kernel tests start it inside another network namespace ({@code ip netns exec NS java ...}), since a
 * netlink socket sees the namespace of the process that opened it.
 */
public final class NodeAddressProbe {
    private NodeAddressProbe() {}

    public static void main(String[] args) {
        try (RtnetlinkInterfaces ifaces = RtnetlinkInterfaces.open()) {
            for (NodeAddress a : ifaces.nodeAddresses()) {
                System.out.println(a.linkName() + " " + Addresses.text(a.address()) + "/" + a.prefixLength());
            }
        }
    }
}

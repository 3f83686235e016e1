package io.ipvsproxier.iface;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An address assigned to a link of this node, as one RTM_GETADDR dump reports it. {@code scope} is the
 * RT_SCOPE_* value (0 universe, 253 link, 254 host); {@code flags} the IFA_F_* flags.
 */
public record NodeAddress(InetAddress address, int prefixLength, int linkIndex, String linkName, int scope, int flags) {
    public static final int SCOPE_UNIVERSE = 0;
    public static final int SCOPE_LINK = 253;
    public static final int SCOPE_HOST = 254;

    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    public boolean isLoopback() {
        return address.isLoopbackAddress();
    }

    public boolean isLinkLocal() {
        return address.isLinkLocalAddress();
    }
}

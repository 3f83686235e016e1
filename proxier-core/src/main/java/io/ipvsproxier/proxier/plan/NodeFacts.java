package io.ipvsproxier.proxier.plan;

import io.ipvsproxier.iface.NodeAddress;
import io.ipvsproxier.ipvs.Addresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What the planner needs to know about this node: its name (to tell local endpoints from remote ones) and the
 * addresses NodePorts are served on (already chosen by {@link #nodePortAddresses}; both families mixed, the
 * planner picks the ones matching each Service's families).
 */
public record NodeFacts(String nodeName, List<InetAddress> nodePortAddresses) {

    public NodeFacts {
        nodeName = nodeName == null ? "" : nodeName;
        nodePortAddresses = List.copyOf(nodePortAddresses);
    }

    /**
     * The addresses that get a NodePort virtual server, by kube-proxy's IPVS rules: every address of every link
     * except {@code dummyLinkName} (where the service IPs live), loopback addresses (IPVS mode never served
     * {@code localhost:NodePort}) and IPv6 link-local addresses (they need a zone, which IPVS cannot express).
     * When {@code nodePortCidrs} is not empty only addresses inside one of them are kept. The result is
     * de-duplicated (one address may sit on several links) and sorted, IPv4 first.
     */
    public static List<InetAddress> nodePortAddresses(List<NodeAddress> all, List<Cidr> nodePortCidrs, String dummyLinkName) {
        Objects.requireNonNull(all, "all");
        List<Cidr> cidrs = nodePortCidrs == null ? List.of() : nodePortCidrs;
        TreeSet<InetAddress> kept = new TreeSet<>(Addresses::compare);
        for (NodeAddress a : all) {
            if (a == null || a.address() == null) {
                continue;
            }
            if (dummyLinkName != null && dummyLinkName.equals(a.linkName())) {
                continue;
            }
            InetAddress ip = a.address();
            if (ip.isLoopbackAddress() || ip instanceof Inet6Address && ip.isLinkLocalAddress()) {
                continue;
            }
            if (!cidrs.isEmpty() && cidrs.stream().noneMatch(c -> c.contains(ip))) {
                continue;
            }
            kept.add(stripScope(ip));
        }
        return List.copyOf(kept);
    }

    /** IPVS keys have no zone: drop any scope id so equal addresses compare equal. */
    private static InetAddress stripScope(InetAddress ip) {
        if (ip instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            return Addresses.parse(Addresses.text(v6));
        }
        return ip;
    }
}

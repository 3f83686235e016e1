package io.ipvsproxier.ipvs;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * The identity of an IPVS virtual server: protocol + address + port, or a firewall mark (then protocol and
 * address are null and port is 0). {@code family} is AF_INET (2) or AF_INET6 (10).
 */
public record ServiceKey(int family, Protocol protocol, InetAddress address, int port, int fwmark) implements Comparable<ServiceKey> {
    // Written out: the record's generated equals/hashCode run through method-handle chains that the C1-only JIT
    // does not inline, and these keys are hashed and compared millions of times in a full sync of 10,000 Services.
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof ServiceKey k && port == k.port && fwmark == k.fwmark && family == k.family
            && protocol == k.protocol && Objects.equals(address, k.address);
    }

    @Override
    public int hashCode() {
        return ((Objects.hashCode(address) * 31 + port) * 31 + fwmark) * 31 + Objects.hashCode(protocol) + family;
    }

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    public ServiceKey {
        if (family != AF_INET && family != AF_INET6) {
            throw new IllegalArgumentException("address family must be AF_INET or AF_INET6, not " + family);
        }
        if (fwmark == 0) {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(address, "address");
            if (familyOf(address) != family) {
                throw new IllegalArgumentException("address " + address.getHostAddress() + " is not of family " + family);
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        } else if (protocol != null || address != null || port != 0) {
            throw new IllegalArgumentException("a firewall-mark service has no protocol, address or port");
        }
    }

    public static ServiceKey of(Protocol protocol, InetAddress address, int port) {
        return new ServiceKey(familyOf(address), protocol, address, port, 0);
    }

    public static ServiceKey ofFwmark(int family, int fwmark) {
        if (fwmark == 0) {
            throw new IllegalArgumentException("firewall mark must not be 0");
        }
        return new ServiceKey(family, null, null, 0, fwmark);
    }

    public boolean isFwmark() {
        return fwmark != 0;
    }

    public boolean isIpv6() {
        return family == AF_INET6;
    }

    public static int familyOf(InetAddress a) {
        if (a instanceof Inet4Address) {
            return AF_INET;
        }
        if (a instanceof Inet6Address) {
            return AF_INET6;
        }
        throw new IllegalArgumentException("not an IP address: " + a);
    }

    /** {@code TCP 10.96.0.10:80}, {@code UDP [fd00::10]:53}, {@code FWM 7} / {@code FWM 7 IPv6}. */
    @Override
    public String toString() {
        if (isFwmark()) {
            return "FWM " + fwmark + (isIpv6() ? " IPv6" : "");
        }
        return protocol + " " + Addresses.withPort(address, port);
    }

    /** Orders by family, then fwmark-ness, protocol, address bytes and port: a stable order for listings and diffs. */
    @Override
    public int compareTo(ServiceKey o) {
        int c = Integer.compare(family, o.family);
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(isFwmark(), o.isFwmark());
        if (c != 0) {
            return c;
        }
        if (isFwmark()) {
            return Integer.compareUnsigned(fwmark, o.fwmark);
        }
        c = protocol.compareTo(o.protocol);
        if (c != 0) {
            return c;
        }
        c = Addresses.compare(address, o.address);
        return c != 0 ? c : Integer.compare(port, o.port);
    }
}

package io.ipvsproxier.ipvsctl;

import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A virtual service as ipvsadm's option parser fills it in (its ipvs_service_t): fields start at zero and
 * are set in option order, which matters (e.g. {@code -M} reads the address family of an earlier {@code -t}).
 */
final class ServiceSpec {
    static final int AF_INET = ServiceKey.AF_INET;
    static final int AF_INET6 = ServiceKey.AF_INET6;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_SCTP = 132;

    int af;
    int protocol;
    /** The address as the kernel's union nf_inet_addr: IPv4 in the first 4 bytes. */
    byte[] addr = new byte[16];
    int port;
    long fwmark;
    String schedName = "";
    int flags;
    int timeout;
    int netmask = 0xffffffff;
    String peName = "";

    ServiceSpec copy() {
        ServiceSpec c = new ServiceSpec();
        c.af = af;
        c.protocol = protocol;
        c.addr = addr.clone();
        c.port = port;
        c.fwmark = fwmark;
        c.schedName = schedName;
        c.flags = flags;
        c.timeout = timeout;
        c.netmask = netmask;
        c.peName = peName;
        return c;
    }

    /** True when {@code o} names the same virtual service (family, protocol, address, port, mark). */
    boolean sameIdentity(ServiceSpec o) {
        return af == o.af && protocol == o.protocol && port == o.port && fwmark == o.fwmark && Arrays.equals(addr, o.addr);
    }

    /** True when no address, port or mark was given: {@code -Z} then zeroes every service. */
    boolean isUnset() {
        return fwmark == 0 && port == 0 && Arrays.equals(addr, new byte[16]);
    }

    ServiceKey key() {
        if (fwmark != 0) {
            return ServiceKey.ofFwmark(af, (int) fwmark);
        }
        Protocol p = Protocol.ofNumber(protocol);
        if (p == null) {
            throw new IllegalArgumentException("unknown protocol " + protocol);
        }
        return new ServiceKey(af, p, address(af, addr), port, 0);
    }

    VirtualServer virtualServer() {
        return new VirtualServer(key(), schedName, flags, timeout, netmask, peName.isEmpty() ? null : peName);
    }

    static InetAddress address(int af, byte[] addr) {
        try {
            if (af == AF_INET6) {
                // Inet6Address keeps IPv4-mapped addresses IPv6, which InetAddress.getByAddress would not.
                return Inet6Address.getByAddress(null, addr, -1);
            }
            return Inet4Address.getByAddress(Arrays.copyOf(addr, 4));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

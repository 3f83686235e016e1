package io.ipvsproxier.iface;

import io.ipvsproxier.ipvs.Addresses;
import io.ipvsproxier.netlink.Attributes;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.MalformedMessageException;
import io.ipvsproxier.netlink.Netlink;
import io.ipvsproxier.netlink.NetlinkMessage;
import io.ipvsproxier.netlink.NetlinkMessageWriter;
import io.ipvsproxier.netlink.NetlinkRequest;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * rtnetlink requests for links and addresses, and decoding of the kernel's link and address messages.
 * Pure codec: no I/O. The netlink header around each body is written by the connection.
 */
final class RtnetlinkCodec {
    private RtnetlinkCodec() {}

    /** RTM_NEWLINK kind dummy, CREATE|EXCL: EEXIST when the name is taken, EOPNOTSUPP without the driver. */
    static NetlinkRequest createDummyLink(String name) {
        return new LinkRequest(Rtnetlink.RTM_NEWLINK, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, 0, name, "dummy",
            "create dummy link " + name);
    }

    /** RTM_GETLINK by name: one RTM_NEWLINK reply, or ENODEV. */
    static NetlinkRequest getLink(String name) {
        return new LinkRequest(Rtnetlink.RTM_GETLINK, 0, 0, name, null, "look up link " + name);
    }

    /** RTM_GETLINK by index: one RTM_NEWLINK reply, or ENODEV. */
    static NetlinkRequest getLink(int index) {
        return new LinkRequest(Rtnetlink.RTM_GETLINK, 0, index, null, null, "look up link #" + index);
    }

    /** RTM_GETLINK as a dump (the connection adds NLM_F_DUMP): every link. */
    static NetlinkRequest dumpLinks() {
        return new LinkRequest(Rtnetlink.RTM_GETLINK, 0, 0, null, null, "list links");
    }

    /** RTM_DELLINK by name; ENODEV when there is none. */
    static NetlinkRequest deleteLink(String name) {
        return new LinkRequest(Rtnetlink.RTM_DELLINK, 0, 0, name, null, "delete link " + name);
    }

    /**
     * RTM_GETADDR as a dump of both families. {@code linkIndex} (0 = all) is honoured by the kernel only on a
     * socket with NETLINK_GET_STRICT_CHK; strict checking also requires prefixlen, flags and scope to be 0.
     */
    static NetlinkRequest dumpAddresses(int linkIndex) {
        return new NetlinkRequest() {
            @Override
            public int type() {
                return Rtnetlink.RTM_GETADDR;
            }

            @Override
            public void writeBody(NetlinkMessageWriter w) {
                w.rawU8(Rtnetlink.AF_UNSPEC).rawU8(0).rawU8(0).rawU8(0).rawU32(linkIndex);
            }

            @Override
            public String describe() {
                return linkIndex == 0 ? "list addresses" : "list addresses of link #" + linkIndex;
            }
        };
    }

    /** RTM_NEWADDR for {@code address} as /32 or /128 (IPv6 with NODAD), CREATE|EXCL; EEXIST counts as done. */
    static AddressChange addAddress(int linkIndex, String linkName, InetAddress address) {
        return new AddressChange(true, linkIndex, linkName, address, InterfaceInput.hostPrefixLength(address));
    }

    /**
     * RTM_DELADDR for {@code address}. IPv6 matches the prefix length too, so pass the one the kernel
     * reported; EADDRNOTAVAIL and ENXIO (older kernels) count as done.
     */
    static AddressChange removeAddress(int linkIndex, String linkName, InetAddress address, int prefixLength) {
        return new AddressChange(false, linkIndex, linkName, address, prefixLength);
    }

    /**
     * Decodes an RTM_NEWLINK / RTM_DELLINK message: ifinfomsg (index at 4, flags at 8), IFLA_IFNAME and
     * IFLA_LINKINFO/IFLA_INFO_KIND.
     */
    static Link decodeLink(NetlinkMessage m) {
        ByteBuffer p = m.payload();
        if (p.limit() < Rtnetlink.IFINFOMSG_LENGTH) {
            throw new MalformedMessageException("link message of " + p.limit() + " bytes is shorter than struct ifinfomsg");
        }
        int index = p.getInt(4);
        int flags = p.getInt(8);
        Attributes a = m.attributes(Rtnetlink.IFINFOMSG_LENGTH);
        String name = a.string(Rtnetlink.IFLA_IFNAME);
        if (name == null) {
            throw new MalformedMessageException("link message for index " + index + " carries no IFLA_IFNAME");
        }
        String kind = a.nested(Rtnetlink.IFLA_LINKINFO).string(Rtnetlink.IFLA_INFO_KIND);
        return new Link(index, name, kind, flags);
    }

    /**
     * Decodes an RTM_NEWADDR / RTM_DELADDR message, or returns null for families other than IPv4 and IPv6.
     * The address is IFA_LOCAL when present (on point-to-point links IFA_ADDRESS is the peer), else
     * IFA_ADDRESS (IPv6 replies carry no IFA_LOCAL). IFA_FLAGS, when present, replaces the 8-bit ifa_flags.
     */
    static NodeAddress decodeAddress(NetlinkMessage m, IntFunction<String> linkNames) {
        ByteBuffer p = m.payload();
        if (p.limit() < Rtnetlink.IFADDRMSG_LENGTH) {
            throw new MalformedMessageException("address message of " + p.limit() + " bytes is shorter than struct ifaddrmsg");
        }
        int family = Byte.toUnsignedInt(p.get(0));
        if (family != Rtnetlink.AF_INET && family != Rtnetlink.AF_INET6) {
            return null;
        }
        int prefixLength = Byte.toUnsignedInt(p.get(1));
        int flags = Byte.toUnsignedInt(p.get(2));
        int scope = Byte.toUnsignedInt(p.get(3));
        int index = p.getInt(4);
        Attributes a = m.attributes(Rtnetlink.IFADDRMSG_LENGTH);
        byte[] raw = a.has(Rtnetlink.IFA_LOCAL) ? a.bytes(Rtnetlink.IFA_LOCAL) : a.bytes(Rtnetlink.IFA_ADDRESS);
        if (raw == null) {
            throw new MalformedMessageException("address message for link #" + index + " carries neither IFA_LOCAL nor IFA_ADDRESS");
        }
        if (a.has(Rtnetlink.IFA_FLAGS)) {
            flags = a.u32(Rtnetlink.IFA_FLAGS);
        }
        return new NodeAddress(toInetAddress(family, raw), prefixLength, index, linkNames.apply(index), scope, flags);
    }

    /** The link index of an address message, without decoding the rest. */
    static int addressLinkIndex(NetlinkMessage m) {
        ByteBuffer p = m.payload();
        if (p.limit() < Rtnetlink.IFADDRMSG_LENGTH) {
            throw new MalformedMessageException("address message of " + p.limit() + " bytes is shorter than struct ifaddrmsg");
        }
        return p.getInt(4);
    }

    /** The IFA_LABEL of an IPv4 address message (the link name, or an alias such as eth0:1), or null. */
    static String addressLabel(NetlinkMessage m) {
        return m.attributes(Rtnetlink.IFADDRMSG_LENGTH).string(Rtnetlink.IFA_LABEL);
    }

    private static InetAddress toInetAddress(int family, byte[] raw) {
        int expected = family == Rtnetlink.AF_INET ? 4 : 16;
        if (raw.length != expected) {
            throw new MalformedMessageException("address of family " + family + " has " + raw.length + " bytes, expected " + expected);
        }
        try {
            // Inet6Address.getByAddress keeps an IPv4-mapped IPv6 address IPv6, where InetAddress would turn it into IPv4.
            return family == Rtnetlink.AF_INET ? InetAddress.getByAddress(raw) : Inet6Address.getByAddress(null, raw, -1);
        } catch (UnknownHostException e) {
            throw new MalformedMessageException("bad address bytes: " + e.getMessage());
        }
    }

    /** RTM_NEWLINK / GETLINK / DELLINK with a zero ifinfomsg (or an index), IFLA_IFNAME and an optional kind. */
    private record LinkRequest(int type, int flags, int index, String name, String kind, String describe)
        implements NetlinkRequest {

        @Override
        public void writeBody(NetlinkMessageWriter w) {
            // ifinfomsg: family AF_UNSPEC, pad, type, index, flags, change
            w.rawU8(Rtnetlink.AF_UNSPEC).rawU8(0).rawU16(0).rawU32(index).rawU32(0).rawU32(0);
            if (name != null) {
                w.string(Rtnetlink.IFLA_IFNAME, name);
            }
            if (kind != null) {
                int info = w.beginNest(Rtnetlink.IFLA_LINKINFO);
                w.string(Rtnetlink.IFLA_INFO_KIND, kind);
                w.endNest(info);
            }
        }
    }

    /** One address added to or removed from a link: the unit of an address batch. */
    record AddressChange(boolean add, int linkIndex, String linkName, InetAddress address, int prefixLength)
        implements NetlinkRequest {

        @Override
        public int type() {
            return add ? Rtnetlink.RTM_NEWADDR : Rtnetlink.RTM_DELADDR;
        }

        @Override
        public int flags() {
            return add ? Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL : 0;
        }

        @Override
        public void writeBody(NetlinkMessageWriter w) {
            boolean v4 = address instanceof Inet4Address;
            // Duplicate address detection would leave a fresh IPv6 service address tentative (unusable) for a while.
            int ifaFlags = add && !v4 ? Rtnetlink.IFA_F_NODAD : 0;
            w.rawU8(v4 ? Rtnetlink.AF_INET : Rtnetlink.AF_INET6).rawU8(prefixLength).rawU8(ifaFlags).rawU8(0).rawU32(linkIndex);
            byte[] raw = address.getAddress();
            w.bytes(Rtnetlink.IFA_LOCAL, raw);
            if (add) {
                // IPv4 needs IFA_LOCAL; IFA_ADDRESS as well makes it a plain (not point-to-point) address, as ip(8) sends it.
                w.bytes(Rtnetlink.IFA_ADDRESS, raw);
            }
        }

        @Override
        public boolean alreadyDone(int errno) {
            return add ? errno == Errno.EEXIST : errno == Errno.EADDRNOTAVAIL || errno == Errno.ENXIO;
        }

        @Override
        public String describe() {
            return (add ? "add " : "remove ") + Addresses.text(address) + "/" + prefixLength + (add ? " to " : " from ")
                + (linkName != null ? linkName : "link #" + linkIndex);
        }
    }
}

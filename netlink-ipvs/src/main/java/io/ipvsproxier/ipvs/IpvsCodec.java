package io.ipvsproxier.ipvs;

import static io.ipvsproxier.ipvs.IpvsAttributes.*;

import io.ipvsproxier.netlink.Attributes;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.GenericNetlink;
import io.ipvsproxier.netlink.MalformedMessageException;
import io.ipvsproxier.netlink.NetlinkMessage;
import io.ipvsproxier.netlink.NetlinkMessageWriter;
import io.ipvsproxier.netlink.NetlinkRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The IPVS generic netlink codec: builds the request of every IPVS command and decodes the kernel's
 * replies into value types. Pure: no I/O. Requests follow ipvsadm's attribute order and the kernel's
 * mandatory-attribute rules; the service part of destination, delete, get and zero requests is the
 * identity only (AF plus PROTOCOL/ADDR/PORT or FWMARK), which is all the kernel reads there.
 *
 * <p>Instances are immutable and bound to one resolved family id.
 */
public final class IpvsCodec {
    private static final int ADDRESS_UNION_LENGTH = 16;
    private static final int ALL_FLAGS_MASK = 0xffffffff;

    private final int familyId;

    /** A codec for the IPVS family with the id the kernel assigned ({@code CTRL_ATTR_FAMILY_ID}). */
    public IpvsCodec(int familyId) {
        if (familyId < 0x10 || familyId > 0xffff) {
            throw new IllegalArgumentException("not a generic netlink family id: " + familyId);
        }
        this.familyId = familyId;
    }

    public int familyId() {
        return familyId;
    }

    // ------------------------------------------------------------------ requests: services

    /** IPVS_CMD_NEW_SERVICE with the full service; EEXIST counts as already done. */
    public IpvsRequest newService(VirtualServer server) {
        return new IpvsRequest(familyId, IpvsCommands.NEW_SERVICE, w -> fullService(w, server),
            () -> "add service " + server.key(), Errno.EEXIST, 0);
    }

    /** IPVS_CMD_SET_SERVICE with the full service (scheduler, flags, persistence); ESRCH if missing. */
    public IpvsRequest setService(VirtualServer server) {
        return new IpvsRequest(familyId, IpvsCommands.SET_SERVICE, w -> fullService(w, server),
            () -> "update service " + server.key());
    }

    /** IPVS_CMD_DEL_SERVICE (its destinations go with it); ESRCH counts as already done. */
    public IpvsRequest deleteService(ServiceKey key) {
        return new IpvsRequest(familyId, IpvsCommands.DEL_SERVICE, w -> serviceIdentity(w, key),
            () -> "delete service " + key, Errno.ESRCH, 0);
    }

    /** IPVS_CMD_GET_SERVICE doit: one service by identity (send with ACK; ESRCH if missing). */
    public IpvsRequest getService(ServiceKey key) {
        return new IpvsRequest(familyId, IpvsCommands.GET_SERVICE, w -> serviceIdentity(w, key),
            "get service " + key);
    }

    /** IPVS_CMD_GET_SERVICE dumpit: every service (send with NLM_F_DUMP; needs no attributes). */
    public IpvsRequest getServices() {
        return new IpvsRequest(familyId, IpvsCommands.GET_SERVICE, w -> { }, "list services");
    }

    // ------------------------------------------------------------------ requests: destinations

    /** IPVS_CMD_NEW_DEST; EEXIST counts as already done. */
    public IpvsRequest newDestination(ServiceKey service, RealServer server) {
        return new IpvsRequest(familyId, IpvsCommands.NEW_DEST, w -> {
            serviceIdentity(w, service);
            fullDestination(w, server);
        }, () -> "add destination " + server.endpoint() + " to " + service, Errno.EEXIST, 0);
    }

    /** IPVS_CMD_SET_DEST: weight, forwarding method and thresholds of an existing destination. */
    public IpvsRequest setDestination(ServiceKey service, RealServer server) {
        return new IpvsRequest(familyId, IpvsCommands.SET_DEST, w -> {
            serviceIdentity(w, service);
            fullDestination(w, server);
        }, () -> "update destination " + server.endpoint() + " of " + service);
    }

    /**
     * IPVS_CMD_DEL_DEST by address and port; ENOENT (no such destination) and ESRCH (no such service,
     * so no destination either) count as already done.
     */
    public IpvsRequest deleteDestination(ServiceKey service, InetAddress address, int port) {
        return new IpvsRequest(familyId, IpvsCommands.DEL_DEST, w -> {
            serviceIdentity(w, service);
            int nest = w.beginNest(CMD_ATTR_DEST);
            w.bytes(DEST_ATTR_ADDR, address.getAddress(), ADDRESS_UNION_LENGTH);
            w.be16(DEST_ATTR_PORT, port);
            w.u16(DEST_ATTR_ADDR_FAMILY, ServiceKey.familyOf(address));
            w.endNest(nest);
        }, () -> "delete destination " + new RealServer.Endpoint(address, port) + " from " + service, Errno.ENOENT, Errno.ESRCH);
    }

    /**
     * IPVS_CMD_GET_DEST dumpit (send with NLM_F_DUMP). Beware: for a service that does not exist the
     * kernel answers with an empty dump, not ESRCH.
     */
    public IpvsRequest getDestinations(ServiceKey service) {
        return new IpvsRequest(familyId, IpvsCommands.GET_DEST, w -> serviceIdentity(w, service),
            () -> "list destinations of " + service);
    }

    // ------------------------------------------------------------------ requests: global

    /** IPVS_CMD_ZERO: every counter when {@code service} is empty, else that service and its destinations. */
    public IpvsRequest zero(Optional<ServiceKey> service) {
        return service.map(key -> new IpvsRequest(familyId, IpvsCommands.ZERO, w -> serviceIdentity(w, key),
                "zero counters of " + key))
            .orElseGet(() -> new IpvsRequest(familyId, IpvsCommands.ZERO, w -> { }, "zero all counters"));
    }

    /** IPVS_CMD_FLUSH: deletes every service of the socket's network namespace. */
    public IpvsRequest flush() {
        return new IpvsRequest(familyId, IpvsCommands.FLUSH, w -> { }, "flush all services");
    }

    /** IPVS_CMD_GET_INFO: version code and connection table size. */
    public IpvsRequest getInfo() {
        return new IpvsRequest(familyId, IpvsCommands.GET_INFO, w -> { }, "get IPVS info");
    }

    /** IPVS_CMD_GET_CONFIG: the TCP, TCP FIN and UDP timeouts. */
    public IpvsRequest getConfig() {
        return new IpvsRequest(familyId, IpvsCommands.GET_CONFIG, w -> { }, "get IPVS timeouts");
    }

    /** IPVS_CMD_SET_CONFIG: all three timeouts, as ipvsadm sends them; the kernel keeps a value sent as 0. */
    public IpvsRequest setConfig(IpvsTimeouts timeouts) {
        return new IpvsRequest(familyId, IpvsCommands.SET_CONFIG, w -> {
            w.u32(CMD_ATTR_TIMEOUT_TCP, timeouts.tcp());
            w.u32(CMD_ATTR_TIMEOUT_TCP_FIN, timeouts.tcpFin());
            w.u32(CMD_ATTR_TIMEOUT_UDP, timeouts.udp());
        }, "set IPVS timeouts (tcp " + timeouts.tcp() + ", tcpfin " + timeouts.tcpFin() + ", udp " + timeouts.udp() + ")");
    }

    /** The request that performs {@code op}. */
    public IpvsRequest request(IpvsOperation op) {
        if (op instanceof IpvsOperation.AddService a) {
            return newService(a.server());
        }
        if (op instanceof IpvsOperation.UpdateService u) {
            return setService(u.server());
        }
        if (op instanceof IpvsOperation.DeleteService d) {
            return deleteService(d.key());
        }
        if (op instanceof IpvsOperation.AddDestination a) {
            return newDestination(a.service(), a.server());
        }
        if (op instanceof IpvsOperation.UpdateDestination u) {
            return setDestination(u.service(), u.server());
        }
        IpvsOperation.DeleteDestination d = (IpvsOperation.DeleteDestination) op;
        return deleteDestination(d.service(), d.address(), d.port());
    }

    /** One request per operation, in order. */
    public List<IpvsRequest> requests(List<? extends IpvsOperation> ops) {
        List<IpvsRequest> out = new ArrayList<>(ops.size());
        for (IpvsOperation op : ops) {
            out.add(request(op));
        }
        return out;
    }

    /** The IPVS command an operation is sent as. */
    public static int commandOf(IpvsOperation op) {
        if (op instanceof IpvsOperation.AddService) {
            return IpvsCommands.NEW_SERVICE;
        }
        if (op instanceof IpvsOperation.UpdateService) {
            return IpvsCommands.SET_SERVICE;
        }
        if (op instanceof IpvsOperation.DeleteService) {
            return IpvsCommands.DEL_SERVICE;
        }
        if (op instanceof IpvsOperation.AddDestination) {
            return IpvsCommands.NEW_DEST;
        }
        if (op instanceof IpvsOperation.UpdateDestination) {
            return IpvsCommands.SET_DEST;
        }
        return IpvsCommands.DEL_DEST;
    }

    /**
     * The bytes of {@code request} as one netlink message with the given header flags and sequence number
     * (pid 0), e.g. for logging or for comparing with captured traffic.
     */
    public static byte[] encode(NetlinkRequest request, int flags, int seq) {
        NetlinkMessageWriter w = new NetlinkMessageWriter(ByteBuffer.allocate(64 * 1024));
        int start = w.beginMessage(request.type(), flags | request.flags(), seq);
        request.writeBody(w);
        w.endMessage(start);
        ByteBuffer b = w.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static void serviceIdentity(NetlinkMessageWriter w, ServiceKey key) {
        int nest = w.beginNest(CMD_ATTR_SERVICE);
        identityAttributes(w, key);
        w.endNest(nest);
    }

    private static void identityAttributes(NetlinkMessageWriter w, ServiceKey key) {
        w.u16(SVC_ATTR_AF, key.family());
        if (key.isFwmark()) {
            w.u32(SVC_ATTR_FWMARK, key.fwmark());
        } else {
            w.u16(SVC_ATTR_PROTOCOL, key.protocol().number());
            w.bytes(SVC_ATTR_ADDR, key.address().getAddress(), ADDRESS_UNION_LENGTH);
            w.be16(SVC_ATTR_PORT, key.port());
        }
    }

    private static void fullService(NetlinkMessageWriter w, VirtualServer s) {
        int nest = w.beginNest(CMD_ATTR_SERVICE);
        identityAttributes(w, s.key());
        w.string(SVC_ATTR_SCHED_NAME, s.scheduler());
        if (s.persistenceEngine() != null && !s.persistenceEngine().isEmpty()) {
            w.string(SVC_ATTR_PE_NAME, s.persistenceEngine());
        }
        // struct ip_vs_flags: a full mask makes the flags absolute (new = flags), as ipvsadm sends them.
        int flags = w.beginNest(SVC_ATTR_FLAGS);
        w.rawU32(s.flags() & ~ServiceFlags.HASHED).rawU32(ALL_FLAGS_MASK);
        w.endNest(flags);
        w.u32(SVC_ATTR_TIMEOUT, s.timeout());
        if (s.key().isIpv6()) {
            w.u32(SVC_ATTR_NETMASK, s.netmask());
        } else {
            w.be32(SVC_ATTR_NETMASK, s.netmask());
        }
        w.endNest(nest);
    }

    private static void fullDestination(NetlinkMessageWriter w, RealServer r) {
        int nest = w.beginNest(CMD_ATTR_DEST);
        w.bytes(DEST_ATTR_ADDR, r.address().getAddress(), ADDRESS_UNION_LENGTH);
        w.be16(DEST_ATTR_PORT, r.port());
        w.u32(DEST_ATTR_FWD_METHOD, r.forwarding().code());
        w.u32(DEST_ATTR_WEIGHT, r.weight());
        w.u32(DEST_ATTR_U_THRESH, r.upperThreshold());
        w.u32(DEST_ATTR_L_THRESH, r.lowerThreshold());
        w.u16(DEST_ATTR_ADDR_FAMILY, r.family());
        w.endNest(nest);
    }

    // ------------------------------------------------------------------ decoders

    /**
     * A service message (the reply to GET_SERVICE, doit or dump part). The returned flags never contain
     * {@link ServiceFlags#HASHED}; counters come from STATS64 when present, else from the legacy STATS.
     *
     * @throws MalformedMessageException when the message is not a complete service description
     */
    public static ServiceEntry decodeService(NetlinkMessage m) {
        Attributes svc = topLevel(m, "service").nested(CMD_ATTR_SERVICE);
        try {
            if (!svc.has(SVC_ATTR_AF)) {
                throw new MalformedMessageException("IPVS service message has no SERVICE nest with an address family");
            }
            int af = svc.u16(SVC_ATTR_AF);
            ServiceKey key;
            if (svc.has(SVC_ATTR_FWMARK) && svc.u32(SVC_ATTR_FWMARK) != 0) {
                key = ServiceKey.ofFwmark(af, svc.u32(SVC_ATTR_FWMARK));
            } else {
                int protocolNumber = svc.u16(SVC_ATTR_PROTOCOL);
                Protocol protocol = Protocol.ofNumber(protocolNumber);
                if (protocol == null) {
                    throw new MalformedMessageException("IPVS service with unsupported IP protocol " + protocolNumber);
                }
                InetAddress address = address(svc, SVC_ATTR_ADDR, af);
                key = new ServiceKey(af, protocol, address, svc.be16(SVC_ATTR_PORT), 0);
            }
            String scheduler = svc.string(SVC_ATTR_SCHED_NAME);
            if (scheduler == null) {
                throw new MalformedMessageException("IPVS service " + key + " has no scheduler name");
            }
            ByteBuffer f = svc.get(SVC_ATTR_FLAGS);
            if (f == null || f.limit() < 4) {
                throw new MalformedMessageException("IPVS service " + key + " has no flags");
            }
            int flags = f.getInt(0) & ~ServiceFlags.HASHED;
            int timeout = svc.u32(SVC_ATTR_TIMEOUT, 0);
            int netmask;
            if (!svc.has(SVC_ATTR_NETMASK)) {
                netmask = VirtualServer.hostMask(key);
            } else {
                netmask = key.isIpv6() ? svc.u32(SVC_ATTR_NETMASK) : svc.be32(SVC_ATTR_NETMASK);
            }
            String pe = svc.string(SVC_ATTR_PE_NAME);
            if (pe != null && pe.isEmpty()) {
                pe = null;
            }
            VirtualServer server = new VirtualServer(key, scheduler, flags, timeout, netmask, pe);
            return new ServiceEntry(server, stats(svc, SVC_ATTR_STATS64, SVC_ATTR_STATS));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("IPVS service message does not describe a valid service: " + e.getMessage());
        }
    }

    /**
     * A destination message (a GET_DEST dump part). {@code serviceFamily} is the destination's family
     * when the kernel omits DEST_ATTR_ADDR_FAMILY (kernels before 3.18), which it then shares with its
     * service.
     *
     * @throws MalformedMessageException when the message is not a complete destination description
     */
    public static DestinationEntry decodeDestination(NetlinkMessage m, int serviceFamily) {
        Attributes d = topLevel(m, "destination").nested(CMD_ATTR_DEST);
        try {
            if (!d.has(DEST_ATTR_ADDR)) {
                throw new MalformedMessageException("IPVS destination message has no DEST nest with an address");
            }
            int af = d.has(DEST_ATTR_ADDR_FAMILY) ? d.u16(DEST_ATTR_ADDR_FAMILY) : serviceFamily;
            InetAddress address = address(d, DEST_ATTR_ADDR, af);
            RealServer server = new RealServer(address, d.be16(DEST_ATTR_PORT), d.u32(DEST_ATTR_WEIGHT),
                ForwardingMethod.ofCode(d.u32(DEST_ATTR_FWD_METHOD)),
                d.u32(DEST_ATTR_U_THRESH, 0), d.u32(DEST_ATTR_L_THRESH, 0));
            return new DestinationEntry(server, d.u32(DEST_ATTR_ACTIVE_CONNS, 0), d.u32(DEST_ATTR_INACT_CONNS, 0),
                d.u32(DEST_ATTR_PERSIST_CONNS, 0), stats(d, DEST_ATTR_STATS64, DEST_ATTR_STATS));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("IPVS destination message does not describe a valid destination: " + e.getMessage());
        }
    }

    /** The GET_INFO reply (command SET_INFO). */
    public static IpvsInfo decodeInfo(NetlinkMessage m) {
        Attributes a = topLevel(m, "info");
        return new IpvsInfo(a.u32(INFO_ATTR_VERSION), a.u32(INFO_ATTR_CONN_TAB_SIZE, 0));
    }

    /** The GET_CONFIG reply (command SET_CONFIG); a timeout the kernel does not report is 0. */
    public static IpvsTimeouts decodeConfig(NetlinkMessage m) {
        Attributes a = topLevel(m, "config");
        return new IpvsTimeouts(a.u32(CMD_ATTR_TIMEOUT_TCP, 0), a.u32(CMD_ATTR_TIMEOUT_TCP_FIN, 0),
            a.u32(CMD_ATTR_TIMEOUT_UDP, 0));
    }

    private static Attributes topLevel(NetlinkMessage m, String what) {
        if (m.payload().limit() < GenericNetlink.GENL_HEADER_LENGTH) {
            throw new MalformedMessageException("IPVS " + what + " message of " + m.payload().limit()
                + " payload bytes has no generic netlink header");
        }
        return m.attributes(GenericNetlink.GENL_HEADER_LENGTH);
    }

    private static InetAddress address(Attributes a, int type, int af) {
        byte[] raw = a.bytes(type);
        if (raw == null) {
            throw new MalformedMessageException("address attribute type " + type + " is missing");
        }
        try {
            if (af == ServiceKey.AF_INET) {
                if (raw.length < 4) {
                    throw new MalformedMessageException("IPv4 address attribute has " + raw.length + " bytes");
                }
                return InetAddress.getByAddress(Arrays.copyOf(raw, 4));
            }
            if (af == ServiceKey.AF_INET6) {
                if (raw.length < 16) {
                    throw new MalformedMessageException("IPv6 address attribute has " + raw.length + " bytes");
                }
                // Inet6Address even for ::ffff:a.b.c.d, which InetAddress.getByAddress would turn into IPv4.
                return Inet6Address.getByAddress(null, Arrays.copyOf(raw, 16), -1);
            }
        } catch (UnknownHostException e) {
            throw new MalformedMessageException("bad address attribute: " + e.getMessage());
        }
        throw new MalformedMessageException("unsupported address family " + af);
    }

    private static IpvsStats stats(Attributes parent, int stats64, int stats32) {
        Attributes s = parent.has(stats64) ? parent.nested(stats64) : parent.nested(stats32);
        return new IpvsStats(s.u64OrU32(STATS_ATTR_CONNS), s.u64OrU32(STATS_ATTR_INPKTS), s.u64OrU32(STATS_ATTR_OUTPKTS),
            s.u64OrU32(STATS_ATTR_INBYTES), s.u64OrU32(STATS_ATTR_OUTBYTES), s.u64OrU32(STATS_ATTR_CPS),
            s.u64OrU32(STATS_ATTR_INPPS), s.u64OrU32(STATS_ATTR_OUTPPS), s.u64OrU32(STATS_ATTR_INBPS),
            s.u64OrU32(STATS_ATTR_OUTBPS));
    }
}

package io.ipvsproxier.ipvs;

/**
 * IPVS generic netlink attribute numbers (include/uapi/linux/ip_vs.h). The top level of a message
 * carries {@code CMD_ATTR_*}; service, destination and stats attributes live in their nests. GET_INFO
 * replies reuse the top level with {@code INFO_ATTR_*}, which collide numerically with the nests, so
 * replies are decoded by their command.
 */
public final class IpvsAttributes {
    private IpvsAttributes() {}

    // Top level (IPVS_CMD_ATTR_*)
    public static final int CMD_ATTR_SERVICE = 1;
    public static final int CMD_ATTR_DEST = 2;
    public static final int CMD_ATTR_DAEMON = 3;
    public static final int CMD_ATTR_TIMEOUT_TCP = 4;
    public static final int CMD_ATTR_TIMEOUT_TCP_FIN = 5;
    public static final int CMD_ATTR_TIMEOUT_UDP = 6;

    // Inside CMD_ATTR_SERVICE (IPVS_SVC_ATTR_*)
    public static final int SVC_ATTR_AF = 1;
    public static final int SVC_ATTR_PROTOCOL = 2;
    /** 16-byte union nf_inet_addr; an IPv4 address fills the first 4 bytes. */
    public static final int SVC_ATTR_ADDR = 3;
    /** Big-endian. */
    public static final int SVC_ATTR_PORT = 4;
    public static final int SVC_ATTR_FWMARK = 5;
    public static final int SVC_ATTR_SCHED_NAME = 6;
    /** struct ip_vs_flags { u32 flags; u32 mask; }. */
    public static final int SVC_ATTR_FLAGS = 7;
    /** Persistence timeout in seconds. */
    public static final int SVC_ATTR_TIMEOUT = 8;
    /** IPv4: the mask as a big-endian u32; IPv6: the prefix length as a host-order u32. */
    public static final int SVC_ATTR_NETMASK = 9;
    public static final int SVC_ATTR_STATS = 10;
    public static final int SVC_ATTR_PE_NAME = 11;
    public static final int SVC_ATTR_STATS64 = 12;

    // Inside CMD_ATTR_DEST (IPVS_DEST_ATTR_*)
    public static final int DEST_ATTR_ADDR = 1;
    /** Big-endian. */
    public static final int DEST_ATTR_PORT = 2;
    public static final int DEST_ATTR_FWD_METHOD = 3;
    public static final int DEST_ATTR_WEIGHT = 4;
    public static final int DEST_ATTR_U_THRESH = 5;
    public static final int DEST_ATTR_L_THRESH = 6;
    public static final int DEST_ATTR_ACTIVE_CONNS = 7;
    public static final int DEST_ATTR_INACT_CONNS = 8;
    public static final int DEST_ATTR_PERSIST_CONNS = 9;
    public static final int DEST_ATTR_STATS = 10;
    public static final int DEST_ATTR_ADDR_FAMILY = 11;
    public static final int DEST_ATTR_STATS64 = 12;
    public static final int DEST_ATTR_TUN_TYPE = 13;
    public static final int DEST_ATTR_TUN_PORT = 14;
    public static final int DEST_ATTR_TUN_FLAGS = 15;

    // Inside *_ATTR_STATS (u32 counters except bytes) and *_ATTR_STATS64 (all u64)
    public static final int STATS_ATTR_CONNS = 1;
    public static final int STATS_ATTR_INPKTS = 2;
    public static final int STATS_ATTR_OUTPKTS = 3;
    public static final int STATS_ATTR_INBYTES = 4;
    public static final int STATS_ATTR_OUTBYTES = 5;
    public static final int STATS_ATTR_CPS = 6;
    public static final int STATS_ATTR_INPPS = 7;
    public static final int STATS_ATTR_OUTPPS = 8;
    public static final int STATS_ATTR_INBPS = 9;
    public static final int STATS_ATTR_OUTBPS = 10;
    /** Alignment padding for u64 attributes; skipped. */
    public static final int STATS_ATTR_PAD = 11;

    // Top level of a GET_INFO reply (IPVS_INFO_ATTR_*)
    public static final int INFO_ATTR_VERSION = 1;
    public static final int INFO_ATTR_CONN_TAB_SIZE = 2;
}

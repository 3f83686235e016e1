package io.ipvsproxier.iface;

/**
 * rtnetlink numbers for links and addresses (include/uapi/linux/rtnetlink.h, if_link.h, if_addr.h,
 * socket.h). Only what this module sends or reads.
 */
final class Rtnetlink {
    private Rtnetlink() {}

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;

    static final int RTNLGRP_LINK = 1;
    static final int RTNLGRP_IPV4_IFADDR = 5;
    static final int RTNLGRP_IPV6_IFADDR = 9;

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    /** struct ifinfomsg: family, pad, type (u16), index (s32), flags (u32), change (u32). */
    static final int IFINFOMSG_LENGTH = 16;
    /** struct ifaddrmsg: family, prefixlen, flags (u8), scope, index (u32). */
    static final int IFADDRMSG_LENGTH = 8;

    static final int IFLA_IFNAME = 3;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_INFO_KIND = 1;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_LABEL = 3;
    static final int IFA_FLAGS = 8;

    static final int IFA_F_NODAD = 0x02;

    /** IFNAMSIZ - 1: the longest link name the kernel accepts, in bytes. */
    static final int MAX_LINK_NAME_BYTES = 15;
}

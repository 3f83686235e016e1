package io.ipvsproxier.netlink;

import java.util.List;

/** Generic netlink controller ("nlctrl"): resolves a family name to the id used as nlmsg_type. */
public final class GenericNetlink {
    private GenericNetlink() {}

    public static final int GENL_ID_CTRL = 0x10;
    public static final int GENL_HEADER_LENGTH = 4;
    public static final int CTRL_CMD_GETFAMILY = 3;
    public static final int CTRL_ATTR_FAMILY_ID = 1;
    public static final int CTRL_ATTR_FAMILY_NAME = 2;
    public static final int CTRL_ATTR_VERSION = 3;
    public static final int CTRL_ATTR_MAXATTR = 5;

    /** CTRL_CMD_GETFAMILY for {@code name}. */
    public static NetlinkRequest getFamily(String name) {
        return new NetlinkRequest() {
            @Override
            public int type() {
                return GENL_ID_CTRL;
            }

            @Override
            public void writeBody(NetlinkMessageWriter w) {
                w.genlHeader(CTRL_CMD_GETFAMILY, 1).string(CTRL_ATTR_FAMILY_NAME, name);
            }

            @Override
            public String describe() {
                return "resolve generic netlink family " + name;
            }
        };
    }

    /**
     * The family id of {@code name}.
     *
     * @throws NetlinkException with errno ENOENT when the kernel has no such family
     */
    public static int resolveFamily(NetlinkConnection connection, String name) {
        List<NetlinkMessage> replies = connection.call(getFamily(name));
        for (NetlinkMessage m : replies) {
            Attributes a = m.attributes(GENL_HEADER_LENGTH);
            if (a.has(CTRL_ATTR_FAMILY_ID)) {
                return a.u16(CTRL_ATTR_FAMILY_ID);
            }
        }
        throw new MalformedMessageException("CTRL_CMD_GETFAMILY reply for " + name + " carries no family id");
    }
}

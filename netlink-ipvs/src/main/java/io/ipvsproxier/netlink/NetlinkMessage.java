package io.ipvsproxier.netlink;

import java.nio.ByteBuffer;

/**
 * One received netlink message. {@code payload} is a native-order view of the bytes after the 16-byte
 * header (for generic netlink it starts with the genl header).
 */
public record NetlinkMessage(int type, int flags, int seq, int pid, ByteBuffer payload) {

    public boolean isError() {
        return type == Netlink.NLMSG_ERROR;
    }

    public boolean isDone() {
        return type == Netlink.NLMSG_DONE;
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /** The generic netlink command (first payload byte). */
    public int genlCommand() {
        return Byte.toUnsignedInt(payload.get(0));
    }

    /** Attributes that start {@code offset} bytes into the payload (4 for generic netlink). */
    public Attributes attributes(int offset) {
        return Attributes.parse(NetlinkMessages.slice(payload, offset, payload.limit() - offset));
    }
}

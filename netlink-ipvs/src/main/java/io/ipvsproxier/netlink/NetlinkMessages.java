package io.ipvsproxier.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Splits a received datagram into messages, and decodes NLMSG_ERROR payloads. Pure codec. */
public final class NetlinkMessages {
    private NetlinkMessages() {}

    /**
     * Parses every message in {@code datagram} (from its position to its limit). A datagram from the
     * kernel is always whole, so a length that runs past the end is reported as malformed rather than
     * as "need more".
     */
    public static List<NetlinkMessage> parse(ByteBuffer datagram) {
        ByteBuffer buf = datagram.duplicate().order(ByteOrder.nativeOrder());
        List<NetlinkMessage> out = new ArrayList<>();
        int pos = buf.position();
        int end = buf.limit();
        while (end - pos >= Netlink.HEADER_LENGTH) {
            int len = buf.getInt(pos);
            if (len < Netlink.HEADER_LENGTH || len > end - pos) {
                throw new MalformedMessageException(
                    "netlink message at offset " + pos + " claims length " + len + " but " + (end - pos) + " bytes remain");
            }
            int type = Short.toUnsignedInt(buf.getShort(pos + 4));
            int flags = Short.toUnsignedInt(buf.getShort(pos + 6));
            int seq = buf.getInt(pos + 8);
            int pid = buf.getInt(pos + 12);
            ByteBuffer payload = slice(buf, pos + Netlink.HEADER_LENGTH, len - Netlink.HEADER_LENGTH);
            out.add(new NetlinkMessage(type, flags, seq, pid, payload));
            pos += Netlink.align(len);
        }
        if (pos < end) {
            // Trailing bytes shorter than a header: tolerated only as zero padding.
            for (int i = pos; i < end; i++) {
                if (buf.get(i) != 0) {
                    throw new MalformedMessageException("truncated netlink header at offset " + pos);
                }
            }
        }
        return out;
    }

    /** Decodes the {@code struct nlmsgerr} in an NLMSG_ERROR message. */
    public static ErrorReply error(NetlinkMessage m) {
        ByteBuffer p = m.payload();
        if (p.limit() < 4 + Netlink.HEADER_LENGTH) {
            throw new MalformedMessageException("NLMSG_ERROR payload of " + p.limit() + " bytes is shorter than struct nlmsgerr");
        }
        int error = -p.getInt(0);
        int requestLength = p.getInt(4);
        int requestType = Short.toUnsignedInt(p.getShort(8));
        int requestSeq = p.getInt(12);
        String message = null;
        int badOffset = -1;
        if (m.hasFlag(Netlink.NLM_F_ACK_TLVS)) {
            int tlvStart = 4 + (m.hasFlag(Netlink.NLM_F_CAPPED) ? Netlink.HEADER_LENGTH : Netlink.align(requestLength));
            if (tlvStart <= p.limit()) {
                Attributes tlvs = Attributes.parse(slice(p, tlvStart, p.limit() - tlvStart));
                message = tlvs.string(Netlink.NLMSGERR_ATTR_MSG);
                if (tlvs.has(Netlink.NLMSGERR_ATTR_OFFS)) {
                    badOffset = tlvs.u32(Netlink.NLMSGERR_ATTR_OFFS);
                }
            }
        }
        return new ErrorReply(error, requestType, requestSeq, message, badOffset);
    }

    /** The status (0 or a positive errno) carried by NLMSG_DONE, 0 when absent. */
    public static int doneStatus(NetlinkMessage m) {
        return m.payload().limit() >= 4 ? -m.payload().getInt(0) : 0;
    }

    /** A native-order slice with its own position 0 and limit {@code length}. */
    static ByteBuffer slice(ByteBuffer buf, int offset, int length) {
        ByteBuffer d = buf.duplicate();
        d.limit(offset + length).position(offset);
        return d.slice().order(ByteOrder.nativeOrder());
    }

    /**
     * A decoded NLMSG_ERROR: {@code errno} is 0 for an ACK, otherwise positive; {@code kernelMessage}
     * and {@code badAttributeOffset} come from the extended ACK (null / -1 when absent).
     */
    public record ErrorReply(int errno, int requestType, int requestSeq, String kernelMessage, int badAttributeOffset) {
        public boolean isAck() {
            return errno == 0;
        }
    }
}

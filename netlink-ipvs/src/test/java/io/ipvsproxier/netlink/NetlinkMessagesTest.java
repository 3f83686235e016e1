package io.ipvsproxier.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetlinkMessagesTest {

    private static ByteBuffer bytes(int... b) {
        ByteBuffer buf = ByteBuffer.allocate(b.length).order(ByteOrder.nativeOrder());
        for (int v : b) {
            buf.put((byte) v);
        }
        return buf.flip();
    }

    /** A 24-byte message: header + genl header + one u32 attribute of type 1. */
    private static byte[] message(int seq) {
        return FakeNetlinkSocket.datagram(w ->
            FakeNetlinkSocket.genlMessage(w, 0x30, 0, seq, 1, a -> a.u32(1, 77)));
    }

    @Test
    void parsesSeveralMessagesAtFourByteAlignedOffsets() {
        byte[] datagram = FakeNetlinkSocket.datagram(w -> {
            FakeNetlinkSocket.genlMessage(w, 0x30, 2, 10, 1, a -> a.string(2, "ab"));
            FakeNetlinkSocket.genlMessage(w, 0x30, 2, 11, 1, a -> a.u32(1, 5));
        });
        List<NetlinkMessage> ms = NetlinkMessages.parse(ByteBuffer.wrap(datagram));

        assertThat(ms).extracting(NetlinkMessage::seq).containsExactly(10, 11);
        assertThat(ms.get(0).attributes(4).string(2)).isEqualTo("ab");
        assertThat(ms.get(1).attributes(4).u32(1)).isEqualTo(5);
    }

    @Test
    void messageLengthPastTheEndIsMalformed() {
        byte[] m = message(1);
        ByteBuffer cut = ByteBuffer.wrap(m, 0, m.length - 4).slice();
        assertThatThrownBy(() -> NetlinkMessages.parse(cut))
            .isInstanceOf(MalformedMessageException.class)
            .hasMessageContaining("claims length 28 but 24 bytes remain");
    }

    @Test
    void messageLengthBelowTheHeaderSizeIsMalformed() {
        ByteBuffer b = bytes(8, 0, 0, 0, 0x30, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
        b.order(ByteOrder.nativeOrder()).putInt(0, 8);
        assertThatThrownBy(() -> NetlinkMessages.parse(b)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void nonZeroBytesShorterThanAHeaderAreMalformed() {
        ByteBuffer b = bytes(1, 2, 3);
        assertThatThrownBy(() -> NetlinkMessages.parse(b))
            .isInstanceOf(MalformedMessageException.class)
            .hasMessageContaining("truncated netlink header");
    }

    @Test
    void attributeLengthPastTheEndIsMalformed() {
        byte[] m = message(1);
        // The u32 attribute starts at offset 20: claim 12 bytes where 8 remain.
        m[20] = 12;
        NetlinkMessage parsed = NetlinkMessages.parse(ByteBuffer.wrap(m)).get(0);
        assertThatThrownBy(() -> parsed.attributes(4))
            .isInstanceOf(MalformedMessageException.class)
            .hasMessageContaining("attribute type 1 at offset 0 claims length 12 but 8 bytes remain");
    }

    @Test
    void attributeShorterThanItsTypeIsMalformedWhenRead() {
        byte[] m = FakeNetlinkSocket.datagram(w ->
            FakeNetlinkSocket.genlMessage(w, 0x30, 0, 1, 1, a -> a.u16(1, 5)));
        Attributes a = NetlinkMessages.parse(ByteBuffer.wrap(m)).get(0).attributes(4);
        assertThatThrownBy(() -> a.u32(1))
            .isInstanceOf(MalformedMessageException.class)
            .hasMessage("attribute type 1 has 2 bytes, needs 4");
    }

    @Test
    void nestedAndByteOrderBitsAreMaskedOffTheType() {
        byte[] m = FakeNetlinkSocket.datagram(w -> FakeNetlinkSocket.genlMessage(w, 0x30, 0, 1, 1, a -> {
            int nest = a.beginNest(1 | Netlink.NLA_F_NESTED);
            a.u32(3, 9);
            a.endNest(nest);
        }));
        Attributes a = NetlinkMessages.parse(ByteBuffer.wrap(m)).get(0).attributes(4);
        assertThat(a.nested(1).u32(3)).isEqualTo(9);
    }

    @Test
    void errorReplyCarriesErrnoRequestSeqAndExtendedAckText() {
        NetlinkMessage request = NetlinkMessages.parse(ByteBuffer.wrap(message(33))).get(0);
        NetlinkMessage reply = NetlinkMessages.parse(ByteBuffer.wrap(
            FakeNetlinkSocket.error(request, Errno.ERANGE, "bad value"))).get(0);
        NetlinkMessages.ErrorReply e = NetlinkMessages.error(reply);

        assertThat(e.errno()).isEqualTo(Errno.ERANGE);
        assertThat(e.requestSeq()).isEqualTo(33);
        assertThat(e.requestType()).isEqualTo(0x30);
        assertThat(e.kernelMessage()).isEqualTo("bad value");
        assertThat(e.isAck()).isFalse();
    }

    @Test
    void errorReplyShorterThanNlmsgerrIsMalformed() {
        byte[] m = FakeNetlinkSocket.datagram(w -> {
            int start = w.beginMessage(Netlink.NLMSG_ERROR, 0, 1);
            w.rawU32(0);
            w.endMessage(start);
        });
        NetlinkMessage reply = NetlinkMessages.parse(ByteBuffer.wrap(m)).get(0);
        assertThatThrownBy(() -> NetlinkMessages.error(reply)).isInstanceOf(MalformedMessageException.class);
    }
}

package io.ipvsproxier.iface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.MalformedMessageException;
import io.ipvsproxier.netlink.Netlink;
import io.ipvsproxier.netlink.NetlinkMessage;
import io.ipvsproxier.netlink.NetlinkMessageWriter;
import io.ipvsproxier.netlink.NetlinkMessages;
import io.ipvsproxier.netlink.NetlinkRequest;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Requests against the byte layouts of the netlink reference (checked against the kernel's structs), and
 * decoding against messages captured from a 6.1 kernel in the kernel lab.
 */
class RtnetlinkCodecTest {

    /** RTM_NEWADDR 10.96.0.10/32 on kube-ipvs0 (index 2), as the kernel dumps it (IFA_LABEL, IFA_FLAGS, IFA_CACHEINFO). */
    private static final String IPV4_ADDRESS =
        "54000000 1400 0200 82238335 dd020000  02 20 80 00 02000000  08000100 0a60000a  08000200 0a60000a"
        + " 0f000300 6b7562652d6970767330 0000  08000800 80000000  14000600 ffffffffffffffff6106000061060000";
    /** RTM_NEWADDR fd00::10/128 nodad on index 2: no IFA_LOCAL, IFA_FLAGS 0x82. */
    private static final String IPV6_ADDRESS =
        "48000000 1400 0200 82238335 dd020000  0a 80 82 00 02000000  14000100 fd000000000000000000000000000010"
        + " 14000600 ffffffffffffffff7206000072060000  08000800 82000000";
    /** RTM_NEWADDR 127.0.0.1/8 scope host on lo. */
    private static final String LOOPBACK_ADDRESS =
        "4c000000 1400 0200 82238335 dd020000  02 08 80 fe 01000000  08000100 7f000001  08000200 7f000001"
        + " 07000300 6c6f0000  08000800 80000000  14000600 ffffffffffffffffd0040000d0040000";

    private static String encode(NetlinkRequest request, int seq) {
        NetlinkMessageWriter w = new NetlinkMessageWriter(4096);
        int start = w.beginMessage(request.type(), Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | request.flags(), seq);
        request.writeBody(w);
        w.endMessage(start);
        return Hex.of(w.flip());
    }

    private static NetlinkMessage message(String hex) {
        List<NetlinkMessage> messages = NetlinkMessages.parse(Hex.bytes(hex));
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    @Test
    void createsTheDummyLinkAsTheReferenceBytes() {
        assertThat(encode(RtnetlinkCodec.createDummyLink("kube-ipvs0"), 1)).isEqualTo(Hex.of(Hex.bytes(
            "40000000 1000 0506 01000000 00000000  00000000000000000000000000000000"
                + " 0f000300 6b7562652d697076733000 00  10001200 0a000100 64756d6d7900 0000")));
    }

    @Test
    void looksUpAndDeletesLinksByName() {
        assertThat(encode(RtnetlinkCodec.getLink("lo"), 7)).isEqualTo(Hex.of(Hex.bytes(
            "28000000 1200 0500 07000000 00000000  00000000000000000000000000000000  07000300 6c6f0000")));
        assertThat(encode(RtnetlinkCodec.deleteLink("lo"), 8)).isEqualTo(Hex.of(Hex.bytes(
            "28000000 1100 0500 08000000 00000000  00000000000000000000000000000000  07000300 6c6f0000")));
        assertThat(encode(RtnetlinkCodec.getLink(3), 9)).isEqualTo(Hex.of(Hex.bytes(
            "20000000 1200 0500 09000000 00000000  00000000 03000000 00000000 00000000")));
    }

    @Test
    void addsAnIpv4AddressAsTheReferenceBytes() throws Exception {
        RtnetlinkCodec.AddressChange add = RtnetlinkCodec.addAddress(2, "kube-ipvs0", InetAddress.getByName("10.96.0.10"));

        assertThat(encode(add, 2)).isEqualTo(Hex.of(Hex.bytes(
            "28000000 1400 0506 02000000 00000000  02 20 00 00 02000000  08000200 0a60000a  08000100 0a60000a")));
        assertThat(add.describe()).isEqualTo("add 10.96.0.10/32 to kube-ipvs0");
    }

    @Test
    void addsAnIpv6AddressWithoutDuplicateAddressDetection() throws Exception {
        RtnetlinkCodec.AddressChange add = RtnetlinkCodec.addAddress(2, "kube-ipvs0", InetAddress.getByName("fd00::10"));

        assertThat(encode(add, 3)).isEqualTo(Hex.of(Hex.bytes(
            "40000000 1400 0506 03000000 00000000  0a 80 02 00 02000000"
                + "  14000200 fd000000000000000000000000000010  14000100 fd000000000000000000000000000010")));
        assertThat(add.describe()).isEqualTo("add fd00::10/128 to kube-ipvs0");
    }

    @Test
    void removesAnAddressWithItsPrefixLength() throws Exception {
        assertThat(encode(RtnetlinkCodec.removeAddress(2, "kube-ipvs0", InetAddress.getByName("10.96.0.10"), 32), 4))
            .isEqualTo(Hex.of(Hex.bytes("20000000 1500 0500 04000000 00000000  02 20 00 00 02000000  08000200 0a60000a")));
        assertThat(encode(RtnetlinkCodec.removeAddress(2, "kube-ipvs0", InetAddress.getByName("fd00::10"), 64), 5))
            .isEqualTo(Hex.of(Hex.bytes(
                "2c000000 1500 0500 05000000 00000000  0a 40 00 00 02000000  14000200 fd000000000000000000000000000010")));
    }

    @Test
    void treatsPresentOnAddAndAbsentOnRemoveAsDone() throws Exception {
        InetAddress a = InetAddress.getByName("10.96.0.10");
        RtnetlinkCodec.AddressChange add = RtnetlinkCodec.addAddress(2, "kube-ipvs0", a);
        RtnetlinkCodec.AddressChange remove = RtnetlinkCodec.removeAddress(2, "kube-ipvs0", a, 32);

        assertThat(add.alreadyDone(Errno.EEXIST)).isTrue();
        assertThat(add.alreadyDone(Errno.ENODEV)).isFalse();
        assertThat(remove.alreadyDone(Errno.EADDRNOTAVAIL)).isTrue();
        assertThat(remove.alreadyDone(Errno.ENXIO)).isTrue();
        assertThat(remove.alreadyDone(Errno.EEXIST)).isFalse();
    }

    @Test
    void dumpsAddressesWithOnlyTheLinkIndexSet() {
        // Strict checking refuses a dump request whose prefixlen, flags or scope are not zero.
        assertThat(encode(RtnetlinkCodec.dumpAddresses(5), 6)).isEqualTo(Hex.of(Hex.bytes(
            "18000000 1600 0500 06000000 00000000  00 00 00 00 05000000")));
    }

    @Test
    void decodesACapturedDummyLink() {
        List<NetlinkMessage> messages = NetlinkMessages.parse(Hex.resource("rtm-newlink-kube-ipvs0.hex"));

        assertThat(messages).hasSize(1);
        Link link = RtnetlinkCodec.decodeLink(messages.get(0));
        assertThat(link).isEqualTo(new Link(2, "kube-ipvs0", "dummy", 0x82));
        assertThat(link.isUp()).isFalse();
    }

    @Test
    void decodesACapturedIpv4Address() throws Exception {
        NetlinkMessage m = message(IPV4_ADDRESS);

        assertThat(RtnetlinkCodec.decodeAddress(m, i -> i == 2 ? "kube-ipvs0" : null)).isEqualTo(
            new NodeAddress(InetAddress.getByName("10.96.0.10"), 32, 2, "kube-ipvs0", NodeAddress.SCOPE_UNIVERSE, 0x80));
        assertThat(RtnetlinkCodec.addressLabel(m)).isEqualTo("kube-ipvs0");
        assertThat(RtnetlinkCodec.addressLinkIndex(m)).isEqualTo(2);
    }

    @Test
    void decodesACapturedIpv6AddressThatHasNoLocalAttribute() throws Exception {
        NodeAddress a = RtnetlinkCodec.decodeAddress(message(IPV6_ADDRESS), i -> "kube-ipvs0");

        assertThat(a).isEqualTo(new NodeAddress(InetAddress.getByName("fd00::10"), 128, 2, "kube-ipvs0", 0, 0x82));
        assertThat(a.isIpv6()).isTrue();
    }

    @Test
    void decodesTheLoopbackAddressWithHostScope() throws Exception {
        NodeAddress a = RtnetlinkCodec.decodeAddress(message(LOOPBACK_ADDRESS), i -> "lo");

        assertThat(a.address()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(a.prefixLength()).isEqualTo(8);
        assertThat(a.scope()).isEqualTo(NodeAddress.SCOPE_HOST);
        assertThat(a.isLoopback()).isTrue();
    }

    @Test
    void takesFlagsAbove8BitsFromTheFlagsAttribute() throws Exception {
        NetlinkMessageWriter w = new NetlinkMessageWriter(256);
        int start = w.beginMessage(Rtnetlink.RTM_NEWADDR, 0, 0);
        w.rawU8(Rtnetlink.AF_INET6).rawU8(64).rawU8(0x02).rawU8(0).rawU32(3);
        w.bytes(Rtnetlink.IFA_ADDRESS, InetAddress.getByName("fd00::1").getAddress());
        w.u32(Rtnetlink.IFA_FLAGS, 0x300);
        w.endMessage(start);

        NodeAddress a = RtnetlinkCodec.decodeAddress(NetlinkMessages.parse(w.flip()).get(0), i -> "eth0");

        assertThat(a.flags()).isEqualTo(0x300);
        assertThat(a.prefixLength()).isEqualTo(64);
    }

    @Test
    void prefersTheLocalAddressOverThePeerOnPointToPointLinks() throws Exception {
        NetlinkMessageWriter w = new NetlinkMessageWriter(256);
        int start = w.beginMessage(Rtnetlink.RTM_NEWADDR, 0, 0);
        w.rawU8(Rtnetlink.AF_INET).rawU8(32).rawU8(0).rawU8(0).rawU32(4);
        w.bytes(Rtnetlink.IFA_ADDRESS, InetAddress.getByName("10.0.0.2").getAddress());
        w.bytes(Rtnetlink.IFA_LOCAL, InetAddress.getByName("10.0.0.1").getAddress());
        w.endMessage(start);

        NodeAddress a = RtnetlinkCodec.decodeAddress(NetlinkMessages.parse(w.flip()).get(0), i -> "tun0");

        assertThat(a.address()).isEqualTo(InetAddress.getByName("10.0.0.1"));
    }

    @Test
    void skipsOtherFamiliesAndRejectsBrokenMessages() {
        NetlinkMessageWriter w = new NetlinkMessageWriter(256);
        int start = w.beginMessage(Rtnetlink.RTM_NEWADDR, 0, 0);
        w.rawU8(45).rawU8(0).rawU8(0).rawU8(0).rawU32(4); // AF_MCTP
        w.endMessage(start);
        assertThat(RtnetlinkCodec.decodeAddress(NetlinkMessages.parse(w.flip()).get(0), i -> "x")).isNull();

        NetlinkMessageWriter noAddress = new NetlinkMessageWriter(256);
        start = noAddress.beginMessage(Rtnetlink.RTM_NEWADDR, 0, 0);
        noAddress.rawU8(Rtnetlink.AF_INET).rawU8(32).rawU8(0).rawU8(0).rawU32(4);
        noAddress.endMessage(start);
        assertThatThrownBy(() -> RtnetlinkCodec.decodeAddress(NetlinkMessages.parse(noAddress.flip()).get(0), i -> "x"))
            .isInstanceOf(MalformedMessageException.class).hasMessageContaining("neither IFA_LOCAL nor IFA_ADDRESS");

        NetlinkMessageWriter shortLink = new NetlinkMessageWriter(256);
        start = shortLink.beginMessage(Rtnetlink.RTM_NEWLINK, 0, 0);
        shortLink.rawU32(0);
        shortLink.endMessage(start);
        assertThatThrownBy(() -> RtnetlinkCodec.decodeLink(NetlinkMessages.parse(shortLink.flip()).get(0)))
            .isInstanceOf(MalformedMessageException.class).hasMessageContaining("shorter than struct ifinfomsg");
    }
}

package io.ipvsproxier.ipvs;

import static io.ipvsproxier.ipvs.IpvsAttributes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.MalformedMessageException;
import io.ipvsproxier.netlink.Netlink;
import io.ipvsproxier.netlink.NetlinkMessage;
import io.ipvsproxier.netlink.NetlinkMessageWriter;
import io.ipvsproxier.netlink.NetlinkMessages;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Decoding of kernel replies: fixtures captured from a real kernel (see the comment at the top of each
 * file under src/test/resources/fixtures), and hand-built messages for the cases a kernel rarely shows.
 */
class IpvsCodecDecodeTest {
    private static final int FAMILY = 0x1c;

    private static InetAddress ip(String s) {
        return Addresses.parse(s);
    }

    private static List<NetlinkMessage> messages(String fixture) {
        List<NetlinkMessage> out = new ArrayList<>();
        for (ByteBuffer d : HexFixtures.datagrams(fixture)) {
            out.addAll(NetlinkMessages.parse(d));
        }
        return out;
    }

    private static List<NetlinkMessage> dataMessages(String fixture) {
        return messages(fixture).stream().filter(m -> !m.isDone() && !m.isError()).toList();
    }

    private static ServiceEntry service(List<ServiceEntry> all, ServiceKey key) {
        return all.stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow(() -> new AssertionError("no " + key));
    }

    // ------------------------------------------------------------------ captured fixtures

    @Test
    void serviceDumpDecodesEveryKindOfService() {
        List<NetlinkMessage> all = messages("service-dump");
        assertThat(all.get(all.size() - 1).isDone()).isTrue();
        assertThat(NetlinkMessages.doneStatus(all.get(all.size() - 1))).isZero();
        List<ServiceEntry> services = dataMessages("service-dump").stream().map(IpvsCodec::decodeService).toList();
        assertThat(services).hasSize(6);
        dataMessages("service-dump").forEach(m -> {
            assertThat(m.hasFlag(Netlink.NLM_F_MULTI)).isTrue();
            assertThat(m.genlCommand()).isEqualTo(IpvsCommands.NEW_SERVICE);
        });

        // TCP IPv4 rr with traffic: 5 connections through it; counters from STATS64.
        ServiceEntry tcp = service(services, ServiceKey.of(Protocol.TCP, ip("10.96.0.10"), 80));
        assertThat(tcp.server()).isEqualTo(new VirtualServer(tcp.key(), "rr", 0, 0, 0xffffffff, null));
        assertThat(tcp.stats().connections()).isEqualTo(5);
        assertThat(tcp.stats().packetsIn()).isEqualTo(26);
        assertThat(tcp.stats().packetsOut()).isEqualTo(25);
        assertThat(tcp.stats().bytesIn()).isEqualTo(1427);
        assertThat(tcp.stats().bytesOut()).isEqualTo(1400);
        assertThat(tcp.stats().bytesInPerSecond()).isEqualTo(13);

        // IPv6 persistent sh with sh-fallback,sh-port: HASHED (0x2) masked out of the kernel's 0x1b.
        ServiceEntry v6 = service(services, ServiceKey.of(Protocol.TCP, ip("fd00::10"), 443));
        assertThat(v6.server()).isEqualTo(new VirtualServer(v6.key(), "sh",
            ServiceFlags.PERSISTENT | ServiceFlags.SCHED1 | ServiceFlags.SCHED2, 600, 64, null));
        assertThat(v6.key().address()).isInstanceOf(Inet6Address.class);

        assertThat(service(services, ServiceKey.ofFwmark(ServiceKey.AF_INET, 7)).server())
            .isEqualTo(new VirtualServer(ServiceKey.ofFwmark(ServiceKey.AF_INET, 7), "wlc", 0, 0, 0xffffffff, null));
        assertThat(service(services, ServiceKey.ofFwmark(ServiceKey.AF_INET6, 8)).server())
            .isEqualTo(new VirtualServer(ServiceKey.ofFwmark(ServiceKey.AF_INET6, 8), "mh", ServiceFlags.SCHED1, 0, 128, null));

        // UDP one-packet, persistent 60 s, persistence engine sip.
        ServiceKey sip = ServiceKey.of(Protocol.UDP, ip("10.96.0.53"), 5060);
        assertThat(service(services, sip).server()).isEqualTo(new VirtualServer(sip, "rr",
            ServiceFlags.ONEPACKET | ServiceFlags.PERSISTENT, 60, 0xffffffff, "sip"));

        assertThat(service(services, ServiceKey.of(Protocol.TCP, ip("10.96.0.11"), 443)).server().scheduler()).isEqualTo("wrr");
    }

    @Test
    void serviceDoitReplyIsTheSameMessageWithoutMultiThenAnAck() {
        List<NetlinkMessage> all = messages("service-get-ipv6-persistent");
        assertThat(all).hasSize(2);
        assertThat(all.get(0).hasFlag(Netlink.NLM_F_MULTI)).isFalse();
        assertThat(IpvsCodec.decodeService(all.get(0)).server())
            .isEqualTo(new VirtualServer(ServiceKey.of(Protocol.TCP, ip("fd00::10"), 443), "sh", 0x19, 600, 64, null));
        assertThat(NetlinkMessages.error(all.get(1)).isAck()).isTrue();
    }

    @Test
    void destinationDumpDecodesForwardingWeightsThresholds() {
        List<DestinationEntry> dests = dataMessages("dest-dump-forwarding").stream()
            .map(m -> IpvsCodec.decodeDestination(m, ServiceKey.AF_INET)).toList();

        assertThat(dests).extracting(DestinationEntry::server).containsExactlyInAnyOrder(
            new RealServer(ip("10.244.1.5"), 8443, 5, ForwardingMethod.MASQ, 100, 10),
            new RealServer(ip("10.244.1.6"), 443, 1, ForwardingMethod.ROUTE, 0, 0),
            new RealServer(ip("10.244.1.7"), 443, 0, ForwardingMethod.TUNNEL, 0, 0));
        assertThat(messages("dest-dump-forwarding").get(3).isDone()).isTrue();
    }

    @Test
    void destinationAfterTrafficCarriesConnectionCountsAndStats() {
        DestinationEntry d = IpvsCodec.decodeDestination(dataMessages("dest-dump-traffic").get(0), ServiceKey.AF_INET);

        assertThat(d.server().endpoint()).isEqualTo(new RealServer.Endpoint(ip("10.96.0.10"), 80));
        assertThat(d.activeConnections()).isZero();
        assertThat(d.inactiveConnections()).isEqualTo(5);
        assertThat(d.persistentConnections()).isZero();
        assertThat(d.stats()).isEqualTo(new IpvsStats(5, 26, 25, 1427, 1400, 0, 0, 0, 7, 7));
    }

    @Test
    void infoAndConfigReplies() {
        List<NetlinkMessage> info = messages("info");
        assertThat(info.get(0).genlCommand()).isEqualTo(IpvsCommands.SET_INFO);
        IpvsInfo i = IpvsCodec.decodeInfo(info.get(0));
        assertThat(i.versionCode()).isEqualTo(0x010201);
        assertThat(i.version()).isEqualTo("1.2.1");
        assertThat(i.connectionTableSize()).isEqualTo(4096);

        List<NetlinkMessage> config = messages("config");
        assertThat(config.get(0).genlCommand()).isEqualTo(IpvsCommands.SET_CONFIG);
        assertThat(IpvsCodec.decodeConfig(config.get(0))).isEqualTo(new IpvsTimeouts(1000, 130, 310));
    }

    @Test
    void errorRepliesCarryTheErrnoAndTheRequestHeader() {
        NetlinkMessages.ErrorReply esrch = NetlinkMessages.error(messages("error-esrch").get(0));
        assertThat(esrch.errno()).isEqualTo(Errno.ESRCH);
        assertThat(esrch.requestType()).isEqualTo(FAMILY);
        assertThat(IpvsErrors.message(IpvsCommands.GET_SERVICE, esrch.errno())).isEqualTo("No such service");

        NetlinkMessages.ErrorReply enoent = NetlinkMessages.error(messages("error-enoent-scheduler").get(0));
        assertThat(enoent.errno()).isEqualTo(Errno.ENOENT);
        assertThat(IpvsErrors.message(IpvsCommands.NEW_SERVICE, enoent.errno()))
            .isEqualTo("Scheduler or persistence engine not found");
    }

    @Test
    void familyReplyCarriesTheIdUsedInEveryOtherFixture() {
        NetlinkMessage reply = messages("family").get(0);
        assertThat(reply.attributes(4).u16(1)).isEqualTo(FAMILY); // CTRL_ATTR_FAMILY_ID
        assertThat(reply.attributes(4).string(2)).isEqualTo("IPVS");
        assertThat(dataMessages("service-dump").get(0).type()).isEqualTo(FAMILY);
    }

    // ------------------------------------------------------------------ hand-built messages

    private static NetlinkMessage message(int cmd, Consumer<NetlinkMessageWriter> attributes) {
        NetlinkMessageWriter w = new NetlinkMessageWriter(ByteBuffer.allocate(4096));
        int start = w.beginMessage(FAMILY, 0, 1);
        w.genlHeader(cmd, 1);
        attributes.accept(w);
        w.endMessage(start);
        return NetlinkMessages.parse(w.flip()).get(0);
    }

    private static void ipv4Service(NetlinkMessageWriter w) {
        w.u16(SVC_ATTR_AF, ServiceKey.AF_INET);
        w.u16(SVC_ATTR_PROTOCOL, 6);
        w.bytes(SVC_ATTR_ADDR, new byte[] {10, 96, 0, 10}, 16);
        w.be16(SVC_ATTR_PORT, 80);
        w.string(SVC_ATTR_SCHED_NAME, "rr");
        int f = w.beginNest(SVC_ATTR_FLAGS);
        w.rawU32(ServiceFlags.HASHED).rawU32(0xffffffff);
        w.endNest(f);
        w.u32(SVC_ATTR_TIMEOUT, 0);
        w.be32(SVC_ATTR_NETMASK, 0xffffffff);
    }

    @Test
    void stats64IsPreferredOverLegacyStatsAndPadAndUnknownAttributesAreSkipped() {
        NetlinkMessage m = message(IpvsCommands.NEW_SERVICE, w -> {
            int svc = w.beginNest(CMD_ATTR_SERVICE);
            ipv4Service(w);
            w.u32(40, 12345); // an attribute from a future kernel
            int s32 = w.beginNest(SVC_ATTR_STATS);
            w.u32(STATS_ATTR_CONNS, 1);
            w.u64(STATS_ATTR_INBYTES, 2);
            w.endNest(s32);
            int s64 = w.beginNest(SVC_ATTR_STATS64);
            w.bytes(STATS_ATTR_PAD, new byte[0]);
            w.u64(STATS_ATTR_CONNS, 1L << 40);
            w.bytes(STATS_ATTR_PAD, new byte[0]);
            w.u64(STATS_ATTR_INBYTES, 1L << 50);
            w.u64(STATS_ATTR_OUTBPS, 99);
            w.endNest(s64);
            w.endNest(svc);
            w.u32(9, 1); // unknown top-level attribute
        });
        ServiceEntry s = IpvsCodec.decodeService(m);

        assertThat(s.stats().connections()).isEqualTo(1L << 40);
        assertThat(s.stats().bytesIn()).isEqualTo(1L << 50);
        assertThat(s.stats().bytesOutPerSecond()).isEqualTo(99);
        assertThat(s.server().flags()).isZero();
    }

    @Test
    void legacyStatsAloneAreReadAsUnsigned() {
        NetlinkMessage m = message(IpvsCommands.NEW_SERVICE, w -> {
            int svc = w.beginNest(CMD_ATTR_SERVICE);
            ipv4Service(w);
            int s32 = w.beginNest(SVC_ATTR_STATS);
            w.u32(STATS_ATTR_CONNS, 0xfffffffe);
            w.u64(STATS_ATTR_OUTBYTES, 7);
            w.endNest(s32);
            w.endNest(svc);
        });
        IpvsStats stats = IpvsCodec.decodeService(m).stats();
        assertThat(stats.connections()).isEqualTo(0xfffffffeL);
        assertThat(stats.bytesOut()).isEqualTo(7);
        assertThat(stats.packetsIn()).isZero();
    }

    @Test
    void destinationWithoutAddressFamilyTakesTheServiceFamily() {
        byte[] v6 = ip("fd00::20").getAddress();
        NetlinkMessage m = message(IpvsCommands.NEW_DEST, w -> {
            int d = w.beginNest(CMD_ATTR_DEST);
            w.bytes(DEST_ATTR_ADDR, v6);
            w.be16(DEST_ATTR_PORT, 8443);
            w.u32(DEST_ATTR_FWD_METHOD, 0);
            w.u32(DEST_ATTR_WEIGHT, 3);
            w.endNest(d);
        });
        DestinationEntry e = IpvsCodec.decodeDestination(m, ServiceKey.AF_INET6);
        assertThat(e.server()).isEqualTo(new RealServer(ip("fd00::20"), 8443, 3, ForwardingMethod.MASQ, 0, 0));
        assertThat(e.stats()).isEqualTo(IpvsStats.ZERO);
    }

    @Test
    void destinationAddressFamilyAttributeWinsOverTheServiceFamily() {
        // An IPv4 tunnel destination of an IPv6 service (mixed families are allowed for tunnels).
        NetlinkMessage m = message(IpvsCommands.NEW_DEST, w -> {
            int d = w.beginNest(CMD_ATTR_DEST);
            w.bytes(DEST_ATTR_ADDR, new byte[] {(byte) 192, 0, 2, 7}, 16);
            w.be16(DEST_ATTR_PORT, 0);
            w.u32(DEST_ATTR_FWD_METHOD, 2);
            w.u32(DEST_ATTR_WEIGHT, 1);
            w.u16(DEST_ATTR_ADDR_FAMILY, ServiceKey.AF_INET);
            w.endNest(d);
        });
        assertThat(IpvsCodec.decodeDestination(m, ServiceKey.AF_INET6).server().address()).isEqualTo(ip("192.0.2.7"));
    }

    @Test
    void ipv4MappedIpv6AddressStaysIpv6() {
        NetlinkMessage m = message(IpvsCommands.NEW_SERVICE, w -> {
            int svc = w.beginNest(CMD_ATTR_SERVICE);
            w.u16(SVC_ATTR_AF, ServiceKey.AF_INET6);
            w.u16(SVC_ATTR_PROTOCOL, 17);
            w.bytes(SVC_ATTR_ADDR, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1});
            w.be16(SVC_ATTR_PORT, 53);
            w.string(SVC_ATTR_SCHED_NAME, "rr");
            w.bytes(SVC_ATTR_FLAGS, new byte[8]);
            w.u32(SVC_ATTR_TIMEOUT, 0);
            w.u32(SVC_ATTR_NETMASK, 128);
            w.endNest(svc);
        });
        ServiceKey key = IpvsCodec.decodeService(m).key();
        assertThat(key.family()).isEqualTo(ServiceKey.AF_INET6);
        assertThat(key.address()).isInstanceOf(Inet6Address.class);
    }

    @Test
    void incompleteOrInvalidMessagesAreMalformed() {
        assertThatThrownBy(() -> IpvsCodec.decodeService(message(IpvsCommands.NEW_SERVICE, w -> { })))
            .isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> IpvsCodec.decodeService(message(IpvsCommands.NEW_SERVICE, w -> {
            int svc = w.beginNest(CMD_ATTR_SERVICE);
            w.u16(SVC_ATTR_AF, ServiceKey.AF_INET);
            w.u16(SVC_ATTR_PROTOCOL, 6);
            w.endNest(svc);
        }))).isInstanceOf(MalformedMessageException.class).hasMessageContaining("attribute type 3 is missing");
        assertThatThrownBy(() -> IpvsCodec.decodeService(message(IpvsCommands.NEW_SERVICE, w -> {
            int svc = w.beginNest(CMD_ATTR_SERVICE);
            ipv4Service(w);
            w.u16(SVC_ATTR_PROTOCOL, 50); // ESP: IPVS knows it, this library does not
            w.endNest(svc);
        }))).isInstanceOf(MalformedMessageException.class).hasMessageContaining("unsupported IP protocol 50");
        assertThatThrownBy(() -> IpvsCodec.decodeDestination(message(IpvsCommands.NEW_DEST, w -> {
            int d = w.beginNest(CMD_ATTR_DEST);
            w.bytes(DEST_ATTR_ADDR, new byte[] {10, 0, 0, 1}, 16);
            w.be16(DEST_ATTR_PORT, 80);
            w.u32(DEST_ATTR_FWD_METHOD, 4); // bypass
            w.u32(DEST_ATTR_WEIGHT, 1);
            w.endNest(d);
        }), ServiceKey.AF_INET)).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> IpvsCodec.decodeDestination(message(IpvsCommands.NEW_DEST, w -> {
            int d = w.beginNest(CMD_ATTR_DEST);
            w.bytes(DEST_ATTR_ADDR, new byte[] {10, 0});
            w.endNest(d);
        }), ServiceKey.AF_INET)).isInstanceOf(MalformedMessageException.class).hasMessageContaining("2 bytes");
    }

    @Test
    void truncatedCapturedMessagesAreMalformed() {
        ByteBuffer d = HexFixtures.datagrams("dest-dump-traffic").get(0);
        // Cut the datagram inside the destination nest: the message length now runs past the end.
        ByteBuffer cut = ByteBuffer.wrap(java.util.Arrays.copyOf(d.array(), 200)).order(ByteOrder.nativeOrder());
        assertThatThrownBy(() -> NetlinkMessages.parse(cut)).isInstanceOf(MalformedMessageException.class);

        // Same bytes with the message length shrunk to match: the nest length now runs past the end.
        ByteBuffer shrunk = ByteBuffer.wrap(java.util.Arrays.copyOf(d.array(), 200)).order(ByteOrder.nativeOrder());
        shrunk.putInt(0, 200);
        NetlinkMessage m = NetlinkMessages.parse(shrunk).get(0);
        assertThatThrownBy(() -> IpvsCodec.decodeDestination(m, ServiceKey.AF_INET))
            .isInstanceOf(MalformedMessageException.class)
            .hasMessageContaining("claims length 380");
    }

    @Test
    void messageWithoutGenlHeaderIsMalformed() {
        NetlinkMessageWriter w = new NetlinkMessageWriter(ByteBuffer.allocate(64));
        w.endMessage(w.beginMessage(FAMILY, 0, 1));
        NetlinkMessage m = NetlinkMessages.parse(w.flip()).get(0);
        assertThatThrownBy(() -> IpvsCodec.decodeInfo(m)).isInstanceOf(MalformedMessageException.class);
    }
}

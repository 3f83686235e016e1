package io.ipvsproxier.ipvs;

import static io.ipvsproxier.ipvs.HexFixtures.format;
import static io.ipvsproxier.ipvs.HexFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.Netlink;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Request bytes, checked against the reference's cross-checked examples and against ipvsadm's encoding rules. */
class IpvsCodecEncodeTest {
    private static final int FAMILY = 0x24;
    private static final int REQUEST_ACK = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK;
    private final IpvsCodec codec = new IpvsCodec(FAMILY);

    private static InetAddress ip(String s) {
        return Addresses.parse(s);
    }

    private static final ServiceKey TCP_VIP = ServiceKey.of(Protocol.TCP, ip("10.96.0.10"), 80);

    /** Compares as hex text, so a failure shows where the bytes differ. */
    private static void assertBytes(byte[] actual, String expectedHex) {
        assertThat(format(actual)).isEqualTo(format(parse(expectedHex)));
    }

    @Test
    void exampleBNewServiceTcpRr() {
        byte[] b = IpvsCodec.encode(codec.newService(VirtualServer.of(TCP_VIP, "rr")), REQUEST_ACK, 2);
        assertBytes(b, """
            68 00 00 00 24 00 05 00 02 00 00 00 00 00 00 00
            01 01 00 00 54 00 01 00 06 00 01 00 02 00 .. ..
            06 00 02 00 06 00 .. .. 14 00 03 00 0a 60 00 0a
            00 00 00 00 00 00 00 00 00 00 00 00 06 00 04 00
            00 50 .. .. 07 00 06 00 72 72 00 .. 0c 00 07 00
            00 00 00 00 ff ff ff ff 08 00 08 00 00 00 00 00
            08 00 09 00 ff ff ff ff
            """);
    }

    @Test
    void exampleCNewDestinationMasq() {
        RealServer rs = RealServer.masq(ip("10.244.1.5"), 8080, 1);
        byte[] b = IpvsCodec.encode(codec.newDestination(TCP_VIP, rs), REQUEST_ACK, 3);
        assertBytes(b, """
            8c 00 00 00 24 00 05 00 03 00 00 00 00 00 00 00
            05 01 00 00 30 00 01 00 06 00 01 00 02 00 .. ..
            06 00 02 00 06 00 .. .. 14 00 03 00 0a 60 00 0a
            00 00 00 00 00 00 00 00 00 00 00 00 06 00 04 00
            00 50 .. .. 48 00 02 00 14 00 01 00 0a f4 01 05
            00 00 00 00 00 00 00 00 00 00 00 00 06 00 02 00
            1f 90 .. .. 08 00 03 00 00 00 00 00 08 00 04 00
            01 00 00 00 08 00 05 00 00 00 00 00 08 00 06 00
            00 00 00 00 06 00 0b 00 02 00 .. ..
            """);
    }

    @Test
    void ipv6PersistentServiceWithEngineAndSchedulerFlags() {
        ServiceKey key = ServiceKey.of(Protocol.UDP, ip("fd00::10"), 53);
        VirtualServer vs = new VirtualServer(key, "sh", ServiceFlags.PERSISTENT | ServiceFlags.SCHED1 | ServiceFlags.SCHED2,
            10800, 64, "sip");
        byte[] b = IpvsCodec.encode(codec.setService(vs), REQUEST_ACK, 9);
        assertBytes(b, """
            70 00 00 00 24 00 05 00 09 00 00 00 00 00 00 00
            02 01 00 00 5c 00 01 00 06 00 01 00 0a 00 .. ..
            06 00 02 00 11 00 .. .. 14 00 03 00 fd 00 00 00
            00 00 00 00 00 00 00 00 00 00 00 10 06 00 04 00
            00 35 .. .. 07 00 06 00 73 68 00 .. 08 00 0b 00
            73 69 70 00 0c 00 07 00 19 00 00 00 ff ff ff ff
            08 00 08 00 30 2a 00 00 08 00 09 00 40 00 00 00
            """);
    }

    @Test
    void ipv4NetmaskIsBigEndianAndFlagsNeverCarryHashed() {
        VirtualServer vs = new VirtualServer(TCP_VIP, "wlc", ServiceFlags.PERSISTENT | ServiceFlags.HASHED, 300,
            0xffffff00, null);
        byte[] b = IpvsCodec.encode(codec.newService(vs), REQUEST_ACK, 1);
        // FLAGS at 0x4c: flags 1 (HASHED dropped), full mask; TIMEOUT 300; NETMASK ff ff ff 00 (/24).
        assertThat(b).hasSize(0x68);
        assertThat(format(java.util.Arrays.copyOfRange(b, 0x4c, 0x68))).isEqualTo(format(parse(
            "0c 00 07 00 01 00 00 00 ff ff ff ff 08 00 08 00 2c 01 00 00 08 00 09 00 ff ff ff 00")));
    }

    @Test
    void fwmarkServiceIdentityIsFamilyAndMark() {
        byte[] b = IpvsCodec.encode(codec.deleteService(ServiceKey.ofFwmark(ServiceKey.AF_INET6, 7)), REQUEST_ACK, 5);
        assertBytes(b, """
            28 00 00 00 24 00 05 00 05 00 00 00 00 00 00 00
            03 01 00 00 14 00 01 00 06 00 01 00 0a 00 .. ..
            08 00 05 00 07 00 00 00
            """);
    }

    @Test
    void deleteDestinationCarriesIdentityAddressPortAndFamily() {
        byte[] b = IpvsCodec.encode(codec.deleteDestination(TCP_VIP, ip("10.244.1.5"), 8080), REQUEST_ACK, 4);
        assertBytes(b, """
            6c 00 00 00 24 00 05 00 04 00 00 00 00 00 00 00
            07 01 00 00 30 00 01 00 06 00 01 00 02 00 .. ..
            06 00 02 00 06 00 .. .. 14 00 03 00 0a 60 00 0a
            00 00 00 00 00 00 00 00 00 00 00 00 06 00 04 00
            00 50 .. .. 28 00 02 00 14 00 01 00 0a f4 01 05
            00 00 00 00 00 00 00 00 00 00 00 00 06 00 02 00
            1f 90 .. .. 06 00 0b 00 02 00 .. ..
            """);
    }

    @Test
    void updateDestinationWithEveryFieldAndMixedFamilyTunnel() {
        ServiceKey v6 = ServiceKey.of(Protocol.SCTP, ip("2001:db8::1"), 3868);
        RealServer rs = new RealServer(ip("192.0.2.7"), 3868, 0, ForwardingMethod.TUNNEL, 100, 10);
        byte[] b = IpvsCodec.encode(codec.setDestination(v6, rs), REQUEST_ACK, 6);
        assertBytes(b, """
            8c 00 00 00 24 00 05 00 06 00 00 00 00 00 00 00
            06 01 00 00 30 00 01 00 06 00 01 00 0a 00 .. ..
            06 00 02 00 84 00 .. .. 14 00 03 00 20 01 0d b8
            00 00 00 00 00 00 00 00 00 00 00 01 06 00 04 00
            0f 1c .. .. 48 00 02 00 14 00 01 00 c0 00 02 07
            00 00 00 00 00 00 00 00 00 00 00 00 06 00 02 00
            0f 1c .. .. 08 00 03 00 02 00 00 00 08 00 04 00
            00 00 00 00 08 00 05 00 64 00 00 00 08 00 06 00
            0a 00 00 00 06 00 0b 00 02 00 .. ..
            """);
    }

    @Test
    void globalCommandsHaveNoAttributesExceptTimeouts() {
        assertBytes(IpvsCodec.encode(codec.flush(), REQUEST_ACK, 1),
            "14 00 00 00 24 00 05 00 01 00 00 00 00 00 00 00 11 01 00 00");
        assertBytes(IpvsCodec.encode(codec.zero(Optional.empty()), REQUEST_ACK, 1),
            "14 00 00 00 24 00 05 00 01 00 00 00 00 00 00 00 10 01 00 00");
        assertBytes(IpvsCodec.encode(codec.getInfo(), REQUEST_ACK, 1),
            "14 00 00 00 24 00 05 00 01 00 00 00 00 00 00 00 0f 01 00 00");
        assertBytes(IpvsCodec.encode(codec.getConfig(), REQUEST_ACK, 1),
            "14 00 00 00 24 00 05 00 01 00 00 00 00 00 00 00 0d 01 00 00");
        assertBytes(IpvsCodec.encode(codec.getServices(), Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP, 1),
            "14 00 00 00 24 00 01 03 01 00 00 00 00 00 00 00 04 01 00 00");
        assertBytes(IpvsCodec.encode(codec.setConfig(new IpvsTimeouts(900, 0, 300)), REQUEST_ACK, 1), """
            2c 00 00 00 24 00 05 00 01 00 00 00 00 00 00 00
            0c 01 00 00 08 00 04 00 84 03 00 00 08 00 05 00
            00 00 00 00 08 00 06 00 2c 01 00 00
            """);
    }

    @Test
    void zeroOneServiceAndListItsDestinationsCarryTheIdentity() {
        byte[] zero = IpvsCodec.encode(codec.zero(Optional.of(TCP_VIP)), REQUEST_ACK, 1);
        byte[] dests = IpvsCodec.encode(codec.getDestinations(TCP_VIP), Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP, 1);
        byte[] get = IpvsCodec.encode(codec.getService(TCP_VIP), REQUEST_ACK, 1);
        String identity = """

            30 00 01 00 06 00 01 00 02 00 .. .. 06 00 02 00 06 00 .. .. 14 00 03 00 0a 60 00 0a
            00 00 00 00 00 00 00 00 00 00 00 00 06 00 04 00 00 50 .. ..""";
        assertBytes(zero, "44 00 00 00 24 00 05 00 01 00 00 00 00 00 00 00 10 01 00 00" + identity);
        assertBytes(dests, "44 00 00 00 24 00 01 03 01 00 00 00 00 00 00 00 08 01 00 00" + identity);
        assertBytes(get, "44 00 00 00 24 00 05 00 01 00 00 00 00 00 00 00 04 01 00 00" + identity);
    }

    @Test
    void requestsCarryCommandDescriptionAndIdempotenceRule() {
        RealServer rs = RealServer.masq(ip("10.244.1.5"), 8080, 1);
        IpvsRequest addService = codec.request(new IpvsOperation.AddService(VirtualServer.of(TCP_VIP, "rr")));
        IpvsRequest addDest = codec.request(new IpvsOperation.AddDestination(TCP_VIP, rs));
        IpvsRequest updateService = codec.request(new IpvsOperation.UpdateService(VirtualServer.of(TCP_VIP, "rr")));
        IpvsRequest updateDest = codec.request(new IpvsOperation.UpdateDestination(TCP_VIP, rs));
        IpvsRequest delService = codec.request(new IpvsOperation.DeleteService(TCP_VIP));
        IpvsRequest delDest = codec.request(new IpvsOperation.DeleteDestination(TCP_VIP, rs.endpoint()));

        assertThat(addService.describe()).isEqualTo("add service TCP 10.96.0.10:80");
        assertThat(addDest.describe()).isEqualTo("add destination 10.244.1.5:8080 to TCP 10.96.0.10:80");
        assertThat(updateService.describe()).isEqualTo("update service TCP 10.96.0.10:80");
        assertThat(updateDest.describe()).isEqualTo("update destination 10.244.1.5:8080 of TCP 10.96.0.10:80");
        assertThat(delService.describe()).isEqualTo("delete service TCP 10.96.0.10:80");
        assertThat(delDest.describe()).isEqualTo("delete destination 10.244.1.5:8080 from TCP 10.96.0.10:80");
        assertThat(codec.deleteService(ServiceKey.of(Protocol.UDP, ip("fd00::a"), 53)).describe())
            .isEqualTo("delete service UDP [fd00::a]:53");

        assertThat(addService.command()).isEqualTo(IpvsCommands.NEW_SERVICE);
        assertThat(updateService.command()).isEqualTo(IpvsCommands.SET_SERVICE);
        assertThat(delService.command()).isEqualTo(IpvsCommands.DEL_SERVICE);
        assertThat(addDest.command()).isEqualTo(IpvsCommands.NEW_DEST);
        assertThat(updateDest.command()).isEqualTo(IpvsCommands.SET_DEST);
        assertThat(delDest.command()).isEqualTo(IpvsCommands.DEL_DEST);
        assertThat(addService.type()).isEqualTo(FAMILY);

        assertThat(addService.alreadyDone(Errno.EEXIST)).isTrue();
        assertThat(addService.alreadyDone(Errno.ENOENT)).isFalse();
        assertThat(addDest.alreadyDone(Errno.EEXIST)).isTrue();
        assertThat(addDest.alreadyDone(Errno.ESRCH)).isFalse();
        assertThat(delService.alreadyDone(Errno.ESRCH)).isTrue();
        assertThat(delService.alreadyDone(Errno.EINVAL)).isFalse();
        assertThat(delDest.alreadyDone(Errno.ENOENT)).isTrue();
        assertThat(delDest.alreadyDone(Errno.ESRCH)).isTrue();
        assertThat(updateService.alreadyDone(Errno.ESRCH)).isFalse();
        assertThat(updateDest.alreadyDone(Errno.ENOENT)).isFalse();
        assertThat(addService.alreadyDone(0)).isFalse();
    }

    @Test
    void familyIdMustBeAGenericNetlinkId() {
        assertThatThrownBy(() -> new IpvsCodec(3)).isInstanceOf(IllegalArgumentException.class);
    }
}

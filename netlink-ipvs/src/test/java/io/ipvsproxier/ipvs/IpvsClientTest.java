package io.ipvsproxier.ipvs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ipvsproxier.netlink.Attributes;
import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.FakeNetlinkSocket;
import io.ipvsproxier.netlink.GenericNetlink;
import io.ipvsproxier.netlink.Netlink;
import io.ipvsproxier.netlink.NetlinkConnection;
import io.ipvsproxier.netlink.NetlinkMessage;
import io.ipvsproxier.netlink.NetlinkMessages;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The client's protocol logic against a scripted kernel that replays captured replies. What the real
 * kernel does with these requests is covered by IpvsClientKernelTest in the kernel lab.
 */
class IpvsClientTest {
    private static final int FAMILY = 0x1c;

    private static final ServiceKey TCP = ServiceKey.of(Protocol.TCP, ip("10.96.0.10"), 80);

    private static InetAddress ip(String s) {
        return Addresses.parse(s);
    }

    /** The captured datagrams of {@code fixture}, with every message's seq rewritten to {@code seq}. */
    private static List<byte[]> replay(String fixture, int seq) {
        List<byte[]> out = new ArrayList<>();
        for (ByteBuffer d : HexFixtures.datagrams(fixture)) {
            byte[] b = d.array().clone();
            ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
            int pos = 0;
            while (pos + Netlink.HEADER_LENGTH <= b.length) {
                w.putInt(pos + 8, seq);
                pos += Netlink.align(w.getInt(pos));
            }
            out.add(b);
        }
        return out;
    }

    /** A kernel that knows the IPVS family and answers IPVS requests with {@code ipvs}. */
    private static FakeNetlinkSocket kernel(AtomicInteger familyId, FakeNetlinkSocket.Kernel ipvs) {
        return new FakeNetlinkSocket((m, s) -> {
            if (m.type() == GenericNetlink.GENL_ID_CTRL) {
                if (familyId.get() == 0) {
                    s.reply(FakeNetlinkSocket.error(m, Errno.ENOENT, null));
                    return;
                }
                s.reply(FakeNetlinkSocket.datagram(w -> FakeNetlinkSocket.genlMessage(w, GenericNetlink.GENL_ID_CTRL, 0,
                    m.seq(), 1, a -> a.string(GenericNetlink.CTRL_ATTR_FAMILY_NAME, "IPVS")
                        .u16(GenericNetlink.CTRL_ATTR_FAMILY_ID, familyId.get()))));
                s.reply(FakeNetlinkSocket.ack(m));
            } else if (m.type() != familyId.get()) {
                s.reply(FakeNetlinkSocket.error(m, Errno.ENOENT, null)); // a stale family id
            } else {
                ipvs.handle(m, s);
            }
        });
    }

    private static FakeNetlinkSocket kernel(FakeNetlinkSocket.Kernel ipvs) {
        return kernel(new AtomicInteger(FAMILY), ipvs);
    }

    @Test
    void missingIpvsFamilyIsReportedAsUnavailableWithTheModuleName() {
        FakeNetlinkSocket socket = kernel(new AtomicInteger(0), (m, s) -> { });
        assertThatThrownBy(() -> new IpvsClient(new NetlinkConnection(socket)))
            .isInstanceOfSatisfying(IpvsUnavailableException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
            .hasMessage("this kernel has no IPVS (module ip_vs is not loaded): load it with 'modprobe ip_vs'");
    }

    @Test
    void resolvesTheFamilyOnceAndUsesItAsMessageType() {
        List<Integer> types = new ArrayList<>();
        FakeNetlinkSocket socket = kernel((m, s) -> {
            types.add(m.type());
            replay("info", m.seq()).forEach(s::reply);
        });
        try (IpvsClient client = new IpvsClient(new NetlinkConnection(socket))) {
            assertThat(client.codec().familyId()).isEqualTo(FAMILY);
            assertThat(client.info()).isEqualTo(new IpvsInfo(0x010201, 4096));
            assertThat(client.info().version()).isEqualTo("1.2.1");
        }
        assertThat(types).containsExactly(FAMILY, FAMILY);
        // GETFAMILY + two GET_INFO; each reply and its ACK came back in one receive call.
        assertThat(socket.counter().sends()).isEqualTo(3);
        assertThat(socket.counter().receives()).isEqualTo(3);
    }

    @Test
    void serviceIsEmptyOnEsrch() {
        FakeNetlinkSocket socket = kernel((m, s) -> replay("error-esrch", m.seq()).forEach(s::reply));
        try (IpvsClient client = new IpvsClient(new NetlinkConnection(socket))) {
            assertThat(client.service(TCP)).isEmpty();
        }
    }

    @Test
    void serviceDecodesTheDoitReply() {
        FakeNetlinkSocket socket = kernel((m, s) -> replay("service-get-ipv6-persistent", m.seq()).forEach(s::reply));
        try (IpvsClient client = new IpvsClient(new NetlinkConnection(socket))) {
            assertThat(client.service(TCP)).map(e -> e.server().scheduler()).contains("sh");
        }
    }

    @Test
    void refusedCommandsThrowWithErrnoCommandAndIpvsadmText() {
        FakeNetlinkSocket socket = kernel((m, s) -> s.reply(FakeNetlinkSocket.error(m, Errno.EEXIST, null)));
        try (IpvsClient client = new IpvsClient(new NetlinkConnection(socket))) {
            assertThatThrownBy(() -> client.addService(VirtualServer.of(TCP, "rr")))
                .isInstanceOfSatisfying(IpvsException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                    assertThat(e.command()).isEqualTo(IpvsCommands.NEW_SERVICE);
                    assertThat(e.ipvsadmMessage()).isEqualTo("Service already exists");
                })
                .hasMessage("add service TCP 10.96.0.10:80: EEXIST (File exists)");
            assertThatThrownBy(() -> client.addDestination(TCP, RealServer.masq(ip("10.244.1.5"), 8080, 1)))
                .isInstanceOfSatisfying(IpvsException.class,
                    e -> assertThat(e.ipvsadmMessage()).isEqualTo("Destination already exists"));
        }
    }

    @Test
    void destinationsOfAMissingServiceIsEsrchNotAnEmptyList() {
        List<Integer> commands = new ArrayList<>();
        FakeNetlinkSocket socket = kernel((m, s) -> {
            commands.add(m.genlCommand());
            if (m.genlCommand() == IpvsCommands.GET_DEST) {
                s.reply(FakeNetlinkSocket.done(m)); // what the kernel answers for a missing service
            } else {
                replay("error-esrch", m.seq()).forEach(s::reply);
            }
        });
        try (IpvsClient client = new IpvsClient(new NetlinkConnection(socket))) {
            assertThatThrownBy(() -> client.destinations(TCP))
                .isInstanceOfSatisfying(IpvsException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ESRCH);
                    assertThat(e.ipvsadmMessage()).isEqualTo("No such service");
                });
        }
        assertThat(commands).containsExactly(IpvsCommands.GET_DEST, IpvsCommands.GET_SERVICE);
    }

    @Test
    void destinationsDecodesTheDump() {
        FakeNetlinkSocket socket = kernel((m, s) -> {
            assertThat(m.flags() & Netlink.NLM_F_DUMP).isEqualTo(Netlink.NLM_F_DUMP);
            replay("dest-dump-forwarding", m.seq()).forEach(s::reply);
        });
        try (IpvsClient client = new IpvsClient(new NetlinkConnection(socket))) {
            assertThat(client.destinations(TCP)).extracting(d -> d.server().endpoint().toString())
                .containsExactly("10.244.1.7:443", "10.244.1.6:443", "10.244.1.5:8443");
        }
    }

    /** The service identity nest of a request, read back. */
    private static ServiceKey identity(Attributes nest) {
        int af = nest.u16(IpvsAttributes.SVC_ATTR_AF);
        if (nest.has(IpvsAttributes.SVC_ATTR_FWMARK)) {
            return ServiceKey.ofFwmark(af, nest.u32(IpvsAttributes.SVC_ATTR_FWMARK));
        }
        byte[] addr = nest.bytes(IpvsAttributes.SVC_ATTR_ADDR);
        try {
            return ServiceKey.of(Protocol.ofNumber(nest.u16(IpvsAttributes.SVC_ATTR_PROTOCOL)),
                InetAddress.getByAddress(af == ServiceKey.AF_INET ? java.util.Arrays.copyOf(addr, 4) : addr),
                nest.be16(IpvsAttributes.SVC_ATTR_PORT));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void dumpReadsServicesThenTheDestinationsOfEach() {
        List<ServiceKey> asked = new ArrayList<>();
        FakeNetlinkSocket socket = kernel((m, s) -> {
            if (m.genlCommand() == IpvsCommands.GET_SERVICE) {
                replay("service-dump", m.seq()).forEach(s::reply);
                return;
            }
            asked.add(identity(m.attributes(4).nested(IpvsAttributes.CMD_ATTR_SERVICE)));
            boolean forwarding = asked.get(asked.size() - 1).equals(ServiceKey.of(Protocol.TCP, ip("10.96.0.11"), 443));
            replay(forwarding ? "dest-dump-forwarding" : "dest-dump-traffic", m.seq()).forEach(s::reply);
        });
        List<ServiceState> state;
        try (IpvsClient client = new IpvsClient(new NetlinkConnection(socket))) {
            state = client.dump();
        }
        assertThat(state).hasSize(6);
        assertThat(asked).containsExactlyElementsOf(state.stream().map(st -> st.service().key()).toList());
        ServiceState forwarding = state.stream()
            .filter(s -> s.service().key().equals(ServiceKey.of(Protocol.TCP, ip("10.96.0.11"), 443))).findFirst().orElseThrow();
        assertThat(forwarding.destinations()).hasSize(3);
    }

    @Test
    void staleFamilyIdIsResolvedAgainAndTheRequestRepeated() {
        AtomicInteger familyId = new AtomicInteger(FAMILY);
        List<Integer> types = new ArrayList<>();
        FakeNetlinkSocket socket = kernel(familyId, (m, s) -> {
            types.add(m.type());
            s.reply(FakeNetlinkSocket.ack(m));
        });
        try (IpvsClient client = new IpvsClient(new NetlinkConnection(socket))) {
            familyId.set(0x1d); // ip_vs reloaded
            client.flush();
            assertThat(client.codec().familyId()).isEqualTo(0x1d);
        }
        assertThat(types).containsExactly(0x1d);
    }

    @Test
    void unknownSchedulerEnoentIsNotMistakenForAStaleFamily() {
        FakeNetlinkSocket socket = kernel((m, s) -> replay("error-enoent-scheduler", m.seq()).forEach(s::reply));
        try (IpvsClient client = new IpvsClient(new NetlinkConnection(socket))) {
            assertThatThrownBy(() -> client.addService(VirtualServer.of(TCP, "nosuch")))
                .isInstanceOfSatisfying(IpvsException.class,
                    e -> assertThat(e.ipvsadmMessage()).isEqualTo("Scheduler or persistence engine not found"));
            assertThat(client.codec().familyId()).isEqualTo(FAMILY);
        }
    }

    @Test
    void applyBatchesOperationsAndReportsEachOutcome() {
        FakeNetlinkSocket socket = kernel((m, s) -> {
            if (m.genlCommand() == IpvsCommands.NEW_DEST) {
                s.reply(FakeNetlinkSocket.error(m, Errno.EEXIST, null));
            } else if (m.hasFlag(Netlink.NLM_F_ACK)) {
                s.reply(FakeNetlinkSocket.ack(m));
            }
        });
        RealServer rs = RealServer.masq(ip("10.244.1.5"), 8080, 1);
        List<IpvsOperation> ops = List.of(
            new IpvsOperation.AddService(VirtualServer.of(TCP, "rr")),
            new IpvsOperation.AddDestination(TCP, rs),
            new IpvsOperation.UpdateDestination(TCP, rs.withWeight(0)));
        try (IpvsClient client = new IpvsClient(new NetlinkConnection(socket))) {
            BatchResult strict = client.apply(ops, false);
            assertThat(strict.outcomes()).extracting(BatchResult.Outcome::status).containsExactly(
                BatchResult.Status.OK, BatchResult.Status.FAILED, BatchResult.Status.OK);
            assertThat(((IpvsRequest) strict.request(1)).command()).isEqualTo(IpvsCommands.NEW_DEST);

            BatchResult idempotent = client.apply(ops, true);
            assertThat(idempotent.allSucceeded()).isTrue();
            assertThat(idempotent.outcome(1).status()).isEqualTo(BatchResult.Status.ALREADY_DONE);
        }
        // GETFAMILY, then one send per batch.
        assertThat(socket.sends()).hasSize(3);
        List<NetlinkMessage> batch = NetlinkMessages.parse(ByteBuffer.wrap(socket.sends().get(1)));
        assertThat(batch).extracting(NetlinkMessage::genlCommand)
            .containsExactly(IpvsCommands.NEW_SERVICE, IpvsCommands.NEW_DEST, IpvsCommands.SET_DEST);
    }

    @Test
    void zeroAllSendsNoServiceAndZeroOneSendsItsIdentity() {
        List<Integer> payloadLengths = new ArrayList<>();
        FakeNetlinkSocket socket = kernel((m, s) -> {
            payloadLengths.add(m.payload().limit());
            s.reply(FakeNetlinkSocket.ack(m));
        });
        try (IpvsClient client = new IpvsClient(new NetlinkConnection(socket))) {
            client.zero(Optional.empty());
            client.zero(Optional.of(TCP));
        }
        assertThat(payloadLengths).containsExactly(4, 4 + 48);
    }
}

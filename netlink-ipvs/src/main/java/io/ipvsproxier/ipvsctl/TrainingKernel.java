package io.ipvsproxier.ipvsctl;

import io.ipvsproxier.ipvs.IpvsAttributes;
import io.ipvsproxier.ipvs.IpvsCommands;
import io.ipvsproxier.netlink.Attributes;
import io.ipvsproxier.netlink.GenericNetlink;
import io.ipvsproxier.netlink.Netlink;
import io.ipvsproxier.netlink.NetlinkMessage;
import io.ipvsproxier.netlink.NetlinkMessageWriter;
import io.ipvsproxier.netlink.NetlinkMessages;
import io.ipvsproxier.netlink.NetlinkSocket;
import io.ipvsproxier.netlink.SyscallCounter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A stand-in for the kernel's IPVS, for {@link CdsTraining} only: answers over an in-memory socket the way
 * the kernel does (the family lookup, ACKs, dumps ended by DONE), keeping the services and destinations it
 * was sent as their raw attribute nests and dumping them back unchanged. With it, a training run on a build
 * machine without IPVS still walks the client's batch, dump and decode paths, whose classes and lambdas
 * would otherwise be missing from the archive and be loaded, verified and spun at every real run.
 * It models no kernel rule (duplicates, missing services, the destinations of one service): what it is sent
 * is what it lists.
 */
final class TrainingKernel implements NetlinkSocket {
    private static final int FAMILY_ID = 0x20;
    private static final int PORT_ID = 4242;

    private final Deque<ByteBuffer> replies = new ArrayDeque<>();
    private final List<byte[]> services = new ArrayList<>();
    private final List<byte[]> destinations = new ArrayList<>();
    private final SyscallCounter counter = new SyscallCounter();

    @Override
    public void send(ByteBuffer buf) {
        // The replies to one send go back as one datagram, which the client parses message by message.
        NetlinkMessageWriter w = new NetlinkMessageWriter(1 << 20);
        for (NetlinkMessage m : NetlinkMessages.parse(buf.duplicate().order(ByteOrder.nativeOrder()))) {
            handle(m, w);
        }
        ByteBuffer datagram = w.flip();
        if (datagram.hasRemaining()) {
            replies.add(datagram);
        }
    }

    private void handle(NetlinkMessage m, NetlinkMessageWriter w) {
        if (m.type() == GenericNetlink.GENL_ID_CTRL) {
            int start = w.beginMessage(GenericNetlink.GENL_ID_CTRL, 0, m.seq());
            w.genlHeader(GenericNetlink.CTRL_CMD_GETFAMILY, 2).u16(GenericNetlink.CTRL_ATTR_FAMILY_ID, FAMILY_ID)
                .string(GenericNetlink.CTRL_ATTR_FAMILY_NAME, "IPVS").u32(GenericNetlink.CTRL_ATTR_VERSION, 1)
                .u32(GenericNetlink.CTRL_ATTR_MAXATTR, IpvsAttributes.CMD_ATTR_TIMEOUT_UDP);
            w.endMessage(start);
        } else if (m.hasFlag(Netlink.NLM_F_DUMP)) {
            List<byte[]> table = m.genlCommand() == IpvsCommands.GET_SERVICE ? services : destinations;
            int attribute = table == services ? IpvsAttributes.CMD_ATTR_SERVICE : IpvsAttributes.CMD_ATTR_DEST;
            int reply = table == services ? IpvsCommands.NEW_SERVICE : IpvsCommands.NEW_DEST;
            for (byte[] nest : table) {
                int start = w.beginMessage(FAMILY_ID, Netlink.NLM_F_MULTI, m.seq());
                w.genlHeader(reply, IpvsCommands.GENL_VERSION).bytes(attribute, nest);
                w.endMessage(start);
            }
            int done = w.beginMessage(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, m.seq());
            w.rawU32(0);
            w.endMessage(done);
        } else {
            Attributes a = m.attributes(GenericNetlink.GENL_HEADER_LENGTH);
            switch (m.genlCommand()) {
                case IpvsCommands.NEW_SERVICE -> services.add(a.bytes(IpvsAttributes.CMD_ATTR_SERVICE));
                case IpvsCommands.NEW_DEST -> destinations.add(a.bytes(IpvsAttributes.CMD_ATTR_DEST));
                case IpvsCommands.FLUSH -> {
                    services.clear();
                    destinations.clear();
                }
                case IpvsCommands.GET_INFO -> {
                    int start = w.beginMessage(FAMILY_ID, 0, m.seq());
                    w.genlHeader(IpvsCommands.SET_INFO, IpvsCommands.GENL_VERSION)
                        .u32(IpvsAttributes.INFO_ATTR_VERSION, 0x010201).u32(IpvsAttributes.INFO_ATTR_CONN_TAB_SIZE, 4096);
                    w.endMessage(start);
                }
                case IpvsCommands.GET_CONFIG -> {
                    int start = w.beginMessage(FAMILY_ID, 0, m.seq());
                    w.genlHeader(IpvsCommands.SET_CONFIG, IpvsCommands.GENL_VERSION)
                        .u32(IpvsAttributes.CMD_ATTR_TIMEOUT_TCP, 900).u32(IpvsAttributes.CMD_ATTR_TIMEOUT_TCP_FIN, 120)
                        .u32(IpvsAttributes.CMD_ATTR_TIMEOUT_UDP, 300);
                    w.endMessage(start);
                }
                default -> { }
            }
        }
        if (!m.hasFlag(Netlink.NLM_F_DUMP) && m.hasFlag(Netlink.NLM_F_ACK)) {
            // struct nlmsgerr with error 0 and the request's header (NETLINK_CAP_ACK: no payload)
            int start = w.beginMessage(Netlink.NLMSG_ERROR, 0, m.seq());
            w.rawU32(0).rawU32(16).rawU16(m.type()).rawU16(m.flags()).rawU32(m.seq()).rawU32(m.pid());
            w.endMessage(start);
        }
    }

    @Override
    public int receive(ByteBuffer buf) {
        ByteBuffer next = replies.poll();
        if (next == null) {
            throw new IllegalStateException("the training kernel has no reply queued");
        }
        buf.clear();
        buf.put(next).flip();
        return buf.limit();
    }

    @Override
    public int portId() {
        return PORT_ID;
    }

    @Override
    public void joinGroup(int group) {
        throw new IllegalStateException("the training kernel sends no events: no group to join");
    }

    @Override
    public SyscallCounter counter() {
        return counter;
    }

    @Override
    public void close() {
        replies.clear();
    }
}

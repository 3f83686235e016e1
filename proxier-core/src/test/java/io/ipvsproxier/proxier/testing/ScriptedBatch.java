package io.ipvsproxier.proxier.testing;

import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.Netlink;
import io.ipvsproxier.netlink.NetlinkConnection;
import io.ipvsproxier.netlink.NetlinkException;
import io.ipvsproxier.netlink.NetlinkMessage;
import io.ipvsproxier.netlink.NetlinkMessageWriter;
import io.ipvsproxier.netlink.NetlinkMessages;
import io.ipvsproxier.netlink.NetlinkRequest;
import io.ipvsproxier.netlink.NetlinkSocket;
import io.ipvsproxier.netlink.SyscallCounter;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Builds the {@link BatchResult} of a fake batch the way the real client does: the operations go through a real
 * {@link NetlinkConnection} over a socket that answers each message with the errno the fake decided (an ACK for the
 * last one of a send, an NLMSG_ERROR for a refusal) and can lose replies (ENOBUFS) from a given operation on. So
 * outcomes, ALREADY_DONE handling and UNKNOWN after lost replies are the connection's own.
 */
final class ScriptedBatch {
    private static final int FAKE_FAMILY = 0x20;

    private ScriptedBatch() {}

    /**
     * @param errnos        per operation: 0 when the kernel accepted it, else the errno it refused it with
     * @param loseFrom      index of the first operation whose reply is lost, or -1
     */
    static BatchResult run(List<IpvsOperation> ops, int[] errnos, int loseFrom, boolean idempotent) {
        List<NetlinkRequest> requests = new ArrayList<>(ops.size());
        for (IpvsOperation op : ops) {
            requests.add(new OperationRequest(op));
        }
        try (NetlinkConnection connection = new NetlinkConnection(new ScriptedSocket(errnos, loseFrom))) {
            return connection.batch(requests, idempotent);
        }
    }

    /** The netlink face of one operation: an empty genl message that knows which errnos mean "already done". */
    private record OperationRequest(IpvsOperation op) implements NetlinkRequest {
        @Override
        public int type() {
            return FAKE_FAMILY;
        }

        @Override
        public void writeBody(NetlinkMessageWriter w) {
            w.genlHeader(0, 1);
        }

        @Override
        public boolean alreadyDone(int errno) {
            if (op instanceof IpvsOperation.AddService || op instanceof IpvsOperation.AddDestination) {
                return errno == Errno.EEXIST;
            }
            if (op instanceof IpvsOperation.DeleteService) {
                return errno == Errno.ESRCH;
            }
            if (op instanceof IpvsOperation.DeleteDestination) {
                return errno == Errno.ENOENT || errno == Errno.ESRCH;
            }
            return false;
        }

        @Override
        public String describe() {
            return op.toString();
        }
    }

    /** Answers sends from the script; one reply per datagram. */
    private static final class ScriptedSocket implements NetlinkSocket {
        private static final ByteBuffer LOST = ByteBuffer.allocate(0);
        private final int[] errnos;
        private final int loseFrom;
        private final Deque<ByteBuffer> replies = new ArrayDeque<>();
        private final SyscallCounter counter = new SyscallCounter();
        private int next;

        ScriptedSocket(int[] errnos, int loseFrom) {
            this.errnos = errnos;
            this.loseFrom = loseFrom;
        }

        @Override
        public void send(ByteBuffer buf) {
            for (NetlinkMessage m : NetlinkMessages.parse(buf)) {
                int index = next++;
                if (loseFrom >= 0 && index >= loseFrom) {
                    if (replies.isEmpty() || replies.peekLast() != LOST) {
                        replies.add(LOST);
                    }
                    continue;
                }
                int errno = errnos[index];
                if (errno != 0 || m.hasFlag(Netlink.NLM_F_ACK)) {
                    replies.add(errorReply(m, errno));
                }
            }
        }

        @Override
        public int receive(ByteBuffer buf) {
            ByteBuffer reply = replies.poll();
            if (reply == null) {
                throw new NetlinkException("recvmsg", Errno.EAGAIN, null);
            }
            if (reply == LOST) {
                throw new NetlinkException("recvmsg", Errno.ENOBUFS, null);
            }
            buf.clear();
            buf.put(reply.duplicate());
            int length = buf.position();
            buf.position(0).limit(length);
            return length;
        }

        private static ByteBuffer errorReply(NetlinkMessage request, int errno) {
            NetlinkMessageWriter w = new NetlinkMessageWriter(64);
            int start = w.beginMessage(Netlink.NLMSG_ERROR, Netlink.NLM_F_CAPPED, request.seq());
            w.rawU32(-errno);
            // The request's header, as the kernel echoes it (capped: without the payload).
            w.rawU32(Netlink.HEADER_LENGTH + request.payload().limit());
            w.rawU16(request.type());
            w.rawU16(request.flags());
            w.rawU32(request.seq());
            w.rawU32(request.pid());
            w.endMessage(start);
            ByteBuffer flipped = w.flip();
            ByteBuffer copy = ByteBuffer.allocate(flipped.remaining());
            copy.put(flipped).flip();
            return copy;
        }

        @Override
        public int portId() {
            return 4242;
        }

        @Override
        public void joinGroup(int group) {
        }

        @Override
        public SyscallCounter counter() {
            return counter;
        }

        @Override
        public void close() {
        }
    }
}

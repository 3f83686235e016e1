package io.ipvsproxier.netlink;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Request/response over one netlink socket: sequence numbers, ACKs, errors with extended-ACK text,
 * dump assembly and batches. One exchange at a time: methods are synchronized, so threads may share a
 * connection but never interleave their replies.
 */
public final class NetlinkConnection implements AutoCloseable {
    /** The kernel refuses a send longer than SO_SNDBUF - 32; stay well inside the default 212992. */
    public static final int DEFAULT_MAX_SEND_BYTES = 200 * 1024;
    /** Dump parts are at most 32 KiB; a 64 KiB buffer never truncates a datagram. */
    private static final int RECEIVE_BUFFER_BYTES = 64 * 1024;
    /**
     * Datagrams read per receive call: a reply and its ACK, a small dump with its DONE, or several error
     * replies of a batch come back in one system call instead of one each.
     */
    private static final int RECEIVE_SLOTS = 8;
    /** Bounds the ACK/error backlog of one batch window (each reply costs ~1 KiB of receive buffer). */
    private static final int MAX_OPS_PER_SEND = 4096;
    private static final int DUMP_RETRIES = 5;

    private final NetlinkSocket socket;
    private final NetlinkMessageWriter writer;
    private final ByteBuffer[] receiveSlots = new ByteBuffer[RECEIVE_SLOTS];
    private int seq = (int) (System.nanoTime() & 0x3fffffff);

    public NetlinkConnection(NetlinkSocket socket) {
        this(socket, DEFAULT_MAX_SEND_BYTES);
    }

    public NetlinkConnection(NetlinkSocket socket, int maxSendBytes) {
        this.socket = socket;
        this.writer = new NetlinkMessageWriter(maxSendBytes);
        for (int i = 0; i < RECEIVE_SLOTS; i++) {
            receiveSlots[i] = ByteBuffer.allocateDirect(RECEIVE_BUFFER_BYTES).order(ByteOrder.nativeOrder());
        }
    }

    public NetlinkSocket socket() {
        return socket;
    }

    /**
     * Sends one request with an ACK and returns the data replies that came before the ACK.
     *
     * @throws NetlinkException carrying the kernel's errno and extended-ACK message when it refused
     */
    public synchronized List<NetlinkMessage> call(NetlinkRequest request) {
        int s = nextSeq();
        writer.clear();
        int start = writer.beginMessage(request.type(), Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | request.flags(), s);
        request.writeBody(writer);
        writer.endMessage(start);
        socket.send(writer.flip());
        List<NetlinkMessage> data = new ArrayList<>();
        while (true) {
            for (NetlinkMessage m : receiveMessages(request)) {
                if (m.seq() != s) {
                    continue; // a late reply to an abandoned exchange
                }
                if (m.isError()) {
                    NetlinkMessages.ErrorReply e = NetlinkMessages.error(m);
                    if (!e.isAck()) {
                        throw new NetlinkException(request.describe(), e.errno(), e.kernelMessage());
                    }
                    return data;
                }
                data.add(m);
            }
        }
    }

    /**
     * Runs a dump and hands every part to {@code sink}. A dump the kernel marks as interrupted
     * (NLM_F_DUMP_INTR: the state changed while it ran) is restarted, so the sink sees one consistent
     * snapshot; parts are buffered until the dump completes for that reason.
     */
    public synchronized void dump(NetlinkRequest request, Consumer<NetlinkMessage> sink) {
        for (int attempt = 0; ; attempt++) {
            List<NetlinkMessage> parts = new ArrayList<>();
            boolean interrupted = dumpOnce(request, parts::add);
            if (!interrupted || attempt == DUMP_RETRIES) {
                parts.forEach(sink);
                return;
            }
        }
    }

    /** Like {@link #dump} but streams parts to the sink as they arrive, without the retry on NLM_F_DUMP_INTR. */
    public synchronized boolean dumpStreaming(NetlinkRequest request, Consumer<NetlinkMessage> sink) {
        return dumpOnce(request, sink);
    }

    private boolean dumpOnce(NetlinkRequest request, Consumer<NetlinkMessage> sink) {
        int s = nextSeq();
        writer.clear();
        int start = writer.beginMessage(request.type(), Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP | request.flags(), s);
        request.writeBody(writer);
        writer.endMessage(start);
        socket.send(writer.flip());
        boolean interrupted = false;
        while (true) {
            for (NetlinkMessage m : receiveMessages(request)) {
                if (m.seq() != s) {
                    continue;
                }
                if (m.hasFlag(Netlink.NLM_F_DUMP_INTR)) {
                    interrupted = true;
                }
                if (m.isDone()) {
                    int status = NetlinkMessages.doneStatus(m);
                    if (status != 0) {
                        throw new NetlinkException(request.describe(), status, null);
                    }
                    return interrupted;
                }
                if (m.isError()) {
                    NetlinkMessages.ErrorReply e = NetlinkMessages.error(m);
                    if (e.isAck()) {
                        return interrupted;
                    }
                    throw new NetlinkException(request.describe(), e.errno(), e.kernelMessage());
                }
                sink.accept(m);
            }
        }
    }

    /**
     * Sends many requests with as few sends as possible. Only the last request of each send asks for an
     * ACK: the kernel runs a send's messages in order, so once that ACK (or error) is read, every earlier
     * error of the same send has been read too; successes produce no reply at all.
     *
     * @param idempotent when true, an errno the request calls {@link NetlinkRequest#alreadyDone} counts as
     *     done rather than failed
     */
    public synchronized BatchResult batch(List<? extends NetlinkRequest> requests, boolean idempotent) {
        long sends0 = socket.counter().sends();
        long receives0 = socket.counter().receives();
        BatchResult.Outcome[] outcomes = new BatchResult.Outcome[requests.size()];
        int next = 0;
        while (next < requests.size()) {
            writer.clear();
            int firstSeq = seq + 1;
            int first = next;
            int lastStart = -1;
            while (next < requests.size() && next - first < MAX_OPS_PER_SEND) {
                NetlinkRequest r = requests.get(next);
                int mark = writer.position();
                try {
                    int start = writer.beginMessage(r.type(), Netlink.NLM_F_REQUEST | r.flags(), firstSeq + (next - first));
                    r.writeBody(writer);
                    writer.endMessage(start);
                    lastStart = start;
                    next++;
                } catch (BufferOverflowException full) {
                    writer.truncate(mark);
                    if (next == first) {
                        throw new NetlinkException(r.describe() + ": a single message exceeds the send limit of "
                            + writer.capacity() + " bytes", full);
                    }
                    break;
                }
            }
            writer.setFlags(lastStart, writer.flagsAt(lastStart) | Netlink.NLM_F_ACK);
            seq = firstSeq + (next - first) - 1;
            int lastSeq = seq;
            try {
                socket.send(writer.flip());
            } catch (NetlinkException e) {
                // Nothing of this window reached the kernel.
                for (int i = first; i < next; i++) {
                    outcomes[i] = new BatchResult.Outcome(i, BatchResult.Status.FAILED, e.errno(), e.getMessage());
                }
                continue;
            }
            if (!collectWindow(requests, outcomes, first, firstSeq, lastSeq, idempotent)) {
                // Replies were lost: what the kernel did with this window and whatever follows is unknown.
                for (int i = first; i < requests.size(); i++) {
                    if (outcomes[i] == null) {
                        outcomes[i] = new BatchResult.Outcome(i, BatchResult.Status.UNKNOWN, Errno.ENOBUFS, null);
                    }
                }
                break;
            }
        }
        return new BatchResult(requests, outcomes,
            socket.counter().sends() - sends0, socket.counter().receives() - receives0);
    }

    /** Reads replies of one window until the reply to its last message; false when replies were lost. */
    private boolean collectWindow(List<? extends NetlinkRequest> requests, BatchResult.Outcome[] outcomes,
                                  int first, int firstSeq, int lastSeq, boolean idempotent) {
        int count = lastSeq - firstSeq + 1;
        while (true) {
            int datagrams;
            try {
                datagrams = socket.receiveMany(receiveSlots);
            } catch (NetlinkException e) {
                if (e.errno() == Errno.ENOBUFS) {
                    return false;
                }
                throw e;
            }
            // Parsed in place: outcomes keep nothing of the messages, so the slots may be reused.
            List<NetlinkMessage> messages = new ArrayList<>();
            for (int d = 0; d < datagrams; d++) {
                messages.addAll(NetlinkMessages.parse(receiveSlots[d]));
            }
            for (NetlinkMessage m : messages) {
                int offset = m.seq() - firstSeq;
                if (!m.isError() || offset < 0 || offset >= count) {
                    continue;
                }
                int index = first + offset;
                NetlinkMessages.ErrorReply e = NetlinkMessages.error(m);
                if (e.isAck()) {
                    outcomes[index] = new BatchResult.Outcome(index, BatchResult.Status.OK, 0, null);
                } else if (idempotent && requests.get(index).alreadyDone(e.errno())) {
                    outcomes[index] = new BatchResult.Outcome(index, BatchResult.Status.ALREADY_DONE, e.errno(), e.kernelMessage());
                } else {
                    outcomes[index] = new BatchResult.Outcome(index, BatchResult.Status.FAILED, e.errno(), e.kernelMessage());
                }
                if (offset == count - 1) {
                    for (int i = first; i < first + count; i++) {
                        if (outcomes[i] == null) {
                            outcomes[i] = new BatchResult.Outcome(i, BatchResult.Status.OK, 0, null);
                        }
                    }
                    return true;
                }
            }
        }
    }

    /**
     * The messages of the next datagrams (as many as are queued, up to the slot count), parsed from private
     * copies: the receive slots are overwritten by the next receive, while callers keep data replies until
     * the ACK and dump parts until DONE, which arrive in later datagrams.
     */
    private List<NetlinkMessage> receiveMessages(NetlinkRequest request) {
        try {
            int datagrams = socket.receiveMany(receiveSlots);
            if (datagrams == 1) {
                return NetlinkMessages.parse(copyOf(receiveSlots[0]));
            }
            List<NetlinkMessage> out = new ArrayList<>();
            for (int d = 0; d < datagrams; d++) {
                out.addAll(NetlinkMessages.parse(copyOf(receiveSlots[d])));
            }
            return out;
        } catch (NetlinkException e) {
            if (e.errno() == Errno.EAGAIN) {
                throw new NetlinkException(request.describe() + ": no reply from the kernel before the receive timeout", e);
            }
            throw e;
        }
    }

    private static ByteBuffer copyOf(ByteBuffer datagram) {
        ByteBuffer copy = ByteBuffer.allocate(datagram.remaining()).order(ByteOrder.nativeOrder());
        copy.put(datagram.duplicate()).flip();
        return copy;
    }

    private int nextSeq() {
        return ++seq;
    }

    @Override
    public void close() {
        socket.close();
    }
}

package io.ipvsproxier.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * A netlink socket whose "kernel" is a test-supplied handler: every message sent is parsed and handed to
 * the handler, which queues reply datagrams (or a receive error such as ENOBUFS) like the kernel would.
 * Records every send for assertions.
 */
public final class FakeNetlinkSocket implements NetlinkSocket {

    /** Reacts to one request message by queueing replies on the socket. */
    public interface Kernel {
        void handle(NetlinkMessage request, FakeNetlinkSocket socket);
    }

    private final Kernel kernel;
    private final Deque<Object> queue = new ArrayDeque<>();
    private final List<byte[]> sends = new ArrayList<>();
    private final SyscallCounter counter = new SyscallCounter();
    private boolean multiReceive = true;

    public FakeNetlinkSocket(Kernel kernel) {
        this.kernel = kernel;
    }

    /** When false, {@link #receiveMany} returns one datagram per call, like a platform without recvmmsg. */
    public FakeNetlinkSocket multiReceive(boolean enabled) {
        this.multiReceive = enabled;
        return this;
    }

    /** Every datagram sent, in order. */
    public List<byte[]> sends() {
        return sends;
    }

    /** The messages of the {@code i}-th send. */
    public List<NetlinkMessage> sentMessages(int i) {
        return NetlinkMessages.parse(ByteBuffer.wrap(sends.get(i)).order(ByteOrder.nativeOrder()));
    }

    /** Queues one reply datagram. */
    public void reply(byte[] datagram) {
        queue.add(datagram);
    }

    /** Makes a later receive fail with {@code errno}, after the datagrams queued so far. */
    public void failReceive(int errno) {
        queue.add(new NetlinkException("recvfrom(netlink)", errno, null));
    }

    @Override
    public void send(ByteBuffer buf) {
        counter.countSend();
        byte[] b = new byte[buf.remaining()];
        buf.duplicate().get(b);
        sends.add(b);
        for (NetlinkMessage m : NetlinkMessages.parse(ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()))) {
            kernel.handle(m, this);
        }
    }

    @Override
    public int receive(ByteBuffer buf) {
        counter.countReceive();
        return take(buf);
    }

    @Override
    public int receiveMany(ByteBuffer[] buffers) {
        counter.countReceive();
        int n = 0;
        take(buffers[n++]);
        while (multiReceive && n < buffers.length && !queue.isEmpty() && queue.peek() instanceof byte[]) {
            take(buffers[n++]);
        }
        return n;
    }

    private int take(ByteBuffer buf) {
        Object next = queue.poll();
        if (next == null) {
            throw new NetlinkException("recvfrom(netlink)", Errno.EAGAIN, null);
        }
        if (next instanceof NetlinkException e) {
            throw e;
        }
        byte[] d = (byte[]) next;
        buf.clear();
        buf.put(d);
        buf.limit(d.length).position(0);
        return d.length;
    }

    @Override
    public int portId() {
        return 4242;
    }

    @Override
    public void joinGroup(int group) {
        throw new IllegalStateException("the fake socket joins no groups");
    }

    @Override
    public SyscallCounter counter() {
        return counter;
    }

    @Override
    public void close() {
        queue.clear();
    }

    // ------------------------------------------------------------------ reply builders

    /** An ACK (NLMSG_ERROR with error 0, capped) for {@code request}. */
    public static byte[] ack(NetlinkMessage request) {
        return error(request, 0, null);
    }

    /** An NLMSG_ERROR for {@code request} with a positive {@code errno} and an optional extended-ACK message. */
    public static byte[] error(NetlinkMessage request, int errno, String kernelMessage) {
        int flags = Netlink.NLM_F_CAPPED | (kernelMessage != null ? Netlink.NLM_F_ACK_TLVS : 0);
        return datagram(w -> {
            int start = w.beginMessage(Netlink.NLMSG_ERROR, flags, request.seq());
            w.rawU32(-errno);
            w.rawU32(Netlink.HEADER_LENGTH + request.payload().limit()).rawU16(request.type()).rawU16(request.flags())
                .rawU32(request.seq()).rawU32(0);
            if (kernelMessage != null) {
                w.string(Netlink.NLMSGERR_ATTR_MSG, kernelMessage);
            }
            w.endMessage(start);
        });
    }

    /** NLMSG_DONE (status 0) for the dump {@code request}. */
    public static byte[] done(NetlinkMessage request) {
        return datagram(w -> {
            int start = w.beginMessage(Netlink.NLMSG_DONE, Netlink.NLM_F_MULTI, request.seq());
            w.rawU32(0);
            w.endMessage(start);
        });
    }

    /** One datagram holding whatever {@code body} writes (one or more messages). */
    public static byte[] datagram(Consumer<NetlinkMessageWriter> body) {
        NetlinkMessageWriter w = new NetlinkMessageWriter(ByteBuffer.allocate(64 * 1024));
        body.accept(w);
        ByteBuffer b = w.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** A generic netlink reply message with the request's seq. */
    public static void genlMessage(NetlinkMessageWriter w, int type, int flags, int seq, int cmd,
                                   Consumer<NetlinkMessageWriter> attributes) {
        int start = w.beginMessage(type, flags, seq);
        w.genlHeader(cmd, 1);
        attributes.accept(w);
        w.endMessage(start);
    }
}

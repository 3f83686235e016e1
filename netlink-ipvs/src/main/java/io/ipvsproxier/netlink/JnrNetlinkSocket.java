package io.ipvsproxier.netlink;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;

/** A netlink socket over libc through JNR-FFI. Not thread-safe: one exchange at a time per socket. */
public final class JnrNetlinkSocket implements NetlinkSocket {
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOCKADDR_NL_LENGTH = 12;
    /** Large enough for any ACK backlog a batch window can produce; needs CAP_NET_ADMIN, which netlink writes need anyway. */
    private static final int RECEIVE_BUFFER_BYTES = 16 << 20;
    /** recvmmsg(2): after the first datagram, take only what is already queued. */
    private static final int MSG_WAITFORONE = 0x10000;
    /** struct mmsghdr on LP64: struct msghdr (56 bytes) + unsigned msg_len + 4 bytes of padding. */
    private static final int MMSGHDR_LENGTH = 64;
    private static final int MSGHDR_IOV = 16;
    private static final int MSGHDR_IOVLEN = 24;
    private static final int MSGHDR_FLAGS = 48;
    private static final int MMSGHDR_MSG_LEN = 56;
    private static final int IOVEC_LENGTH = 16;
    private static final int MSG_TRUNC = 0x20;

    private static volatile LibC libc;
    private static volatile Runtime runtime;

    private final int fd;
    private final int portId;
    private final SyscallCounter counter = new SyscallCounter();
    private volatile boolean closed;
    /** The struct mmsghdr + struct iovec arrays built for {@link #vectorBuffers}, reused while it is the same array. */
    private ByteBuffer vector;
    private ByteBuffer[] vectorBuffers;

    private JnrNetlinkSocket(int fd, int portId) {
        this.fd = fd;
        this.portId = portId;
    }

    /**
     * Opens, configures (extended ACKs, capped ACKs, a large receive buffer, a receive timeout) and binds a
     * socket of the given netlink protocol, e.g. {@link Netlink#NETLINK_GENERIC} or {@link Netlink#NETLINK_ROUTE}.
     */
    public static JnrNetlinkSocket open(int protocol, Duration receiveTimeout) {
        LibC c = lib();
        int fd = c.socket(Netlink.AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw new NetlinkException("socket(AF_NETLINK, " + protocol + ")", lastErrno(), null);
        }
        try {
            setInt(c, fd, Netlink.SOL_NETLINK, Netlink.NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
            // Error replies then carry only the request header: an error-heavy batch cannot flood the queue.
            setInt(c, fd, Netlink.SOL_NETLINK, Netlink.NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK");
            if (c.setsockopt(fd, Netlink.SOL_SOCKET, Netlink.SO_RCVBUFFORCE, intBuffer(RECEIVE_BUFFER_BYTES), 4) < 0) {
                setInt(c, fd, Netlink.SOL_SOCKET, Netlink.SO_RCVBUF, RECEIVE_BUFFER_BYTES, "SO_RCVBUF");
            }
            if (c.setsockopt(fd, Netlink.SOL_SOCKET, Netlink.SO_SNDBUFFORCE, intBuffer(1 << 20), 4) < 0) {
                setInt(c, fd, Netlink.SOL_SOCKET, Netlink.SO_SNDBUF, 1 << 20, "SO_SNDBUF");
            }
            ByteBuffer tv = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
            tv.putLong(0, receiveTimeout.toSeconds()).putLong(8, receiveTimeout.toMillisPart() * 1000L);
            if (c.setsockopt(fd, Netlink.SOL_SOCKET, Netlink.SO_RCVTIMEO, tv, 16) < 0) {
                throw new NetlinkException("setsockopt(SO_RCVTIMEO)", lastErrno(), null);
            }
            ByteBuffer addr = ByteBuffer.allocateDirect(SOCKADDR_NL_LENGTH).order(ByteOrder.nativeOrder());
            addr.putShort(0, (short) Netlink.AF_NETLINK);
            if (c.bind(fd, addr, SOCKADDR_NL_LENGTH) < 0) {
                throw new NetlinkException("bind(AF_NETLINK)", lastErrno(), null);
            }
            if (c.getsockname(fd, addr, intBuffer(SOCKADDR_NL_LENGTH)) < 0) {
                throw new NetlinkException("getsockname(AF_NETLINK)", lastErrno(), null);
            }
            return new JnrNetlinkSocket(fd, addr.getInt(4));
        } catch (RuntimeException e) {
            c.close(fd);
            throw e;
        }
    }

    /** The effective SO_SNDBUF; a single send may carry at most this minus 32 bytes. */
    public int sendBufferSize() {
        return getInt(Netlink.SO_SNDBUF, "SO_SNDBUF");
    }

    /** The effective SO_RCVBUF in bytes of kernel accounting (truesize). */
    public int receiveBufferSize() {
        return getInt(Netlink.SO_RCVBUF, "SO_RCVBUF");
    }

    private int getInt(int option, String what) {
        ByteBuffer value = intBuffer(0);
        if (lib().getsockopt(fd, Netlink.SOL_SOCKET, option, value, intBuffer(4)) < 0) {
            throw new NetlinkException("getsockopt(" + what + ")", lastErrno(), null);
        }
        return value.getInt(0);
    }

    @Override
    public void send(ByteBuffer buf) {
        ByteBuffer direct = buf.isDirect() && buf.position() == 0 ? buf : copyToDirect(buf);
        long len = direct.remaining();
        while (true) {
            counter.countSend();
            long n = lib().sendto(fd, direct, len, 0, null, 0);
            if (n >= 0) {
                return;
            }
            int errno = lastErrno();
            if (errno != Errno.EINTR) {
                throw new NetlinkException("sendto(netlink, " + len + " bytes)", errno, null);
            }
        }
    }

    @Override
    public int receive(ByteBuffer buf) {
        while (true) {
            counter.countReceive();
            long n = lib().recvfrom(fd, buf, buf.capacity(), 0, null, null);
            if (n >= 0) {
                buf.limit((int) n).position(0);
                return (int) n;
            }
            int errno = lastErrno();
            if (errno != Errno.EINTR) {
                throw new NetlinkException("recvfrom(netlink)", errno, null);
            }
        }
    }

    @Override
    public int receiveMany(ByteBuffer[] buffers) {
        if (buffers.length == 1) {
            receive(buffers[0]);
            return 1;
        }
        ByteBuffer vec = vectorFor(buffers);
        while (true) {
            counter.countReceive();
            int n = lib().recvmmsg(fd, vec, buffers.length, MSG_WAITFORONE, null);
            if (n > 0) {
                for (int i = 0; i < n; i++) {
                    int base = i * MMSGHDR_LENGTH;
                    if ((vec.getInt(base + MSGHDR_FLAGS) & MSG_TRUNC) != 0) {
                        throw new MalformedMessageException("a netlink datagram was longer than the "
                            + buffers[i].capacity() + "-byte receive buffer and was truncated");
                    }
                    buffers[i].limit(vec.getInt(base + MMSGHDR_MSG_LEN)).position(0);
                }
                return n;
            }
            int errno = n == 0 ? Errno.EAGAIN : lastErrno();
            if (errno != Errno.EINTR) {
                throw new NetlinkException("recvmmsg(netlink)", errno, null);
            }
        }
    }

    /** One struct mmsghdr per buffer, each with one struct iovec covering that whole (direct) buffer. */
    private ByteBuffer vectorFor(ByteBuffer[] buffers) {
        if (vectorBuffers == buffers) {
            return vector;
        }
        int n = buffers.length;
        ByteBuffer vec = ByteBuffer.allocateDirect(n * (MMSGHDR_LENGTH + IOVEC_LENGTH)).order(ByteOrder.nativeOrder());
        long vecAddress = MemoryIO.getInstance().getDirectBufferAddress(vec);
        for (int i = 0; i < n; i++) {
            ByteBuffer b = buffers[i];
            if (!b.isDirect()) {
                throw new IllegalArgumentException("receiveMany needs direct buffers");
            }
            int iov = n * MMSGHDR_LENGTH + i * IOVEC_LENGTH;
            vec.putLong(iov, MemoryIO.getInstance().getDirectBufferAddress(b)).putLong(iov + 8, b.capacity());
            vec.putLong(i * MMSGHDR_LENGTH + MSGHDR_IOV, vecAddress + iov).putLong(i * MMSGHDR_LENGTH + MSGHDR_IOVLEN, 1);
        }
        vector = vec;
        vectorBuffers = buffers;
        return vec;
    }

    @Override
    public int portId() {
        return portId;
    }

    @Override
    public void joinGroup(int group) {
        setInt(lib(), fd, Netlink.SOL_NETLINK, Netlink.NETLINK_ADD_MEMBERSHIP, group, "NETLINK_ADD_MEMBERSHIP " + group);
    }

    /** Enables NETLINK_GET_STRICT_CHK, so rtnetlink dumps honour the filter fields of the request. */
    public void enableStrictChecking() {
        setInt(lib(), fd, Netlink.SOL_NETLINK, Netlink.NETLINK_GET_STRICT_CHK, 1, "NETLINK_GET_STRICT_CHK");
    }

    @Override
    public SyscallCounter counter() {
        return counter;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            lib().close(fd);
        }
    }

    /** A C int in native byte order, for the calls that take or fill one through a pointer. */
    private static ByteBuffer intBuffer(int value) {
        return ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putInt(0, value);
    }

    private static ByteBuffer copyToDirect(ByteBuffer buf) {
        ByteBuffer d = ByteBuffer.allocateDirect(buf.remaining()).order(ByteOrder.nativeOrder());
        d.put(buf.duplicate()).flip();
        return d;
    }

    private static void setInt(LibC c, int fd, int level, int opt, int value, String what) {
        if (c.setsockopt(fd, level, opt, intBuffer(value), 4) < 0) {
            throw new NetlinkException("setsockopt(" + what + ")", lastErrno(), null);
        }
    }

    private static int lastErrno() {
        return LastError.getLastError(runtime);
    }

    private static LibC lib() {
        LibC c = libc;
        if (c == null) {
            synchronized (JnrNetlinkSocket.class) {
                if (libc == null) {
                    LibC loaded = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
                    runtime = Runtime.getRuntime(loaded);
                    libc = loaded;
                }
                c = libc;
            }
        }
        return c;
    }
}

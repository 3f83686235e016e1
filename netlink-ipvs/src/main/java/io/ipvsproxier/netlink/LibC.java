package io.ipvsproxier.netlink;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** The few libc calls netlink needs; bound once by {@link JnrNetlinkSocket}. errno is saved per call. */
public interface LibC {
    int socket(int domain, int type, int protocol);

    int bind(int fd, @In ByteBuffer addr, int addrlen);

    int getsockname(int fd, @Out ByteBuffer addr, IntByReference addrlen);

    @ssize_t long sendto(int fd, @In ByteBuffer buf, @size_t long len, int flags, @In ByteBuffer dest, int addrlen);

    @ssize_t long recvfrom(int fd, @Out ByteBuffer buf, @size_t long len, int flags, Pointer src, Pointer addrlen);

    /** Receives up to {@code vlen} datagrams; {@code msgvec} is an array of struct mmsghdr (read and written). */
    int recvmmsg(int fd, ByteBuffer msgvec, int vlen, int flags, Pointer timeout);

    int setsockopt(int fd, int level, int optname, @In IntByReference optval, int optlen);

    int setsockopt(int fd, int level, int optname, @In ByteBuffer optval, int optlen);

    int getsockopt(int fd, int level, int optname, @Out IntByReference optval, IntByReference optlen);

    int close(int fd);
}

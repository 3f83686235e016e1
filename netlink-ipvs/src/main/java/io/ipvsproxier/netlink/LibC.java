package io.ipvsproxier.netlink;

import java.nio.ByteBuffer;

/**
 * The few libc calls netlink needs; bound once by {@link JnrNetlinkSocket}. errno is saved per call.
 *
 * <p>Every pointer is a direct {@link ByteBuffer} (null for NULL) and every size_t or ssize_t a Java
 * {@code long}, which JNR passes as a 64-bit integer: the same thing on the 64-bit Linux this runs on.
 * Nothing here carries a JNR annotation or a by-reference type on purpose: JNR reads each annotation
 * through a proxy class generated at run time, which no class data sharing archive can hold, and a
 * one-shot command like {@code ipvsctl} paid for nine of them at every start.
 */
public interface LibC {
    int socket(int domain, int type, int protocol);

    int bind(int fd, ByteBuffer addr, int addrlen);

    /** {@code addrlen}: a 4-byte buffer holding the size of {@code addr}, updated by the call. */
    int getsockname(int fd, ByteBuffer addr, ByteBuffer addrlen);

    long sendto(int fd, ByteBuffer buf, long len, int flags, ByteBuffer dest, int addrlen);

    long recvfrom(int fd, ByteBuffer buf, long len, int flags, ByteBuffer src, ByteBuffer addrlen);

    /** Receives up to {@code vlen} datagrams; {@code msgvec} is an array of struct mmsghdr (read and written). */
    int recvmmsg(int fd, ByteBuffer msgvec, int vlen, int flags, ByteBuffer timeout);

    int setsockopt(int fd, int level, int optname, ByteBuffer optval, int optlen);

    /** {@code optlen}: a 4-byte buffer holding the size of {@code optval}, updated by the call. */
    int getsockopt(int fd, int level, int optname, ByteBuffer optval, ByteBuffer optlen);

    int close(int fd);
}

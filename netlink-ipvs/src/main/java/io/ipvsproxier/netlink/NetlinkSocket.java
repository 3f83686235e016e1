package io.ipvsproxier.netlink;

import java.nio.ByteBuffer;

/**
 * A raw netlink socket: the only seam between the protocol code and the operating system. The
 * production implementation is {@link JnrNetlinkSocket}; tests may replay captured datagrams instead.
 */
public interface NetlinkSocket extends AutoCloseable {

    /** Sends the bytes from {@code buf}'s position to its limit as one datagram to the kernel. */
    void send(ByteBuffer buf);

    /**
     * Receives one datagram into {@code buf} (from index 0), sets the buffer's position to 0 and its limit
     * to the datagram's length, and returns that length.
     *
     * @throws NetlinkException with errno EAGAIN on receive timeout, ENOBUFS when the kernel dropped
     *     replies because the receive queue overflowed
     */
    int receive(ByteBuffer buf);

    /** The port id the kernel assigned to this socket. */
    int portId();

    /** Joins a multicast group (for event subscriptions). */
    void joinGroup(int group);

    /** Counts of send and receive system calls made on this socket. */
    SyscallCounter counter();

    @Override
    void close();
}

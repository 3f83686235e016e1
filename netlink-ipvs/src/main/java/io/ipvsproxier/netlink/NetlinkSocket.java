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

    /**
     * Receives up to {@code buffers.length} datagrams with one system call where the platform allows: waits
     * for the first like {@link #receive}, then takes only datagrams already queued. Each filled buffer gets
     * position 0 and limit = its datagram's length; the return value is how many were filled (at least 1).
     * Netlink makes the next dump part when a part is read, so one call can read a whole small dump.
     * The default makes one {@link #receive}.
     *
     * @throws NetlinkException like {@link #receive}, when not even one datagram could be read
     */
    default int receiveMany(ByteBuffer[] buffers) {
        receive(buffers[0]);
        return 1;
    }

    /** The port id the kernel assigned to this socket. */
    int portId();

    /** Joins a multicast group (for event subscriptions). */
    void joinGroup(int group);

    /** Counts of send and receive system calls made on this socket. */
    SyscallCounter counter();

    @Override
    void close();
}

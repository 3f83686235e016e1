package io.ipvsproxier.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes netlink messages back to back into one buffer, so that many requests can go out in a single
 * send. Pure codec: no I/O. Lengths of messages and nests are back-patched when they end; padding is
 * always zero. Writing past the buffer's capacity throws {@link java.nio.BufferOverflowException}, after
 * which the caller may {@link #truncate(int)} to the start of the partly written message.
 */
public final class NetlinkMessageWriter {
    private final ByteBuffer buf;

    public NetlinkMessageWriter(int capacity) {
        this(ByteBuffer.allocateDirect(capacity));
    }

    public NetlinkMessageWriter(ByteBuffer buffer) {
        this.buf = buffer.order(ByteOrder.nativeOrder());
        buf.clear();
    }

    /** Forgets everything written. */
    public void clear() {
        buf.clear();
    }

    /** Bytes written so far. */
    public int position() {
        return buf.position();
    }

    public int capacity() {
        return buf.capacity();
    }

    /** Drops everything from {@code position} on (used to take back a message that did not fit). */
    public void truncate(int position) {
        buf.position(position);
    }

    /** Starts a message; returns its offset, to be passed to {@link #endMessage(int)}. */
    public int beginMessage(int type, int flags, int seq) {
        int start = buf.position();
        buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
        return start;
    }

    /** Finishes the message started at {@code start}: patches its length and pads to 4 bytes. */
    public void endMessage(int start) {
        buf.putInt(start, buf.position() - start);
        pad();
    }

    /** Rewrites the flags of the message at {@code start}. */
    public void setFlags(int start, int flags) {
        buf.putShort(start + 6, (short) flags);
    }

    public int flagsAt(int start) {
        return Short.toUnsignedInt(buf.getShort(start + 6));
    }

    /** The 4-byte generic netlink header. */
    public NetlinkMessageWriter genlHeader(int cmd, int version) {
        buf.put((byte) cmd).put((byte) version).putShort((short) 0);
        return this;
    }

    public NetlinkMessageWriter rawU8(int v) {
        buf.put((byte) v);
        return this;
    }

    public NetlinkMessageWriter rawU16(int v) {
        buf.putShort((short) v);
        return this;
    }

    public NetlinkMessageWriter rawU32(int v) {
        buf.putInt(v);
        return this;
    }

    public NetlinkMessageWriter u8(int type, int v) {
        header(type, 1);
        buf.put((byte) v);
        pad();
        return this;
    }

    public NetlinkMessageWriter u16(int type, int v) {
        header(type, 2);
        buf.putShort((short) v);
        pad();
        return this;
    }

    /** A 16-bit value in network byte order (ports). */
    public NetlinkMessageWriter be16(int type, int v) {
        header(type, 2);
        buf.put((byte) (v >>> 8)).put((byte) v);
        pad();
        return this;
    }

    public NetlinkMessageWriter u32(int type, int v) {
        header(type, 4);
        buf.putInt(v);
        return this;
    }

    /** A 32-bit value in network byte order. */
    public NetlinkMessageWriter be32(int type, int v) {
        header(type, 4);
        buf.put((byte) (v >>> 24)).put((byte) (v >>> 16)).put((byte) (v >>> 8)).put((byte) v);
        return this;
    }

    public NetlinkMessageWriter u64(int type, long v) {
        header(type, 8);
        buf.putLong(v);
        return this;
    }

    public NetlinkMessageWriter bytes(int type, byte[] v) {
        return bytes(type, v, v.length);
    }

    /** {@code v} zero-padded (or cut) to {@code length} bytes, e.g. an IPv4 address in a 16-byte union. */
    public NetlinkMessageWriter bytes(int type, byte[] v, int length) {
        header(type, length);
        int n = Math.min(length, v.length);
        buf.put(v, 0, n);
        for (int i = n; i < length; i++) {
            buf.put((byte) 0);
        }
        pad();
        return this;
    }

    /** A NUL-terminated string (accepted by both NLA_STRING and NLA_NUL_STRING policies). */
    public NetlinkMessageWriter string(int type, String v) {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        header(type, b.length + 1);
        buf.put(b).put((byte) 0);
        pad();
        return this;
    }

    /** Starts a nested attribute; returns its offset for {@link #endNest(int)}. */
    public int beginNest(int type) {
        int start = buf.position();
        header(type, 0);
        return start;
    }

    public void endNest(int start) {
        buf.putShort(start, (short) (buf.position() - start));
    }

    /** A view of the bytes written so far, for sending (position 0, limit = bytes written). */
    public ByteBuffer flip() {
        ByteBuffer view = buf.duplicate().order(buf.order());
        view.flip();
        return view;
    }

    private void header(int type, int payloadLength) {
        buf.putShort((short) (Netlink.NLA_HEADER_LENGTH + payloadLength)).putShort((short) type);
    }

    private void pad() {
        while ((buf.position() & (Netlink.ALIGNTO - 1)) != 0) {
            buf.put((byte) 0);
        }
    }
}

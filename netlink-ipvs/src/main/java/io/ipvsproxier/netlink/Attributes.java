package io.ipvsproxier.netlink;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The attributes (TLVs) of one level, indexed by type with the NESTED / byte-order bits masked off.
 * Unknown types are kept and simply never asked for; when a type repeats, the last one wins, as in the
 * kernel's own nla_parse.
 */
public final class Attributes {
    private static final Attributes EMPTY = new Attributes(new ByteBuffer[0]);
    private final ByteBuffer[] byType;

    private Attributes(ByteBuffer[] byType) {
        this.byType = byType;
    }

    /** Parses the TLVs in {@code buf} from position 0 to its limit. */
    public static Attributes parse(ByteBuffer buf) {
        ByteBuffer[] byType = new ByteBuffer[16];
        int pos = 0;
        int end = buf.limit();
        while (end - pos >= Netlink.NLA_HEADER_LENGTH) {
            int len = Short.toUnsignedInt(buf.getShort(pos));
            int type = Short.toUnsignedInt(buf.getShort(pos + 2)) & Netlink.NLA_TYPE_MASK;
            if (len < Netlink.NLA_HEADER_LENGTH || len > end - pos) {
                throw new MalformedMessageException(
                    "attribute type " + type + " at offset " + pos + " claims length " + len + " but " + (end - pos) + " bytes remain");
            }
            if (type >= byType.length) {
                byType = Arrays.copyOf(byType, Math.max(type + 1, byType.length * 2));
            }
            byType[type] = NetlinkMessages.slice(buf, pos + Netlink.NLA_HEADER_LENGTH, len - Netlink.NLA_HEADER_LENGTH);
            pos += Netlink.align(len);
        }
        // Fewer than 4 trailing bytes are ignored, as the kernel's nla_parse does.
        return byType.length == 0 ? EMPTY : new Attributes(byType);
    }

    public boolean has(int type) {
        return type < byType.length && byType[type] != null;
    }

    /** The raw payload of {@code type}, or null. */
    public ByteBuffer get(int type) {
        return type < byType.length ? byType[type] : null;
    }

    public int u8(int type) {
        return Byte.toUnsignedInt(require(type, 1).get(0));
    }

    public int u16(int type) {
        return Short.toUnsignedInt(require(type, 2).getShort(0));
    }

    public int be16(int type) {
        ByteBuffer b = require(type, 2);
        return (Byte.toUnsignedInt(b.get(0)) << 8) | Byte.toUnsignedInt(b.get(1));
    }

    public int u32(int type) {
        return require(type, 4).getInt(0);
    }

    public int be32(int type) {
        ByteBuffer b = require(type, 4);
        return (Byte.toUnsignedInt(b.get(0)) << 24) | (Byte.toUnsignedInt(b.get(1)) << 16)
            | (Byte.toUnsignedInt(b.get(2)) << 8) | Byte.toUnsignedInt(b.get(3));
    }

    /** A u64, or a u32 widened (legacy stats nests use 32-bit counters). */
    public long u64OrU32(int type) {
        ByteBuffer b = get(type);
        if (b == null) {
            return 0;
        }
        return b.limit() >= 8 ? b.getLong(0) : Integer.toUnsignedLong(require(type, 4).getInt(0));
    }

    public int u32(int type, int absent) {
        return has(type) ? u32(type) : absent;
    }

    public byte[] bytes(int type) {
        ByteBuffer b = get(type);
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.limit()];
        b.get(0, out);
        return out;
    }

    /** A string attribute without its trailing NUL, or null when absent. */
    public String string(int type) {
        ByteBuffer b = get(type);
        if (b == null) {
            return null;
        }
        int n = 0;
        while (n < b.limit() && b.get(n) != 0) {
            n++;
        }
        byte[] raw = new byte[n];
        b.get(0, raw);
        return new String(raw, StandardCharsets.UTF_8);
    }

    /** The attributes nested in {@code type}; empty when absent. */
    public Attributes nested(int type) {
        ByteBuffer b = get(type);
        return b == null ? EMPTY : parse(b);
    }

    private ByteBuffer require(int type, int size) {
        ByteBuffer b = get(type);
        if (b == null) {
            throw new MalformedMessageException("attribute type " + type + " is missing");
        }
        if (b.limit() < size) {
            throw new MalformedMessageException("attribute type " + type + " has " + b.limit() + " bytes, needs " + size);
        }
        return b;
    }
}

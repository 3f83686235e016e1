package io.ipvsproxier.ipvs;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** IP address helpers shared by the codec, the CLI and the proxier. */
public final class Addresses {
    private Addresses() {}

    /** {@code 10.0.0.1:80} or {@code [fd00::1]:80}, the way ipvsadm -n prints endpoints. */
    public static String withPort(InetAddress a, int port) {
        return a instanceof Inet6Address ? "[" + text(a) + "]:" + port : text(a) + ":" + port;
    }

    /** The numeric text of an address; IPv6 in the compressed form inet_ntop(3) gives (no scope id). */
    public static String text(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // The longest run of two or more zero words becomes "::" (first one wins on ties), as in RFC 5952.
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] == 0) {
                int j = i;
                while (j < 8 && words[j] == 0) {
                    j++;
                }
                if (j - i > bestLen && j - i >= 2) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        // inet_ntop prints IPv4-mapped and IPv4-compatible addresses with a dotted quad tail.
        boolean mapped = bestStart == 0 && (bestLen == 5 && words[5] == 0xffff || bestLen == 6 && (words[6] != 0 || words[7] > 1));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (mapped && i == 6) {
                sb.append(b[12] & 0xff).append('.').append(b[13] & 0xff).append('.').append(b[14] & 0xff).append('.').append(b[15] & 0xff);
                break;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(words[i]));
        }
        return sb.toString();
    }

    /** Parses a numeric IPv4 or IPv6 literal; never does a DNS lookup. */
    public static InetAddress parse(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        byte[] v4 = canonicalDottedQuad(t);
        if (v4 != null) {
            try {
                return InetAddress.getByAddress(v4);
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        if (!isNumeric(t)) {
            throw new IllegalArgumentException("not a numeric IP address: " + text);
        }
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a numeric IP address: " + text, e);
        }
    }

    /**
     * The four bytes of {@code a.b.c.d} written the usual way (decimal, no leading zeros), else null: the common
     * case, parsed here without the general path's splitting and name-service checks (planning parses every endpoint
     * address of every Service).
     */
    private static byte[] canonicalDottedQuad(String t) {
        int n = t.length();
        if (n < 7 || n > 15) {
            return null;
        }
        byte[] out = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? t.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // a leading zero: left to the general path
                }
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    private static boolean isNumeric(String t) {
        if (t.isEmpty()) {
            return false;
        }
        if (t.indexOf(':') >= 0) {
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                    return false;
                }
            }
            return true;
        }
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Orders addresses by length (IPv4 first), then by unsigned bytes. */
    public static int compare(InetAddress a, InetAddress b) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length);
        }
        return Arrays.compareUnsigned(x, y);
    }
}

package io.ipvsproxier.ipvsctl;

/**
 * The C library's text-to-number and text-to-address conversions that ipvsadm relies on (strtol, atoi,
 * inet_aton, inet_pton), reproduced with glibc's exact acceptance rules: ipvsadm's users feed it forms such
 * as {@code " 80"}, {@code "0x0a.1"} or {@code "10.1"}, and ipvsctl must accept and reject the same ones.
 */
final class CText {
    private CText() {}

    /** The result of strtol when the whole string was a number: the value, or null. */
    static Long strtolWhole(String s) {
        int i = skipSpace(s, 0);
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int digitsStart = i;
        long value = 0;
        boolean overflow = false;
        while (i < s.length() && isDigit(s.charAt(i))) {
            int d = s.charAt(i) - '0';
            if (!overflow) {
                // accumulate negatively so that Long.MIN_VALUE is representable, as strtol does
                if (value < (Long.MIN_VALUE + d) / 10) {
                    overflow = true;
                } else {
                    value = value * 10 - d;
                }
            }
            i++;
        }
        if (i == digitsStart) {
            return null; // no conversion: end == s
        }
        if (i != s.length()) {
            return null;
        }
        if (overflow) {
            return null; // ERANGE
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                return null; // ERANGE
            }
            value = -value;
        }
        return value;
    }

    /** ipvsadm's string_to_number: the whole string a decimal number within [min, max], else -1. */
    static int stringToNumber(String s, int min, int max) {
        // The common case without boxing: plain digits of an int-sized number.
        int len = s.length();
        if (len > 0 && len <= 9) {
            int v = 0;
            int i = 0;
            while (i < len && isDigit(s.charAt(i))) {
                v = v * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == len) {
                return min <= v && v <= max ? v : -1;
            }
        }
        Long n = strtolWhole(s);
        if (n != null && min <= n && n <= max) {
            return n.intValue();
        }
        return -1;
    }

    /** atoi(3): leading white space, a sign, then as many digits as there are; 0 when none. */
    static int atoi(String s) {
        int i = skipSpace(s, 0);
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long value = 0;
        boolean saturated = false;
        while (i < s.length() && isDigit(s.charAt(i))) {
            if (!saturated) {
                int d = s.charAt(i) - '0';
                if (value > (Long.MAX_VALUE - d) / 10) {
                    saturated = true;
                } else {
                    value = value * 10 + d;
                }
            }
            i++;
        }
        if (saturated) {
            // strtol saturates at LONG_MAX/LONG_MIN; atoi then truncates to int
            return negative ? (int) Long.MIN_VALUE : (int) Long.MAX_VALUE;
        }
        return (int) (negative ? -value : value);
    }

    /**
     * inet_aton(3) as glibc implements it: 1 to 4 parts, each decimal, octal (0...) or hex (0x...), the last
     * part filling the remaining bytes; trailing white space ends the address. Returns the address as a
     * 32-bit number with the first byte most significant, or null.
     */
    static Integer inetAton(String s) {
        long a = inetAtonBits(s);
        return a < 0 ? null : (int) a;
    }

    /** Like {@link #inetAton}, without boxing (a restore parses two addresses a line): the address, or -1. */
    static long inetAtonBits(String s) {
        long word = 0; // the parts before the last one, each in its byte
        int nparts = 0;
        int i = 0;
        long val;
        char c = charAt(s, i);
        while (true) {
            if (!isDigit(c)) {
                return -1;
            }
            // strtoul(cp, &end, 0)
            int base = 10;
            int j = i;
            if (s.charAt(j) == '0') {
                if ((charAt(s, j + 1) == 'x' || charAt(s, j + 1) == 'X') && Character.digit(charAt(s, j + 2), 16) >= 0
                    && isAscii(charAt(s, j + 2))) {
                    base = 16;
                    j += 2;
                } else {
                    base = 8;
                }
            }
            val = 0;
            boolean big = false;
            while (j < s.length()) {
                char d = s.charAt(j);
                int digit = isAscii(d) ? Character.digit(d, base) : -1;
                if (digit < 0) {
                    break;
                }
                val = val * base + digit;
                if (val > 0xffffffffL) {
                    big = true;
                    val = 0x100000000L;
                }
                j++;
            }
            if (big) {
                return -1;
            }
            i = j;
            c = charAt(s, i);
            if (c == '.') {
                if (nparts > 2 || val > 0xff) {
                    return -1;
                }
                word |= val << (24 - 8 * nparts);
                nparts++;
                i++;
                c = charAt(s, i);
            } else {
                break;
            }
        }
        if (c != '\0' && !(isAscii(c) && isSpace(c))) {
            return -1;
        }
        // the last part fills the bytes the others left: 32, 24, 16 or 8 bits
        if (val > (0xffffffffL >>> (8 * nparts))) {
            return -1;
        }
        return word | val;
    }

    /** inet_pton(AF_INET, ...): exactly four decimal parts 0-255 without leading zeros. */
    static byte[] inetPton4(String s) {
        return pton4(s, 0, s.length());
    }

    private static byte[] pton4(String s, int from, int to) {
        byte[] out = new byte[4];
        int[] tmp = new int[4];
        int tp = 0;
        boolean sawDigit = false;
        int octets = 0;
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (ch >= '0' && ch <= '9') {
                int next = tmp[tp] * 10 + (ch - '0');
                if (sawDigit && tmp[tp] == 0) {
                    return null;
                }
                if (next > 255) {
                    return null;
                }
                tmp[tp] = next;
                if (!sawDigit) {
                    if (++octets > 4) {
                        return null;
                    }
                    sawDigit = true;
                }
            } else if (ch == '.' && sawDigit) {
                if (octets == 4) {
                    return null;
                }
                tp++;
                sawDigit = false;
            } else {
                return null;
            }
        }
        if (octets < 4) {
            return null;
        }
        for (int k = 0; k < 4; k++) {
            out[k] = (byte) tmp[k];
        }
        return out;
    }

    /** inet_pton(AF_INET6, ...) as glibc implements it, including a dotted-quad tail; null when invalid. */
    static byte[] inetPton6(String s) {
        int n = s.length();
        byte[] tmp = new byte[16];
        int tp = 0;
        int colonp = -1;
        int src = 0;
        if (n == 0) {
            return null;
        }
        if (s.charAt(0) == ':') {
            src++;
            if (src == n || s.charAt(src) != ':') {
                return null;
            }
        }
        int curtok = src;
        int xdigitsSeen = 0;
        int val = 0;
        boolean sawV4 = false;
        while (src < n) {
            char ch = s.charAt(src++);
            int digit = isAscii(ch) ? Character.digit(ch, 16) : -1;
            if (digit >= 0) {
                if (xdigitsSeen == 4) {
                    return null;
                }
                val = (val << 4) | digit;
                if (val > 0xffff) {
                    return null;
                }
                xdigitsSeen++;
                continue;
            }
            if (ch == ':') {
                curtok = src;
                if (xdigitsSeen == 0) {
                    if (colonp >= 0) {
                        return null;
                    }
                    colonp = tp;
                    continue;
                } else if (src == n) {
                    return null;
                }
                if (tp + 2 > 16) {
                    return null;
                }
                tmp[tp++] = (byte) (val >> 8);
                tmp[tp++] = (byte) val;
                xdigitsSeen = 0;
                val = 0;
                continue;
            }
            if (ch == '.' && tp + 4 <= 16) {
                byte[] v4 = pton4(s, curtok, n);
                if (v4 != null) {
                    System.arraycopy(v4, 0, tmp, tp, 4);
                    tp += 4;
                    xdigitsSeen = 0;
                    sawV4 = true;
                    break;
                }
            }
            return null;
        }
        if (xdigitsSeen > 0 && !sawV4) {
            if (tp + 2 > 16) {
                return null;
            }
            tmp[tp++] = (byte) (val >> 8);
            tmp[tp++] = (byte) val;
        }
        if (colonp >= 0) {
            if (tp == 16) {
                return null; // "::" would stand for nothing
            }
            int moved = tp - colonp;
            byte[] out = new byte[16];
            System.arraycopy(tmp, 0, out, 0, colonp);
            System.arraycopy(tmp, colonp, out, 16 - moved, moved);
            return out;
        }
        return tp == 16 ? tmp : null;
    }

    /**
     * inet_ntop(3) text of an address as glibc writes it: IPv4 dotted; IPv6 with the longest run (two or
     * more, the first of equals) of zero groups as "::", and IPv4-mapped (::ffff:a.b.c.d) and
     * IPv4-compatible (::a.b.c.d) addresses with a dotted tail.
     */
    static String inetNtop(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int i = 0; i < 8; i++) {
            if (words[i] == 0) {
                if (curBase == -1) {
                    curBase = i;
                    curLen = 1;
                } else {
                    curLen++;
                }
            } else if (curBase != -1) {
                if (bestBase == -1 || curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase != -1 && (bestBase == -1 || curLen > bestLen)) {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestBase != -1 && bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff))) {
                sb.append(a[12] & 0xff).append('.').append(a[13] & 0xff).append('.').append(a[14] & 0xff).append('.')
                    .append(a[15] & 0xff);
                return sb.toString();
            }
            sb.append(Integer.toHexString(words[i]));
        }
        if (bestBase != -1 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        return sb.toString();
    }

    /** C isdigit in the "C" locale. */
    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** C isspace in the "C" locale. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    private static boolean isAscii(char c) {
        return c < 0x80;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The character at {@code i}, or NUL past the end, like reading a C string. */
    private static char charAt(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }
}

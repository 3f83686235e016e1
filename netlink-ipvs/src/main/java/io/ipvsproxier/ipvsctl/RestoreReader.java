package io.ipvsproxier.ipvsctl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits restore input into command lines the way ipvsadm's config_stream_read does: words are separated
 * by blanks, tabs and carriage returns, a newline ends the command, the word {@code ipvsadm} is dropped
 * wherever it appears (so saved lines may start with it), and input that ends in two or more blanks
 * without a final newline loses its last line, as it does with ipvsadm. Reads the stream through one
 * reused buffer, one byte per character (ISO-8859-1), so that large rule sets are never held whole.
 */
final class RestoreReader {
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private byte[] word = new byte[64];
    /**
     * The words of the previous line by position: consecutive lines of a rule file mostly repeat them (the
     * options, the service address), and reusing the String saves most of the garbage a line makes.
     */
    private final String[] previous = new String[16];

    RestoreReader(InputStream in) {
        this.in = in;
    }

    RestoreReader(String text) {
        this(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** The words of the next command line (possibly none, for a blank line), or null at the end. */
    List<String> next() {
        List<String> tokens = new ArrayList<>();
        while (true) {
            int c = peek();
            if (c < 0) {
                return tokens.isEmpty() ? null : tokens;
            }
            if (isSeparator(c)) {
                // at white space: skip it up to the end of the line
                while (true) {
                    int w = peek();
                    if (w < 0) {
                        return null;
                    }
                    pos++;
                    if (w == '\n') {
                        return tokens;
                    }
                    if (w != ' ' && w != '\t' && w != '\r') {
                        pos--;
                        break;
                    }
                }
                continue;
            }
            int length = 0;
            int b;
            while ((b = peek()) >= 0 && !isSeparator(b)) {
                if (length == word.length) {
                    word = Arrays.copyOf(word, length * 2);
                }
                word[length++] = (byte) b;
                pos++;
            }
            if (!isIpvsadm(length)) {
                tokens.add(wordAt(tokens.size(), length));
            }
            if (b >= 0) {
                pos++; // the separator that ended the word
                if (b == '\n') {
                    return tokens;
                }
            }
        }
    }

    /** The word just read, as the String the previous line had at {@code index} when that is the same text. */
    private String wordAt(int index, int length) {
        if (index < previous.length) {
            String p = previous[index];
            if (p != null && sameText(p, length)) {
                return p;
            }
            String w = new String(word, 0, length, StandardCharsets.ISO_8859_1);
            previous[index] = w;
            return w;
        }
        return new String(word, 0, length, StandardCharsets.ISO_8859_1);
    }

    private boolean sameText(String s, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != (word[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private boolean isIpvsadm(int length) {
        return length == 7 && word[0] == 'i' && word[1] == 'p' && word[2] == 'v' && word[3] == 's' && word[4] == 'a'
            && word[5] == 'd' && word[6] == 'm';
    }

    /** The next byte without consuming it, or -1 at the end of the input. */
    private int peek() {
        if (pos == limit) {
            if (eof) {
                return -1;
            }
            try {
                int n = in.read(buf, 0, buf.length);
                if (n <= 0) {
                    eof = true;
                    return -1;
                }
                pos = 0;
                limit = n;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return buf[pos] & 0xff;
    }

    private static boolean isSeparator(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}

package io.ipvsproxier.ipvsctl;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits restore input into command lines the way ipvsadm's config_stream_read does: words are separated
 * by blanks, tabs and carriage returns, a newline ends the command, the word {@code ipvsadm} is dropped
 * wherever it appears (so saved lines may start with it), and input that ends in two or more blanks
 * without a final newline loses its last line, as it does with ipvsadm.
 */
final class RestoreReader {
    private final String text;
    private int pos;

    /** @param text the whole input, one char per byte (ISO-8859-1) */
    RestoreReader(String text) {
        this.text = text;
    }

    /** The words of the next command line (possibly none, for a blank line), or null at the end. */
    List<String> next() {
        List<String> tokens = new ArrayList<>();
        int n = text.length();
        while (true) {
            if (pos == n) {
                return tokens.isEmpty() ? null : tokens;
            }
            char c = text.charAt(pos);
            if (isSeparator(c)) {
                // at white space: skip it up to the end of the line
                while (true) {
                    if (pos == n) {
                        return null;
                    }
                    char w = text.charAt(pos++);
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
            int start = pos;
            while (pos < n && !isSeparator(text.charAt(pos))) {
                pos++;
            }
            String token = text.substring(start, pos);
            if (!token.equals("ipvsadm")) {
                tokens.add(token);
            }
            if (pos < n) {
                char tail = text.charAt(pos++);
                if (tail == '\n') {
                    return tokens;
                }
            }
        }
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}

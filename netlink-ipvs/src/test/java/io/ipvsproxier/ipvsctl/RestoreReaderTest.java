package io.ipvsproxier.ipvsctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting restore input into command lines like ipvsadm's config_stream_read. */
class RestoreReaderTest {

    private static List<List<String>> lines(String text) {
        RestoreReader r = new RestoreReader(text);
        List<List<String>> out = new ArrayList<>();
        List<String> l;
        while ((l = r.next()) != null) {
            out.add(l);
        }
        return out;
    }

    @Test
    void wordsAreSplitOnBlanksTabsAndCarriageReturns() {
        assertThat(lines("-A -t 10.0.0.1:80\t-s rr\r\n-a  -t 10.0.0.1:80 -r 10.1.1.1 -m\n"))
            .containsExactly(List.of("-A", "-t", "10.0.0.1:80", "-s", "rr"),
                List.of("-a", "-t", "10.0.0.1:80", "-r", "10.1.1.1", "-m"));
    }

    @Test
    void wordsRepeatedFromThePreviousLineAreReadAsWrittenAndOnlyThere() {
        // same length, different text, at the places a reused word could wrongly be taken from the line before
        assertThat(lines("-a -t 10.0.0.1:80 -r 10.1.1.1 -w 1\n-a -t 10.0.0.2:80 -r 10.1.1.1 -w 2\n"
            + "-e -t 10.0.0.2:80 -r 10.1.1.1 -w 2\n-t -e 10.0.0.2:80\n\n-e\n"))
            .containsExactly(List.of("-a", "-t", "10.0.0.1:80", "-r", "10.1.1.1", "-w", "1"),
                List.of("-a", "-t", "10.0.0.2:80", "-r", "10.1.1.1", "-w", "2"),
                List.of("-e", "-t", "10.0.0.2:80", "-r", "10.1.1.1", "-w", "2"),
                List.of("-t", "-e", "10.0.0.2:80"), List.of(), List.of("-e"));
    }

    @Test
    void theWordIpvsadmIsDroppedAndBlankLinesAreEmpty() {
        assertThat(lines("ipvsadm -C\n\n   \n-Z ipvsadm\n"))
            .containsExactly(List.of("-C"), List.of(), List.of(), List.of("-Z"));
    }

    @Test
    void aLastLineWithoutNewlineCounts() {
        assertThat(lines("-C\n-Z")).containsExactly(List.of("-C"), List.of("-Z"));
        assertThat(lines("-C\n-Z ")).containsExactly(List.of("-C"), List.of("-Z"));
    }

    @Test
    void aLastLineEndingInTwoBlanksWithoutNewlineIsLostAsInIpvsadm() {
        assertThat(lines("-C\n-Z  ")).containsExactly(List.of("-C"));
        assertThat(lines("")).isEmpty();
        assertThat(lines("ipvsadm")).isEmpty();
    }

    @Test
    void wordsSplitAcrossReadsOfTheInputStayWhole() {
        byte[] text = "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.1.1.1 -m\n".getBytes(StandardCharsets.ISO_8859_1);
        InputStream trickle = new InputStream() {
            private int pos;

            @Override
            public int read() {
                return pos < text.length ? text[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == text.length) {
                    return -1;
                }
                int n = Math.min(3, Math.min(len, text.length - pos));
                System.arraycopy(text, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        RestoreReader r = new RestoreReader(trickle);
        assertThat(r.next()).containsExactly("-A", "-t", "10.0.0.1:80", "-s", "rr");
        assertThat(r.next()).containsExactly("-a", "-t", "10.0.0.1:80", "-r", "10.1.1.1", "-m");
        assertThat(r.next()).isNull();
    }
}

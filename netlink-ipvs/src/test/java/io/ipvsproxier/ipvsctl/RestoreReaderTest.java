package io.ipvsproxier.ipvsctl;

import static org.assertj.core.api.Assertions.assertThat;

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
}

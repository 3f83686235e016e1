package io.ipvsproxier.ipvsctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** libpopt's reading of ipvsadm's option table: clusters, attached and optional arguments, errors. */
class PoptScannerTest {

    private static List<String> scan(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "ipvsadm";
        System.arraycopy(args, 0, argv, 1, args.length);
        PoptScanner p = new PoptScanner(new PoptScanner.Table(CommandParser.OPTIONS), argv);
        List<String> out = new ArrayList<>();
        int c;
        while ((c = p.nextOption()) >= 0) {
            String name = c < 128 ? String.valueOf((char) c) : "tag" + c;
            out.add(p.optArg() == null ? name : name + "=" + p.optArg());
        }
        if (c != PoptScanner.END) {
            out.add("error " + PoptScanner.errorText(c) + " at " + p.badOption());
        }
        String left;
        while ((left = p.nextLeftover()) != null) {
            out.add("arg " + left);
        }
        return out;
    }

    @Test
    void shortOptionsCluster() {
        assertThat(scan("-Ln")).containsExactly("L", "n");
        assertThat(scan("-Lnt", "10.0.0.1:80")).containsExactly("L", "n", "t=10.0.0.1:80");
    }

    @Test
    void argumentsAttachInEveryPoptForm() {
        assertThat(scan("-A", "-t10.0.0.1:80", "-s=rr", "--weight=3", "--scheduler", "wlc"))
            .containsExactly("A", "t=10.0.0.1:80", "s=rr", "w=3", "s=wlc");
        assertThat(scan("-A", "--tcp-service=")).containsExactly("A", "t=");
    }

    @Test
    void optionalArgumentIsTakenUnlessTheNextWordIsAnOption() {
        assertThat(scan("-A", "-p", "300", "-s", "rr")).containsExactly("A", "p=300", "s=rr");
        assertThat(scan("-A", "-p", "-s", "rr")).containsExactly("A", "p", "s=rr");
        assertThat(scan("-A", "-p")).containsExactly("A", "p");
        assertThat(scan("-A", "-p", "")).containsExactly("A", "p=");
    }

    @Test
    void nonOptionWordsAreLeftOverWhereverTheyAre() {
        assertThat(scan("--set", "1", "-n", "2", "3")).containsExactly("tag128", "n", "arg 1", "arg 2", "arg 3");
        assertThat(scan("-L", "--", "-n")).containsExactly("L", "arg -n");
        assertThat(scan("-L", "-")).containsExactly("L", "arg -");
    }

    @Test
    void errorsNameTheWholeArgumentVectorElement() {
        assertThat(scan("-Lq")).containsExactly("L", "error unknown option at -Lq");
        assertThat(scan("-L", "--bogus")).containsExactly("L", "error unknown option at --bogus");
        assertThat(scan("-A", "-t")).containsExactly("A", "error missing argument at -t");
        assertThat(scan("-L", "--stats=1")).containsExactly("L", "error option does not take an argument at --stats=1");
        assertThat(scan("-L", "-tcp-service")).containsExactly("L", "t=cp-service");
        assertThat(scan("-L", "--tcp")).containsExactly("L", "error unknown option at --tcp");
    }
}

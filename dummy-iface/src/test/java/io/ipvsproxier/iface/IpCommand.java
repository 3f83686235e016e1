package io.ipvsproxier.iface;

import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.ipvs.Addresses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs ip(8) and other commands for kernel tests, and parses {@code ip -o addr} lines. */
final class IpCommand {
    private IpCommand() {}

    /** {@code 2: kube-ipvs0    inet 10.96.0.10/32 scope global kube-ipvs0\ ...} */
    private static final Pattern ADDR_LINE = Pattern.compile("^\\d+:\\s+(\\S+)\\s+inet6?\\s+([0-9a-fA-F.:]+)/(\\d+)");

    record Result(int status, String output) {}

    static Result run(String... command) {
        return runWithInput("", command);
    }

    /**
     * Runs {@code ip -batch -} with these commands, one process for all of them: starting ip costs seconds
     * inside User-Mode Linux (it maps many shared libraries, and page faults are expensive there).
     */
    static String batch(String... commands) {
        return run(List.of("ip", "-batch", "-"), commands);
    }

    /** {@link #batch} inside network namespace {@code netns}. */
    static String batchIn(String netns, String... commands) {
        return run(List.of("ip", "-n", netns, "-batch", "-"), commands);
    }

    private static String run(List<String> ip, String... commands) {
        String input = String.join("\n", commands) + "\n";
        Result r = runWithInput(input, ip.toArray(String[]::new));
        assertThat(r.status()).as("ip -batch of%n%s%noutput:%n%s", input, r.output()).isZero();
        return r.output();
    }

    static Result runWithInput(String input, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command that must succeed; returns its output. */
    static String ok(String... command) {
        Result r = run(command);
        assertThat(r.status()).as("%s exit status; output:%n%s", String.join(" ", command), r.output()).isZero();
        return r.output();
    }

    /** The addresses {@code ip -o addr show dev LINK} lists. */
    static Set<InetAddress> addresses(String link) {
        Set<InetAddress> out = new LinkedHashSet<>();
        for (String entry : entries(ok("ip", "-o", "addr", "show", "dev", link))) {
            out.add(Addresses.parse(entry.split(" ")[1].split("/")[0]));
        }
        return out;
    }

    /** {@code link address/prefix} for every line of {@code ip -o addr} output. */
    static List<String> entries(String ipOutput) {
        List<String> out = new ArrayList<>();
        for (String line : ipOutput.split("\n")) {
            Matcher m = ADDR_LINE.matcher(line);
            if (m.find()) {
                out.add(m.group(1) + " " + Addresses.text(Addresses.parse(m.group(2))) + "/" + m.group(3));
            }
        }
        return out;
    }
}

package io.ipvsproxier.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernel lab's own smoke test: proves that tests tagged {@code kernel} run as root in a kernel
 * that has IPVS, with the reference CLI at hand and schedulers loading on demand. Runs only inside
 * {@code bin/kernel-tests}; the host build excludes the {@code kernel} tag.
 */
@Tag("kernel")
class KernelLabSmokeTest {

    private record Result(int status, String output) {}

    private static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        return new Result(process.exitValue(), output);
    }

    @Test
    void runsAsRootInAKernelWithIpvs() throws IOException {
        assertThat(Files.readString(Path.of("/proc/self/status"))).containsPattern("(?m)^Uid:\\s+0\\s");
        assertThat(Path.of("/proc/net/ip_vs")).exists();
    }

    @Test
    void ipvsadmListsTheTable() throws IOException, InterruptedException {
        Result list = run("ipvsadm", "-Ln");

        assertThat(list.status()).as("ipvsadm -Ln exit status; output:%n%s", list.output()).isZero();
        assertThat(list.output()).contains("IP Virtual Server version");
    }

    @Test
    void kernelLoadsSchedulersOnDemand() throws IOException, InterruptedException {
        // unload the scheduler (ignore failure: it may not be loaded), then let the kernel load it
        // again through /proc/sys/kernel/modprobe when a service asks for it
        run("modprobe", "-r", "ip_vs_ovf");
        String service = "192.0.2.77:8077";

        Result add = run("ipvsadm", "-A", "-t", service, "-s", "ovf");
        try {
            assertThat(add.status()).as("ipvsadm -A ... -s ovf; output:%n%s", add.output()).isZero();
            assertThat(run("ipvsadm", "-Ln", "-t", service).output()).contains(service + " ovf");
        } finally {
            run("ipvsadm", "-D", "-t", service);
        }
    }
}

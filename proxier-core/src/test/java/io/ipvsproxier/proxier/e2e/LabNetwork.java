package io.ipvsproxier.proxier.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs the shell building blocks of bin/lib/lab-net.sh (namespaces, veths, socat servers and clients). */
final class LabNetwork {
    private final Path project;

    LabNetwork() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("bin/lib/lab-net.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("bin/lib/lab-net.sh not found above " + Path.of("").toAbsolutePath());
        }
        this.project = dir;
    }

    Path project() {
        return project;
    }

    /** Runs {@code script} with the lab functions loaded; returns its stdout, failing on a non-zero exit. */
    String run(String script) {
        Result r = tryRun(script);
        if (r.status() != 0) {
            throw new IllegalStateException("lab script failed (" + r.status() + "): " + script + "\n" + r.output());
        }
        return r.output();
    }

    Result tryRun(String script) {
        try {
            Process p = new ProcessBuilder("bash", "-c", "source '" + project.resolve("bin/lib/lab-net.sh") + "'; " + script)
                .redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("lab script timed out: " + script);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One TCP request from the client namespace; the answering pod's name, or "" when nothing answered. */
    String tcp(String target) {
        return tryRun("tcp_request " + target).output();
    }

    String ipvsadm(String args) {
        return run("ipvsadm " + args);
    }

    record Result(int status, String output) {}
}

package io.ipvsproxier.proxier.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.proxier.plan.ServiceRef;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AdminCtlCommandTest {
    @TempDir
    Path dir;

    private AdminServer server;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        server = AdminServer.start(dir.resolve("admin.sock"), new AdminCommands() {
            @Override
            public String status() {
                return "services: 3\n";
            }

            @Override
            public String explain(ServiceRef service) {
                throw new AdminCommandException("no Service " + service + " is known to the proxier");
            }

            @Override
            public String diff() {
                return "in sync\n";
            }

            @Override
            public String sync() {
                return "full sync requested\n";
            }
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int run(String... args) {
        CommandLine cl = new CommandLine(new AdminCtlCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void okRepliesPrintAndExitZero() {
        assertThat(run("--admin-socket", server.socketPath().toString(), "status")).isEqualTo(0);
        assertThat(out.toString()).isEqualTo("services: 3\n");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void errorRepliesExitOne() {
        assertThat(run("--admin-socket", server.socketPath().toString(), "explain", "default/nope")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("ctl: no Service default/nope is known to the proxier\n");
        assertThat(run("--admin-socket", server.socketPath().toString(), "frobnicate")).isEqualTo(1);
        assertThat(err.toString()).contains("unknown command 'frobnicate'");
    }

    @Test
    void anUnreachableProxierExitsThree() {
        assertThat(run("--admin-socket", dir.resolve("other.sock").toString(), "status")).isEqualTo(3);
        assertThat(err.toString()).startsWith("ctl: cannot talk to the proxier on " + dir.resolve("other.sock"));
    }

    @Test
    void aMissingCommandIsAUsageError() {
        assertThat(run("--admin-socket", server.socketPath().toString())).isEqualTo(2);
    }
}

package io.ipvsproxier.proxier.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ipvs-proxier ctl COMMAND [ARG]}: sends one request to a running proxier's admin socket and prints
 * the reply. Exit status: 0 when the proxier answered OK, 1 when it answered with an error, 3 when it could not
 * be reached or gave no reply in time (2 is picocli's usage error).
 */
@Command(name = "ctl", mixinStandardHelpOptions = true,
    description = "Ask a running ipvs-proxier through its admin socket.",
    footer = {"", "Commands:",
        "  status                 last sync, pending changes, counts, rejected Service ports, netlink errors",
        "  explain NAMESPACE/NAME virtual and real servers of a Service, the scheduler and why, endpoints left out",
        "  diff                   what differs between the wanted state and the kernel now",
        "  sync                   force a full resync",
        "  help                   list the commands the proxier knows"})
public final class AdminCtlCommand implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_ERROR_REPLY = 1;
    public static final int EXIT_UNREACHABLE = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--admin-socket", paramLabel = "PATH", defaultValue = AdminServer.DEFAULT_SOCKET_PATH,
        description = "The proxier's admin socket (default ${DEFAULT-VALUE}).")
    Path socket;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
        description = "How long to wait for the reply (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(index = "0", paramLabel = "COMMAND", description = "status | explain NAMESPACE/NAME | diff | sync | help")
    String command;

    @Parameters(index = "1..*", paramLabel = "ARG", arity = "0..*", description = "The command's argument.")
    List<String> arguments = List.of();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StringBuilder request = new StringBuilder(command);
        for (String a : arguments) {
            request.append(' ').append(a);
        }
        if (request.indexOf("\n") >= 0 || request.indexOf("\r") >= 0) {
            err.println("ctl: a request cannot contain line breaks");
            return EXIT_ERROR_REPLY;
        }
        AdminClient.Reply reply;
        try {
            reply = AdminClient.send(socket, request.toString(), Duration.ofSeconds(Math.max(1, timeoutSeconds)));
        } catch (IOException e) {
            err.println("ctl: cannot talk to the proxier on " + socket + ": " + e.getMessage());
            err.flush();
            return EXIT_UNREACHABLE;
        }
        if (reply.ok()) {
            out.print(reply.text());
            out.flush();
            return EXIT_OK;
        }
        err.println("ctl: " + reply.text());
        err.flush();
        return EXIT_ERROR_REPLY;
    }
}

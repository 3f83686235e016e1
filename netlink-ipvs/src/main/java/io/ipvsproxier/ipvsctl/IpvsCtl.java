package io.ipvsproxier.ipvsctl;

import io.ipvsproxier.ipvs.Ipvs;
import io.ipvsproxier.ipvs.IpvsClient;
import io.ipvsproxier.ipvs.IpvsCommands;
import io.ipvsproxier.ipvs.IpvsErrors;
import io.ipvsproxier.ipvs.IpvsException;
import io.ipvsproxier.ipvs.IpvsCodec;
import io.ipvsproxier.ipvs.IpvsInfo;
import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.IpvsTimeouts;
import io.ipvsproxier.ipvs.IpvsUnavailableException;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceEntry;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.ServiceState;
import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.NetlinkException;
import io.ipvsproxier.netlink.SyscallCounter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code ipvsctl}: a drop-in for the ipvsadm 1.31 command line on top of this project's IPVS library.
 * Listings and saves are byte-identical to ipvsadm's; errors have its wording and exit status; restore
 * ({@code -R}) sends the whole rule set in batches instead of one request per line.
 *
 * <p>{@link #run} is the entry point for embedding and tests; {@link #main} opens the kernel's IPVS over
 * generic netlink. Set {@code IPVSCTL_STATS=1} to get the netlink send/receive system call counts on stderr.
 */
public final class IpvsCtl {
    /**
     * Restore hands the library this many operations at a time (it packs them into as few sends as the
     * socket allows): large enough that batching works at full width, small enough that the operations die
     * young in the heap instead of piling up, which costs page faults inside the kernel lab.
     */
    static final int BATCH_OPERATIONS = 4096;

    /** The version line of -v and -h: the ipvsadm command line ipvsctl follows. */
    static final String VERSION = "ipvsctl v1.31 2019/12/24 (ipvsadm 1.31 compatible, IPVS v1.2.1)";

    /** Opens the IPVS table on first use, so that bad input is refused without touching the kernel. */
    @FunctionalInterface
    public interface IpvsOpener {
        Ipvs open();
    }

    private final String program;
    private final IpvsOpener opener;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final NameService names;
    private final CommandParser parser;
    private final AsciiOut stdout;
    private final Timings timings = new Timings();
    private Ipvs ipvs;
    private boolean restoreFailed;
    private ServiceSpec lastKeySpec;
    private ServiceKey lastKey;

    IpvsCtl(String program, IpvsOpener opener, InputStream in, PrintStream out, PrintStream err, NameService names) {
        this.program = program;
        this.opener = opener;
        this.in = in;
        this.out = out;
        this.err = err;
        this.names = names;
        this.parser = new CommandParser(names);
        this.stdout = new AsciiOut(out);
    }

    public static void main(String[] args) {
        long mainEntered = System.currentTimeMillis();
        String program = System.getProperty("ipvsctl.program", "ipvsctl");
        IpvsCtl ctl = new IpvsCtl(program, IpvsCtl::openKernelIpvs, System.in, System.out, System.err,
            new SystemNameService());
        int status = ctl.execute(args);
        if (System.getenv("IPVSCTL_STATS") != null) {
            long mainMillis = System.currentTimeMillis() - mainEntered;
            StringBuilder stats = new StringBuilder(program).append(':');
            ProcessHandle.current().info().startInstant().ifPresent(t ->
                stats.append(" jvm start-up ").append(mainEntered - t.toEpochMilli()).append(" ms;"));
            if (ctl.ipvs instanceof IpvsClient client) {
                SyscallCounter c = client.counter();
                stats.append(" netlink sends=").append(c.sends()).append(" receives=").append(c.receives()).append(';');
            }
            System.err.println(stats.append(' ').append(ctl.timings).append("; main ").append(mainMillis).append(" ms"));
        }
        System.out.flush();
        System.exit(status);
    }

    /** Runs one command line (without the program name) against {@code ipvs}; returns the exit status. */
    public static int run(String[] args, Ipvs ipvs, PrintStream out, PrintStream err) {
        return run(args, ipvs, InputStream.nullInputStream(), out, err);
    }

    /** Like {@link #run(String[], Ipvs, PrintStream, PrintStream)}, with {@code in} as the input of -R. */
    public static int run(String[] args, Ipvs ipvs, InputStream in, PrintStream out, PrintStream err) {
        return new IpvsCtl("ipvsctl", () -> ipvs, in, out, err, new SystemNameService()).execute(args);
    }

    /** Parses and performs {@code args}; stdout is written as it is produced, in large pieces. */
    int execute(String[] args) {
        int status;
        try {
            if (args.length == 0) {
                listAll(Format.NONE);
                status = 0;
            } else {
                String[] argv = new String[args.length + 1];
                argv[0] = program;
                System.arraycopy(args, 0, argv, 1, args.length);
                status = perform(parse(argv), false);
            }
        } catch (CtlExit e) {
            flushStdout();
            err.print(e.stderrText());
            err.flush();
            status = e.status();
        } catch (NetlinkException e) {
            // not a refusal of the command itself (those are handled where they occur): a transport failure
            flushStdout();
            err.println(program + ": " + e.getMessage());
            status = 1;
        } catch (IllegalArgumentException e) {
            // a value the parser let through but the IPVS value types refuse: still one line, no trace
            flushStdout();
            err.println(program + ": " + e.getMessage());
            status = 2;
        }
        flushStdout();
        return status;
    }

    private Command parse(String[] argv) {
        try {
            return parser.parse(argv);
        } catch (CommandParser.InfoRequest r) {
            stdout.append(VERSION).append('\n');
            if (r.help) {
                stdout.append(Usage.text(program));
            }
            throw new CtlExit(0, "");
        }
    }

    /** process_options' switch: performs a parsed command; returns 0, or 255 when the kernel refused it. */
    private int perform(Command c, boolean readingStdin) {
        switch (c.kind) {
            case LIST:
                if (c.has(Opt.CONNECTION)) {
                    ConnectionListing.write(ConnectionListing.PROC_FILE, stdout, c.format, names);
                } else if (c.has(Opt.SERVICE)) {
                    listService(c.svc.key(), c.format);
                } else if (c.has(Opt.TIMEOUT)) {
                    listTimeout();
                } else if (c.has(Opt.DAEMON)) {
                    throw unsupported("listing the connection sync daemon");
                } else {
                    listAll(c.format);
                }
                return 0;
            case RESTORE:
                if (readingStdin) {
                    throw CommandParser.tryHelp(program); // a restore inside a restore
                }
                return restore();
            case SAVE:
                listAll(c.format | Format.RULE);
                return 0;
            case STARTDAEMON:
            case STOPDAEMON:
                throw unsupported("the connection sync daemon");
            default:
                return change(c);
        }
    }

    /** The commands that change kernel state: one request each, ipvsadm's message when refused. */
    private int change(Command c) {
        int command = IpvsCommands.FLUSH;
        try {
            switch (c.kind) {
                case FLUSH:
                    ipvs().flush();
                    break;
                case ZERO:
                    command = IpvsCommands.ZERO;
                    ipvs().zero(c.svc.isUnset() ? Optional.empty() : Optional.of(c.svc.key()));
                    break;
                case TIMEOUT:
                    command = IpvsCommands.SET_CONFIG;
                    ipvs().setTimeouts(new IpvsTimeouts(c.tcpTimeout, c.tcpFinTimeout, c.udpTimeout));
                    break;
                default: {
                    IpvsOperation op = operation(c);
                    command = IpvsCodec.commandOf(op);
                    timings.time("kernel", () -> apply(op));
                    break;
                }
            }
            return 0;
        } catch (NetlinkException e) {
            if (e.errno() == 0) {
                throw e;
            }
            int cmd = e instanceof IpvsException ie ? ie.command() : command;
            err.println(IpvsErrors.message(cmd, e.errno()));
            return 255;
        }
    }

    private void apply(IpvsOperation op) {
        Ipvs k = ipvs();
        if (op instanceof IpvsOperation.AddService a) {
            k.addService(a.server());
        } else if (op instanceof IpvsOperation.UpdateService u) {
            k.updateService(u.server());
        } else if (op instanceof IpvsOperation.DeleteService d) {
            k.deleteService(d.key());
        } else if (op instanceof IpvsOperation.AddDestination a) {
            k.addDestination(a.service(), a.server());
        } else if (op instanceof IpvsOperation.UpdateDestination u) {
            k.updateDestination(u.service(), u.server());
        } else {
            IpvsOperation.DeleteDestination d = (IpvsOperation.DeleteDestination) op;
            k.deleteDestination(d.service(), new RealServer.Endpoint(d.address(), d.port()));
        }
    }

    /** The table edit a command line asks for. */
    private IpvsOperation operation(Command c) {
        switch (c.kind) {
            case ADD:
                return new IpvsOperation.AddService(c.svc.virtualServer());
            case EDIT:
                return new IpvsOperation.UpdateService(c.svc.virtualServer());
            case DEL:
                return new IpvsOperation.DeleteService(key(c.svc));
            case ADDDEST:
                checkTunnelType(c);
                return new IpvsOperation.AddDestination(key(c.svc), c.dest.realServer());
            case EDITDEST:
                checkTunnelType(c);
                return new IpvsOperation.UpdateDestination(key(c.svc), c.dest.realServer());
            case DELDEST:
                return new IpvsOperation.DeleteDestination(key(c.svc), c.dest.endpoint());
            default:
                throw new IllegalStateException("not a table edit: " + c.kind);
        }
    }

    /** The service's key; consecutive restore lines usually name the same service, so the last one is reused. */
    private ServiceKey key(ServiceSpec svc) {
        if (lastKeySpec == null || !lastKeySpec.sameIdentity(svc)) {
            lastKey = svc.key();
            lastKeySpec = svc;
        }
        return lastKey;
    }

    /** The library's real servers are IPIP when tunnelled; GUE and GRE encapsulation cannot be expressed. */
    private void checkTunnelType(Command c) {
        if (c.dest.tunType != DestSpec.TUN_IPIP) {
            throw unsupported("tunnel types other than ipip");
        }
    }

    private CtlExit unsupported(String what) {
        return CtlExit.fail(2, program + ": " + what + " is not supported");
    }

    // ------------------------------------------------------------------ restore

    /**
     * -R: reads ipvsadm command lines from stdin. Consecutive table edits go to the kernel in batches of
     * {@link #BATCH_OPERATIONS}; other commands (flush, zero, --set, listings) run in their place in between. A line that does not
     * parse ends the restore with ipvsadm's message and status, after the lines before it were applied.
     * Returns 255 when the kernel refused any line (each refusal printed as ipvsadm prints it).
     */
    private int restore() {
        RestoreReader reader = new RestoreReader(in);
        // Lines are timed as a whole: a clock read per line would cost more than parsing it inside the
        // kernel lab, where clock_gettime is a real system call.
        long restoreStart = System.nanoTime();
        long kernelBefore = timings.total("kernel");
        long openBefore = timings.total("open"); // the first batch opens the socket: its own phase, not parsing
        try {
            return restoreLines(reader);
        } finally {
            timings.add("parse", System.nanoTime() - restoreStart - (timings.total("kernel") - kernelBefore)
                - (timings.total("open") - openBefore));
        }
    }

    private int restoreLines(RestoreReader reader) {
        List<IpvsOperation> pending = new ArrayList<>();
        List<String> words;
        while ((words = reader.next()) != null) {
            if (words.isEmpty()) {
                continue;
            }
            String[] argv = new String[words.size() + 1];
            argv[0] = program;
            for (int i = 0; i < words.size(); i++) {
                argv[i + 1] = words.get(i);
            }
            Command c;
            IpvsOperation op = null;
            try {
                c = parse(argv);
                if (c.isTableEdit()) {
                    op = operation(c);
                }
            } catch (CtlExit e) {
                applyBatch(pending);
                throw e;
            }
            if (op != null) {
                pending.add(op);
                if (pending.size() == BATCH_OPERATIONS) {
                    applyBatch(pending);
                }
                continue;
            }
            applyBatch(pending);
            if (perform(c, true) != 0) {
                restoreFailed = true;
            }
        }
        applyBatch(pending);
        return restoreFailed ? 255 : 0;
    }

    private void applyBatch(List<IpvsOperation> ops) {
        if (ops.isEmpty()) {
            return;
        }
        Ipvs k = ipvs();
        BatchResult result = timings.time("kernel", () -> k.apply(List.copyOf(ops), false));
        long unknown = 0;
        for (BatchResult.Outcome o : result.outcomes()) {
            if (o.status() == BatchResult.Status.FAILED) {
                err.println(IpvsErrors.message(ops.get(o.index()), o.errno()));
                restoreFailed = true;
            } else if (o.status() == BatchResult.Status.UNKNOWN) {
                unknown++;
            }
        }
        if (unknown > 0) {
            err.println(program + ": the outcome of " + unknown
                + " commands is unknown: the kernel's replies were lost (receive buffer overrun)");
            restoreFailed = true;
        }
        ops.clear();
    }

    // ------------------------------------------------------------------ listings

    private void listAll(int format) {
        Listing listing = new Listing(stdout, format, names);
        IpvsInfo info;
        List<ServiceState> table;
        Ipvs k = ipvs();
        try {
            long start = System.nanoTime();
            info = Format.has(format, Format.RULE) ? null : k.info();
            table = k.dump();
            timings.add("kernel", System.nanoTime() - start);
        } catch (NetlinkException e) {
            throw listingFailure(e, IpvsCommands.GET_SERVICE);
        }
        timings.time("format", () -> listing.all(info, table));
    }

    private void listService(ServiceKey key, int format) {
        ServiceState state;
        try {
            Optional<ServiceEntry> entry = ipvs().service(key);
            if (entry.isEmpty()) {
                throw CtlExit.fail(1, IpvsErrors.message(IpvsCommands.GET_SERVICE, Errno.ESRCH));
            }
            state = new ServiceState(entry.get(), ipvs().destinations(key));
        } catch (NetlinkException e) {
            throw listingFailure(e, IpvsCommands.GET_DEST);
        }
        new Listing(stdout, format, names).one(state);
    }

    private void listTimeout() {
        IpvsTimeouts t;
        try {
            t = ipvs().timeouts();
        } catch (NetlinkException e) {
            throw new CtlExit(1, ""); // ipvsadm exits silently here
        }
        stdout.append("Timeout (tcp tcpfin udp): ").append(t.tcp()).append(' ').append(t.tcpFin()).append(' ')
            .append(t.udp()).append('\n');
    }

    private CtlExit listingFailure(NetlinkException e, int command) {
        if (e.errno() == 0) {
            return CtlExit.fail(1, program + ": " + e.getMessage());
        }
        int cmd = e instanceof IpvsException ie ? ie.command() : command;
        return CtlExit.fail(1, IpvsErrors.message(cmd, e.errno()));
    }

    // ------------------------------------------------------------------ plumbing

    private Ipvs ipvs() {
        if (ipvs == null) {
            ipvs = timings.time("open", opener::open);
        }
        return ipvs;
    }

    private void flushStdout() {
        long start = System.nanoTime();
        stdout.flush();
        timings.add("output", System.nanoTime() - start);
    }

    /**
     * Opens the kernel's IPVS; like ipvsadm, loads module ip_vs once when the family is missing, and fails
     * with ipvsadm's message when that does not help.
     */
    static Ipvs openKernelIpvs() {
        try {
            return IpvsClient.open();
        } catch (IpvsUnavailableException e) {
            modprobeIpvs();
            try {
                return IpvsClient.open();
            } catch (NetlinkException again) {
                throw cannotInitialize(again);
            }
        } catch (NetlinkException e) {
            throw cannotInitialize(e);
        }
    }

    private static void modprobeIpvs() {
        try {
            Process p = new ProcessBuilder(Arrays.asList("/sbin/modprobe", "--", "ip_vs"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor();
        } catch (IOException e) {
            // no modprobe here: the retry reports the original failure
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CtlExit cannotInitialize(NetlinkException e) {
        String reason = e instanceof IpvsUnavailableException || e.errno() == 0 ? e.getMessage()
            : IpvsErrors.message(0, e.errno());
        return CtlExit.fail(2, "Can't initialize ipvs: " + reason
            + "\nAre you sure that IP Virtual Server is built in the kernel or as module?");
    }
}

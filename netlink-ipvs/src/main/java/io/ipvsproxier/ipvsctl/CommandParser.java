package io.ipvsproxier.ipvsctl;

import io.ipvsproxier.ipvsctl.PoptScanner.ArgKind;
import io.ipvsproxier.ipvsctl.PoptScanner.Spec;
import java.util.List;

/**
 * Turns one ipvsadm command line into a {@link Command}, with ipvsadm 1.31's rules and messages
 * (parse_options, then the checks of process_options). Every refusal is a {@link CtlExit} carrying the text
 * and exit status ipvsadm would give.
 */
final class CommandParser {
    static final int MAX_TIMEOUT = 86400 * 31;
    static final int PERSISTENT_TIMEOUT = 6 * 60;
    static final String DEFAULT_SCHEDULER = "wlc";
    static final int SCHEDNAME_MAXLEN = 16;
    static final int PENAME_MAXLEN = 16;

    static final int SVC_F_PERSISTENT = 0x0001;
    static final int SVC_F_ONEPACKET = 0x0004;
    static final int SVC_F_SCHED1 = 0x0008;
    static final int SVC_F_SCHED2 = 0x0010;
    static final int SVC_F_SCHED3 = 0x0020;
    static final int SVC_F_SCHED_FLAGS = SVC_F_SCHED1 | SVC_F_SCHED2 | SVC_F_SCHED3;

    private static final int TAG_SET = 128;
    private static final int TAG_START_DAEMON = 129;
    private static final int TAG_STOP_DAEMON = 130;
    private static final int TAG_MCAST_INTERFACE = 131;
    private static final int TAG_TIMEOUT = 132;
    private static final int TAG_DAEMON = 133;
    private static final int TAG_STATS = 134;
    private static final int TAG_RATE = 135;
    private static final int TAG_THRESHOLDS = 136;
    private static final int TAG_PERSISTENTCONN = 137;
    private static final int TAG_SORT = 138;
    private static final int TAG_NO_SORT = 139;
    private static final int TAG_PERSISTENCE_ENGINE = 140;
    private static final int TAG_SCTP_SERVICE = 141;
    private static final int TAG_MCAST_GROUP = 142;
    private static final int TAG_MCAST_PORT = 143;
    private static final int TAG_MCAST_TTL = 144;
    private static final int TAG_SYNC_MAXLEN = 145;
    private static final int TAG_TUN_INFO = 146;
    private static final int TAG_TUN_TYPE = 147;
    private static final int TAG_TUN_PORT = 148;
    private static final int TAG_TUN_NOCSUM = 149;
    private static final int TAG_TUN_CSUM = 150;
    private static final int TAG_TUN_REMCSUM = 151;

    private static final int SERVICE_NONE = 0;
    private static final int SERVICE_ADDR = 1;
    private static final int SERVICE_PORT = 2;

    private static final String[] TUN_NAMES = {"ipip", "gue", "gre"};
    private static final int[] TUN_OPTS = {Opt.TUN_PORT, Opt.TUN_NOCSUM, Opt.TUN_CSUM, Opt.TUN_REMCSUM};
    /** Rows ipip, gue, gre; columns tun-port, tun-nocsum, tun-csum, tun-remcsum (same key as CommandKind). */
    private static final String[] TUN_RULES = {"xxxx", "+111", "x11x"};
    private static final long TUN_OPTION_BITS = Opt.bit(Opt.TUN_PORT) | Opt.bit(Opt.TUN_NOCSUM) | Opt.bit(Opt.TUN_CSUM)
        | Opt.bit(Opt.TUN_REMCSUM);

    /** ipvsadm's popt option table, in its order (the order decides which of -L/-l "--list" means). */
    static final List<Spec> OPTIONS = List.of(
        new Spec("add-service", 'A', ArgKind.NONE, 'A'),
        new Spec("edit-service", 'E', ArgKind.NONE, 'E'),
        new Spec("delete-service", 'D', ArgKind.NONE, 'D'),
        new Spec("clear", 'C', ArgKind.NONE, 'C'),
        new Spec("list", 'L', ArgKind.NONE, 'L'),
        new Spec("list", 'l', ArgKind.NONE, 'l'),
        new Spec("zero", 'Z', ArgKind.NONE, 'Z'),
        new Spec("add-server", 'a', ArgKind.NONE, 'a'),
        new Spec("edit-server", 'e', ArgKind.NONE, 'e'),
        new Spec("delete-server", 'd', ArgKind.NONE, 'd'),
        new Spec("set", '\0', ArgKind.NONE, TAG_SET),
        new Spec("help", 'h', ArgKind.NONE, 'h'),
        new Spec("version", 'v', ArgKind.NONE, 'v'),
        new Spec("restore", 'R', ArgKind.NONE, 'R'),
        new Spec("save", 'S', ArgKind.NONE, 'S'),
        new Spec("start-daemon", '\0', ArgKind.REQUIRED, TAG_START_DAEMON),
        new Spec("stop-daemon", '\0', ArgKind.REQUIRED, TAG_STOP_DAEMON),
        new Spec("tcp-service", 't', ArgKind.REQUIRED, 't'),
        new Spec("udp-service", 'u', ArgKind.REQUIRED, 'u'),
        new Spec("sctp-service", '\0', ArgKind.REQUIRED, TAG_SCTP_SERVICE),
        new Spec("fwmark-service", 'f', ArgKind.REQUIRED, 'f'),
        new Spec("scheduler", 's', ArgKind.REQUIRED, 's'),
        new Spec("persistent", 'p', ArgKind.OPTIONAL, 'p'),
        new Spec("netmask", 'M', ArgKind.REQUIRED, 'M'),
        new Spec("real-server", 'r', ArgKind.REQUIRED, 'r'),
        new Spec("masquerading", 'm', ArgKind.NONE, 'm'),
        new Spec("ipip", 'i', ArgKind.NONE, 'i'),
        new Spec("gatewaying", 'g', ArgKind.NONE, 'g'),
        new Spec("weight", 'w', ArgKind.REQUIRED, 'w'),
        new Spec("u-threshold", 'x', ArgKind.REQUIRED, 'x'),
        new Spec("l-threshold", 'y', ArgKind.REQUIRED, 'y'),
        new Spec("numeric", 'n', ArgKind.NONE, 'n'),
        new Spec("connection", 'c', ArgKind.NONE, 'c'),
        new Spec("mcast-interface", '\0', ArgKind.REQUIRED, TAG_MCAST_INTERFACE),
        new Spec("syncid", '\0', ArgKind.REQUIRED, 'I'),
        new Spec("timeout", '\0', ArgKind.NONE, TAG_TIMEOUT),
        new Spec("daemon", '\0', ArgKind.NONE, TAG_DAEMON),
        new Spec("stats", '\0', ArgKind.NONE, TAG_STATS),
        new Spec("rate", '\0', ArgKind.NONE, TAG_RATE),
        new Spec("thresholds", '\0', ArgKind.NONE, TAG_THRESHOLDS),
        new Spec("persistent-conn", '\0', ArgKind.NONE, TAG_PERSISTENTCONN),
        new Spec("nosort", '\0', ArgKind.NONE, TAG_NO_SORT),
        new Spec("sort", '\0', ArgKind.NONE, TAG_SORT),
        new Spec("exact", 'X', ArgKind.NONE, 'X'),
        new Spec("ipv6", '6', ArgKind.NONE, '6'),
        new Spec("ops", 'o', ArgKind.NONE, 'o'),
        new Spec("pe", '\0', ArgKind.REQUIRED, TAG_PERSISTENCE_ENGINE),
        new Spec("sched-flags", 'b', ArgKind.REQUIRED, 'b'),
        new Spec("mcast-group", '\0', ArgKind.REQUIRED, TAG_MCAST_GROUP),
        new Spec("mcast-port", '\0', ArgKind.REQUIRED, TAG_MCAST_PORT),
        new Spec("mcast-ttl", '\0', ArgKind.REQUIRED, TAG_MCAST_TTL),
        new Spec("sync-maxlen", '\0', ArgKind.REQUIRED, TAG_SYNC_MAXLEN),
        new Spec("tun-info", '\0', ArgKind.NONE, TAG_TUN_INFO),
        new Spec("tun-type", '\0', ArgKind.REQUIRED, TAG_TUN_TYPE),
        new Spec("tun-port", '\0', ArgKind.REQUIRED, TAG_TUN_PORT),
        new Spec("tun-nocsum", '\0', ArgKind.NONE, TAG_TUN_NOCSUM),
        new Spec("tun-csum", '\0', ArgKind.NONE, TAG_TUN_CSUM),
        new Spec("tun-remcsum", '\0', ArgKind.NONE, TAG_TUN_REMCSUM));
    private static final PoptScanner.Table OPTION_TABLE = new PoptScanner.Table(OPTIONS);

    private final NameService names;

    CommandParser(NameService names) {
        this.names = names;
    }

    /** What the first option asked for when it was not a table command: help or version text on stdout. */
    static final class InfoRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final boolean help;

        InfoRequest(boolean help) {
            super(null, null, false, false);
            this.help = help;
        }
    }

    /**
     * Parses {@code argv} (argv[0] is the program name).
     *
     * @throws CtlExit for every refusal, with ipvsadm's text and status
     * @throws InfoRequest for -h / -v
     */
    Command parse(String[] argv) {
        Command ce = new Command();
        String program = argv[0];
        PoptScanner popt = new PoptScanner(OPTION_TABLE, argv);
        String schedFlagsArg = "";

        int c = popt.nextOption();
        if (c < 0) {
            throw tryHelp(program);
        }
        switch (c) {
            case 'A': ce.kind = CommandKind.ADD; break;
            case 'E': ce.kind = CommandKind.EDIT; break;
            case 'D': ce.kind = CommandKind.DEL; break;
            case 'a': ce.kind = CommandKind.ADDDEST; break;
            case 'e': ce.kind = CommandKind.EDITDEST; break;
            case 'd': ce.kind = CommandKind.DELDEST; break;
            case 'C': ce.kind = CommandKind.FLUSH; break;
            case 'L': case 'l': ce.kind = CommandKind.LIST; break;
            case 'Z': ce.kind = CommandKind.ZERO; break;
            case TAG_SET: ce.kind = CommandKind.TIMEOUT; break;
            case 'R': ce.kind = CommandKind.RESTORE; break;
            case 'S': ce.kind = CommandKind.SAVE; break;
            case TAG_START_DAEMON:
                ce.kind = CommandKind.STARTDAEMON;
                ce.daemonState = daemonState(popt.optArg(), "illegal start-daemon parameter specified");
                break;
            case TAG_STOP_DAEMON:
                ce.kind = CommandKind.STOPDAEMON;
                ce.daemonState = daemonState(popt.optArg(), "illegal start_daemon specified");
                break;
            case 'h':
                throw new InfoRequest(true);
            case 'v':
                throw new InfoRequest(false);
            default:
                throw tryHelp(program);
        }

        while ((c = popt.nextOption()) >= 0) {
            String optarg = popt.optArg();
            switch (c) {
                case 't':
                case 'u':
                case TAG_SCTP_SERVICE: {
                    setOption(ce, Opt.SERVICE);
                    ce.svc.protocol = c == 't' ? ServiceSpec.IPPROTO_TCP
                        : c == 'u' ? ServiceSpec.IPPROTO_UDP : ServiceSpec.IPPROTO_SCTP;
                    int parse = parseService(optarg, ce.svc);
                    if ((parse & SERVICE_ADDR) == 0) {
                        throw CtlExit.fail(2, "illegal virtual server address[:port] specified");
                    }
                    break;
                }
                case 'f':
                    setOption(ce, Opt.SERVICE);
                    ce.svc.af = ServiceSpec.AF_INET;
                    ce.svc.protocol = ServiceSpec.IPPROTO_TCP;
                    ce.svc.fwmark = parseFwmark(optarg);
                    break;
                case 's':
                    setOption(ce, Opt.SCHEDULER);
                    ce.svc.schedName = truncate(optarg, SCHEDNAME_MAXLEN - 1);
                    break;
                case 'p':
                    setOption(ce, Opt.PERSISTENT);
                    ce.svc.flags |= SVC_F_PERSISTENT;
                    ce.svc.timeout = parseTimeout(optarg, 1, MAX_TIMEOUT);
                    break;
                case 'M':
                    setOption(ce, Opt.NETMASK);
                    if (ce.svc.af != ServiceSpec.AF_INET6) {
                        Integer mask = parseNetmask(optarg);
                        if (mask == null) {
                            throw CtlExit.fail(2, "illegal virtual server persistent mask specified");
                        }
                        ce.svc.netmask = mask;
                    } else {
                        ce.svc.netmask = CText.atoi(optarg);
                        if (ce.svc.netmask < 1 || ce.svc.netmask > 128) {
                            throw CtlExit.fail(2, "illegal ipv6 netmask specified");
                        }
                    }
                    break;
                case 'r': {
                    setOption(ce, Opt.SERVER);
                    ServiceSpec t = ce.svc.copy();
                    int parse = parseService(optarg, t);
                    ce.dest.af = t.af;
                    ce.dest.addr = t.addr;
                    ce.dest.port = t.port;
                    if ((parse & SERVICE_ADDR) == 0) {
                        throw CtlExit.fail(2, "illegal real server address[:port] specified");
                    }
                    if (parse == SERVICE_ADDR) {
                        ce.dest.port = ce.svc.port; // no port given: the service's
                    }
                    break;
                }
                case 'i':
                    setOption(ce, Opt.FORWARD);
                    ce.dest.connFlags = DestSpec.CONN_F_TUNNEL;
                    break;
                case 'g':
                    setOption(ce, Opt.FORWARD);
                    ce.dest.connFlags = DestSpec.CONN_F_DROUTE;
                    break;
                case 'm':
                    setOption(ce, Opt.FORWARD);
                    ce.dest.connFlags = DestSpec.CONN_F_MASQ;
                    break;
                case 'w':
                    setOption(ce, Opt.WEIGHT);
                    // Debian's ipvsadm 1.31 (the reference) allows weights up to INT_MAX; upstream stops at 65535.
                    if ((ce.dest.weight = CText.stringToNumber(optarg, 0, Integer.MAX_VALUE)) == -1) {
                        throw CtlExit.fail(2, "illegal weight specified");
                    }
                    break;
                case 'x':
                    setOption(ce, Opt.UTHRESHOLD);
                    if ((ce.dest.upperThreshold = CText.stringToNumber(optarg, 0, Integer.MAX_VALUE)) == -1) {
                        throw CtlExit.fail(2, "illegal u_threshold specified");
                    }
                    break;
                case 'y':
                    setOption(ce, Opt.LTHRESHOLD);
                    if ((ce.dest.lowerThreshold = CText.stringToNumber(optarg, 0, Integer.MAX_VALUE)) == -1) {
                        throw CtlExit.fail(2, "illegal l_threshold specified");
                    }
                    break;
                case 'c':
                    setOption(ce, Opt.CONNECTION);
                    break;
                case 'n':
                    setOption(ce, Opt.NUMERIC);
                    ce.format |= Format.NUMERIC;
                    break;
                case TAG_MCAST_INTERFACE:
                    setOption(ce, Opt.MCAST);
                    break;
                case 'I':
                    setOption(ce, Opt.SYNCID);
                    if (CText.stringToNumber(optarg, 0, 255) == -1) {
                        throw CtlExit.fail(2, "illegal syncid specified");
                    }
                    break;
                case TAG_TIMEOUT:
                    setOption(ce, Opt.TIMEOUT);
                    break;
                case TAG_DAEMON:
                    setOption(ce, Opt.DAEMON);
                    break;
                case TAG_STATS:
                    setOption(ce, Opt.STATS);
                    ce.format |= Format.STATS;
                    break;
                case TAG_RATE:
                    setOption(ce, Opt.RATE);
                    ce.format |= Format.RATE;
                    break;
                case TAG_THRESHOLDS:
                    setOption(ce, Opt.THRESHOLDS);
                    ce.format |= Format.THRESHOLDS;
                    break;
                case TAG_PERSISTENTCONN:
                    setOption(ce, Opt.PERSISTENTCONN);
                    ce.format |= Format.PERSISTENTCONN;
                    break;
                case TAG_NO_SORT:
                    setOption(ce, Opt.NOSORT);
                    ce.format |= Format.NOSORT;
                    break;
                case TAG_SORT:
                    break; // sorting is the default; accepted for compatibility
                case 'X':
                    setOption(ce, Opt.EXACT);
                    ce.format |= Format.EXACT;
                    break;
                case '6':
                    if (ce.svc.fwmark != 0) {
                        ce.svc.af = ServiceSpec.AF_INET6;
                        ce.svc.netmask = 128;
                    } else {
                        throw CtlExit.fail(2, "-6 used before -f\n");
                    }
                    break;
                case 'o':
                    setOption(ce, Opt.ONEPACKET);
                    ce.svc.flags |= SVC_F_ONEPACKET;
                    break;
                case TAG_PERSISTENCE_ENGINE:
                    setOption(ce, Opt.PERSISTENCE_ENGINE);
                    ce.svc.peName = truncate(optarg, PENAME_MAXLEN);
                    break;
                case 'b':
                    setOption(ce, Opt.SCHED_FLAGS);
                    schedFlagsArg = truncate(optarg, 127);
                    break;
                case TAG_MCAST_GROUP:
                    setOption(ce, Opt.MCAST_GROUP);
                    checkMcastGroup(optarg);
                    break;
                case TAG_MCAST_PORT:
                    setOption(ce, Opt.MCAST_PORT);
                    if (CText.stringToNumber(optarg, 1, 65535) == -1) {
                        throw CtlExit.fail(2, "illegal mcast-port specified");
                    }
                    break;
                case TAG_MCAST_TTL:
                    setOption(ce, Opt.MCAST_TTL);
                    if (CText.stringToNumber(optarg, 1, 255) == -1) {
                        throw CtlExit.fail(2, "illegal mcast-ttl specified");
                    }
                    break;
                case TAG_SYNC_MAXLEN:
                    setOption(ce, Opt.SYNC_MAXLEN);
                    if (CText.stringToNumber(optarg, 1, 65535 - 20 - 8) == -1) {
                        throw CtlExit.fail(2, "illegal sync-maxlen specified");
                    }
                    break;
                case TAG_TUN_INFO:
                    setOption(ce, Opt.TUN_INFO);
                    ce.format |= Format.TUN_INFO;
                    break;
                case TAG_TUN_TYPE: {
                    setOption(ce, Opt.TUN_TYPE);
                    int type = tunnelType(optarg);
                    if (type == -1) {
                        throw CtlExit.fail(2, "illegal tunnel type specified");
                    }
                    ce.dest.tunType = type;
                    break;
                }
                case TAG_TUN_PORT: {
                    setOption(ce, Opt.TUN_PORT);
                    int port = CText.stringToNumber(optarg, 1, 65535);
                    if (port == -1) {
                        throw CtlExit.fail(2, "illegal tunnel port specified");
                    }
                    ce.dest.tunPort = port;
                    break;
                }
                case TAG_TUN_NOCSUM:
                    setOption(ce, Opt.TUN_NOCSUM);
                    break;
                case TAG_TUN_CSUM:
                    setOption(ce, Opt.TUN_CSUM);
                    ce.dest.tunFlags |= 1;
                    break;
                case TAG_TUN_REMCSUM:
                    setOption(ce, Opt.TUN_REMCSUM);
                    ce.dest.tunFlags |= 2;
                    break;
                default:
                    throw CtlExit.fail(2, "invalid option `" + popt.badOption() + "'");
            }
        }
        if (c < PoptScanner.END) {
            throw new CtlExit(255, popt.badOption() + ": " + PoptScanner.errorText(c) + "\n");
        }

        if (ce.kind == CommandKind.TIMEOUT) {
            String a = popt.nextLeftover();
            String b = a == null ? null : popt.nextLeftover();
            String d = b == null ? null : popt.nextLeftover();
            if (d == null) {
                throw CtlExit.fail(2, "--set option requires 3 timeout values");
            }
            ce.tcpTimeout = parseTimeout(a, 0, MAX_TIMEOUT);
            ce.tcpFinTimeout = parseTimeout(b, 0, MAX_TIMEOUT);
            ce.udpTimeout = parseTimeout(d, 0, MAX_TIMEOUT);
        }
        String unexpected = popt.nextLeftover();
        if (unexpected != null) {
            throw CtlExit.fail(2, "unexpected argument " + unexpected);
        }
        if (!schedFlagsArg.isEmpty()) {
            ce.svc.flags &= ~SVC_F_SCHED_FLAGS;
            ce.svc.flags |= parseSchedFlags(ce.svc.schedName, schedFlagsArg);
        }
        check(ce);
        return ce;
    }

    /** process_options' checks between parsing and acting. */
    private static void check(Command ce) {
        genericOptionCheck(ce.kind, ce.options);
        if (ce.kind == CommandKind.ADD || ce.kind == CommandKind.EDIT) {
            if (ce.svc.fwmark == 0 && ce.svc.port == 0 && (ce.svc.flags & SVC_F_PERSISTENT) == 0) {
                throw CtlExit.fail(2, "Zero port specified for non-persistent service");
            }
            if ((ce.svc.flags & SVC_F_ONEPACKET) != 0 && ce.svc.fwmark == 0
                && ce.svc.protocol != ServiceSpec.IPPROTO_UDP) {
                throw CtlExit.fail(2, "One-Packet Scheduling is only for UDP virtual services");
            }
            if (ce.svc.schedName.isEmpty()) {
                ce.svc.schedName = DEFAULT_SCHEDULER;
            }
        }
        int fwdMethod = ce.dest.connFlags & 0x7;
        if (ce.kind == CommandKind.ADDDEST || ce.kind == CommandKind.EDITDEST) {
            // Tunnelled and direct-routed servers receive the packet for the virtual port.
            if (ce.svc.fwmark == 0 && (fwdMethod == DestSpec.CONN_F_TUNNEL || fwdMethod == DestSpec.CONN_F_DROUTE)) {
                ce.dest.port = ce.svc.port;
            }
            if (ce.dest.af != ce.svc.af && fwdMethod != DestSpec.CONN_F_TUNNEL) {
                throw CtlExit.fail(2, "Different address family is allowed only for tunneling servers");
            }
            long tunnelOptions = Opt.bit(Opt.TUN_TYPE) | Opt.bit(Opt.TUN_PORT) | Opt.bit(Opt.TUN_NOCSUM)
                | Opt.bit(Opt.TUN_CSUM) | Opt.bit(Opt.TUN_REMCSUM);
            if ((ce.options & tunnelOptions) != 0 && fwdMethod != DestSpec.CONN_F_TUNNEL) {
                throw CtlExit.fail(2, "Tunnel options conflict with forward method");
            }
            tunnelOptionCheck(ce.dest.tunType, ce.options);
        }
        if (ce.kind == CommandKind.LIST) {
            long connTimeoutDaemon = Opt.bit(Opt.CONNECTION) | Opt.bit(Opt.TIMEOUT) | Opt.bit(Opt.DAEMON);
            long statsRateThresholds = Opt.bit(Opt.STATS) | Opt.bit(Opt.RATE) | Opt.bit(Opt.THRESHOLDS);
            long timeoutDaemon = Opt.bit(Opt.TIMEOUT) | Opt.bit(Opt.DAEMON);
            if (((ce.options & connTimeoutDaemon) != 0 && (ce.options & statsRateThresholds) != 0)
                || ((ce.options & timeoutDaemon) != 0 && ce.has(Opt.PERSISTENTCONN))) {
                throw CtlExit.fail(2, "options conflicts in the list command");
            }
        }
    }

    static CtlExit tryHelp(String program) {
        return new CtlExit(255, "Try `" + program + " -h' or '" + program + " --help' for more information.\n");
    }

    private static int daemonState(String arg, String error) {
        if ("master".equals(arg)) {
            return 1;
        }
        if ("backup".equals(arg)) {
            return 2;
        }
        throw CtlExit.fail(2, error);
    }

    private static void setOption(Command ce, int opt) {
        if (ce.has(opt)) {
            throw CtlExit.fail(2, "multiple '" + Opt.name(opt) + "' options specified");
        }
        ce.options |= Opt.bit(opt);
    }

    private static void genericOptionCheck(CommandKind kind, long options) {
        if (kind.accepts(options)) {
            return;
        }
        int last = 0;
        int count = 0;
        for (int j = 0; j < Opt.COUNT; j++) {
            char rule = kind.rule(j);
            if ((options & Opt.bit(j)) == 0) {
                if (rule == '+') {
                    throw CtlExit.fail(2, "You need to supply the '" + Opt.name(j) + "' option for the '"
                        + kind.cliName() + "' command");
                }
            } else {
                if (rule == 'x') {
                    throw CtlExit.fail(2, "Illegal '" + Opt.name(j) + "' option with the '" + kind.cliName() + "' command");
                }
                if (rule == '1') {
                    count++;
                    if (count == 1) {
                        last = j;
                        continue;
                    }
                    throw CtlExit.fail(2, "The option '" + Opt.name(j) + "' conflicts with the '" + Opt.name(last)
                        + "' option in the '" + kind.cliName() + "' command");
                }
            }
        }
    }

    private static void tunnelOptionCheck(int tunType, long options) {
        if (tunType == DestSpec.TUN_IPIP && (options & TUN_OPTION_BITS) == 0) {
            return; // the common case: plain IPIP, nothing to check
        }
        int last = 0;
        int count = 0;
        for (int j = 0; j < TUN_OPTS.length; j++) {
            int k = TUN_OPTS[j];
            char rule = TUN_RULES[tunType].charAt(j);
            if ((options & Opt.bit(k)) == 0) {
                if (rule == '+') {
                    throw CtlExit.fail(2, "You need to supply the '" + Opt.name(k) + "' option for the '"
                        + TUN_NAMES[tunType] + "' tunnel type");
                }
            } else {
                if (rule == 'x') {
                    throw CtlExit.fail(2, "Illegal '" + Opt.name(k) + "' option with the '" + TUN_NAMES[tunType]
                        + "' tunnel type");
                }
                if (rule == '1') {
                    count++;
                    if (count == 1) {
                        last = k;
                        continue;
                    }
                    throw CtlExit.fail(2, "The option '" + Opt.name(k) + "' conflicts with the '" + Opt.name(last)
                        + "' option in the '" + TUN_NAMES[tunType] + "' tunnel type");
                }
            }
        }
    }

    private static int tunnelType(String name) {
        for (int i = 0; i < TUN_NAMES.length; i++) {
            if (TUN_NAMES[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static int parseTimeout(String text, int min, int max) {
        if (text == null) {
            return PERSISTENT_TIMEOUT; // -p without a value
        }
        int i = CText.stringToNumber(text, min, max);
        if (i == -1) {
            throw CtlExit.fail(2, "invalid timeout value `" + text + "' specified");
        }
        return i;
    }

    private static long parseFwmark(String text) {
        Long l = CText.strtolWhole(text);
        if (l == null || l <= 0 || l > 0xffffffffL) {
            throw CtlExit.fail(2, "invalid fwmark value `" + text + "' specified");
        }
        return l;
    }

    private Integer parseNetmask(String text) {
        Integer a = CText.inetAton(text);
        if (a != null) {
            return a;
        }
        byte[] b = names.ipv4Address(text);
        if (b != null) {
            return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        }
        return null;
    }

    /**
     * ipvsadm's parse_service: {@code addr[:port]}, {@code [v6addr]:port} or a bare IPv6 address; names are
     * looked up. Sets af, addr and, when given, port of {@code svc}; returns SERVICE_* bits.
     */
    int parseService(String buf, ServiceSpec svc) {
        if (buf == null || isAllDigits(buf)) {
            return SERVICE_NONE;
        }
        String host = buf;
        String portText = null; // the text after the port separator, when there is one
        if (buf.startsWith("[")) {
            int close = buf.indexOf(']', 1);
            if (close < 0) {
                return SERVICE_NONE;
            }
            if (close + 1 >= buf.length() || buf.charAt(close + 1) != ':') {
                return SERVICE_NONE;
            }
            host = buf.substring(1, close);
            portText = buf.substring(close + 2);
        }
        // Every IPv6 text has at least two colons; "10.0.0.1:80" need not be tried as one.
        int firstColon = host.indexOf(':');
        byte[] v6 = firstColon >= 0 && host.indexOf(':', firstColon + 1) >= 0 ? CText.inetPton6(host) : null;
        if (v6 != null) {
            svc.addr = v6;
            svc.af = ServiceSpec.AF_INET6;
            svc.netmask = 128;
        } else {
            // Only the host part is searched for a port here, so "[1.2.3.4]:80" loses its port, as in ipvsadm.
            int colon = host.lastIndexOf(':');
            if (colon >= 0) {
                portText = host.substring(colon + 1);
                host = host.substring(0, colon);
            } else {
                portText = null;
            }
            long v4 = CText.inetAtonBits(host);
            byte[] a = new byte[16];
            if (v4 >= 0) {
                a[0] = (byte) (v4 >>> 24);
                a[1] = (byte) (v4 >>> 16);
                a[2] = (byte) (v4 >>> 8);
                a[3] = (byte) v4;
            } else {
                byte[] resolved = host.isEmpty() ? null : names.ipv4Address(host);
                if (resolved == null) {
                    return SERVICE_NONE;
                }
                System.arraycopy(resolved, 0, a, 0, 4);
            }
            svc.addr = a;
            svc.af = ServiceSpec.AF_INET;
        }
        int result = SERVICE_ADDR;
        if (portText != null) {
            result |= SERVICE_PORT;
            int port = CText.stringToNumber(portText, 0, 65535);
            if (port == -1) {
                port = names.port(portText, svc.protocol);
            }
            if (port == -1) {
                return SERVICE_NONE;
            }
            svc.port = port;
        }
        return result;
    }

    private static int parseSchedFlags(String sched, String arg) {
        String s = sched.isEmpty() ? DEFAULT_SCHEDULER : sched;
        int flags = 0;
        // strtok: empty fields between commas vanish; an argument of only commas yields no token at all,
        // and ipvsadm then compares a null token, which we treat as an invalid flag.
        String[] tokens = arg.split(",");
        boolean any = false;
        for (String flag : tokens) {
            if (flag.isEmpty()) {
                continue;
            }
            any = true;
            switch (flag) {
                case "flag-1": flags |= SVC_F_SCHED1; break;
                case "flag-2": flags |= SVC_F_SCHED2; break;
                case "flag-3": flags |= SVC_F_SCHED3; break;
                case "sh-fallback":
                    flags |= SVC_F_SCHED1;
                    requireScheduler(s, "sh", flag);
                    break;
                case "sh-port":
                    flags |= SVC_F_SCHED2;
                    requireScheduler(s, "sh", flag);
                    break;
                case "mh-fallback":
                    flags |= SVC_F_SCHED1;
                    requireScheduler(s, "mh", flag);
                    break;
                case "mh-port":
                    flags |= SVC_F_SCHED2;
                    requireScheduler(s, "mh", flag);
                    break;
                default:
                    throw CtlExit.fail(2, "invalid scheduler flag `" + flag + "'");
            }
        }
        if (!any) {
            throw CtlExit.fail(2, "invalid scheduler flag `(null)'");
        }
        return flags;
    }

    private static void requireScheduler(String sched, String wanted, String flag) {
        if (!sched.equals(wanted)) {
            throw CtlExit.fail(2, "incompatible scheduler flag `" + flag + "'");
        }
    }

    private static void checkMcastGroup(String arg) {
        if (arg.indexOf(':') >= 0) {
            byte[] a = CText.inetPton6(arg);
            if (a == null || (a[0] & 0xff) != 0xff) {
                throw CtlExit.fail(2, "invalid IPv6 mcast-group `" + arg + "'");
            }
        } else {
            byte[] a = CText.inetPton4(arg);
            if (a == null || (a[0] & 0xf0) != 0xe0) {
                throw CtlExit.fail(2, "invalid IPv4 mcast-group `" + arg + "'");
            }
        }
    }

    private static boolean isAllDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!CText.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }
}

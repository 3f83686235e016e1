package io.ipvsproxier.ipvsctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.ipvs.ForwardingMethod;
import io.ipvsproxier.ipvs.IpvsClient;
import io.ipvsproxier.ipvs.IpvsTimeouts;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * ipvsctl against the real ipvsadm 1.31 on the same kernel: every listing and save of a varied table
 * (IPv4/IPv6, TCP/UDP/SCTP/fwmark, persistence with netmasks, scheduler flags, one-packet, the SIP
 * persistence engine, weights including 0, thresholds, masquerading/direct routing/tunnelling/local
 * servers, live counters) must be byte-identical; restore must rebuild the same table; and for bad input
 * both must print the same message, exit with the same status and leave the same table.
 */
@Tag("kernel")
class IpvsCtlKernelTest {
    private static final IpvsTimeouts DEFAULT_TIMEOUTS = new IpvsTimeouts(900, 120, 300);
    private static final String TRAFFIC_LINK = "ctltest0";
    private static IpvsClient client;

    private record Run(int status, String out, String err) {}

    @BeforeAll
    static void open() {
        client = IpvsClient.open();
        client.flush();
        client.setTimeouts(DEFAULT_TIMEOUTS);
    }

    @AfterAll
    static void close() {
        run(null, "ip", "link", "del", TRAFFIC_LINK);
        if (client != null) {
            client.flush();
            client.setTimeouts(DEFAULT_TIMEOUTS);
            client.close();
        }
    }

    // ------------------------------------------------------------------ running both tools

    private static Run run(String stdin, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> {
                try {
                    p.getErrorStream().transferTo(err);
                } catch (IOException e) {
                    // the process ended
                }
            });
            errReader.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish");
            }
            errReader.join();
            return new Run(p.exitValue(), out, err.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Run ipvsadm(String... args) {
        return ipvsadmWithInput(null, args);
    }

    private static Run ipvsadmWithInput(String stdin, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ipvsadm";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return run(stdin, cmd);
    }

    /** ipvsctl in this JVM, over the shared client, calling itself "ipvsadm" so that messages compare as they are. */
    private static Run ipvsctl(String stdin, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.ISO_8859_1));
        int status = new IpvsCtl("ipvsadm", () -> client, in, new PrintStream(o, true), new PrintStream(e, true),
            new SystemNameService()).execute(args);
        return new Run(status, o.toString(StandardCharsets.ISO_8859_1), e.toString(StandardCharsets.ISO_8859_1));
    }

    /** The table as ipvsadm saves it, and the timeouts. */
    private static String state() {
        Run saved = ipvsadm("-S", "-n");
        assertThat(saved.status()).isZero();
        return saved.out() + client.timeouts();
    }

    /** Empties the table, sets default timeouts and loads {@code rules}. */
    private static void reset(String rules) {
        client.flush();
        client.setTimeouts(DEFAULT_TIMEOUTS);
        assertThat(ipvsctl(rules, "-R")).isEqualTo(new Run(0, "", ""));
    }

    /**
     * Compares one listing of both tools. Counters, rates and connection counts move while traffic ages, so
     * ipvsadm lists before and after ipvsctl and the comparison counts only when those two agree.
     */
    private static void assertSameListing(String... args) {
        for (int attempt = 1; ; attempt++) {
            Run before = ipvsadm(args);
            Run ctl = ipvsctl(null, args);
            Run after = ipvsadm(args);
            // Rates decay for a minute or more after traffic; each round spans seconds in the lab.
            if (!before.equals(after) && attempt < 40) {
                continue;
            }
            assertThat(before.status()).as("ipvsadm %s", String.join(" ", args)).isZero();
            assertThat(before.out()).as("ipvsadm %s listed nothing", String.join(" ", args)).isNotEmpty();
            assertThat(ctl).as("ipvsctl %s", String.join(" ", args)).isEqualTo(before);
            return;
        }
    }

    // ------------------------------------------------------------------ the table

    /** ipvsadm restore input for a table of well over 50 services. */
    static String variedTable() {
        return variedTable(true);
    }

    /**
     * The table, optionally without firewall marks of 2^31 and more: ipvsadm saves those as negative
     * numbers ({@code -f -294967296}) that neither it nor ipvsctl accepts back, so round trips leave them out.
     */
    static String variedTable(boolean hugeMarks) {
        StringBuilder r = new StringBuilder();
        String[] v4 = {"10.0.0.1", "10.0.0.2", "1.1.1.1", "100.64.0.1", "127.0.0.1", "128.0.0.1", "129.0.0.1",
            "172.16.0.1", "192.168.0.1", "200.0.0.1", "223.255.255.254", "10.255.255.255", "99.0.0.1", "150.0.0.1"};
        String[] schedulers = {"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sed", "nq", "fo", "ovf", "sh", "mh"};
        String[] dests = {"10.1.0.1", "192.168.1.1", "172.17.0.1", "200.1.0.1", "10.1.0.2", "127.0.0.1", "1.2.3.4",
            "130.0.0.1", "10.200.0.1", "64.0.0.1", "250.0.0.1", "192.168.1.0"};
        int n = 0;
        for (int i = 0; i < v4.length; i++) {
            for (String proto : new String[] {"-t", "-u", "--sctp-service"}) {
                if (proto.equals("--sctp-service") && i % 3 != 0) {
                    continue;
                }
                int port = proto.equals("-u") ? 53 : (i % 4 == 0 ? 80 : 1000 + i * 37);
                String svc = proto + " " + v4[i] + ":" + port;
                String sched = schedulers[n % schedulers.length];
                StringBuilder opts = new StringBuilder("-s " + sched);
                if (n % 5 == 1) {
                    opts.append(" -p ").append(60 * (n + 1));
                } else if (n % 5 == 2) {
                    opts.append(" -p ").append(300).append(" -M ").append(n % 2 == 0 ? "255.255.255.0" : "255.255.0.0");
                }
                if (sched.equals("sh")) {
                    opts.append(n % 3 == 0 ? " -b sh-fallback,sh-port" : n % 3 == 1 ? " -b sh-port" : " -b sh-fallback");
                } else if (sched.equals("mh")) {
                    opts.append(n % 2 == 0 ? " -b mh-port" : " -b mh-fallback,mh-port");
                } else if (n % 11 == 3) {
                    opts.append(" -b flag-3");
                }
                if (proto.equals("-u") && n % 2 == 0) {
                    opts.append(" -o");
                }
                r.append("-A ").append(svc).append(' ').append(opts).append('\n');
                int count = n % 7 == 0 ? 0 : 1 + (n * 5) % dests.length;
                for (int d = 0; d < count; d++) {
                    String addr = dests[(d + n) % dests.length];
                    String fwd = d % 3 == 0 ? "-m" : d % 3 == 1 ? "-g" : "-i";
                    int weight = d == 1 ? 0 : (d * 1000 + n) % 65536;
                    String thresholds = d % 4 == 2 ? " -x " + (100 + d) + " -y " + (10 + d) : d % 4 == 3 ? " -x 5000" : "";
                    r.append("-a ").append(svc).append(" -r ").append(addr).append(':').append(8000 + d).append(' ')
                        .append(fwd).append(" -w ").append(weight).append(thresholds).append('\n');
                }
                n++;
            }
        }
        String[] v6 = {"fd00::1", "fd00::2", "2001:db8::10", "::1", "fe80::1", "8000::1", "fd00:0:0:1::", "::ffff:10.9.9.9"};
        for (int i = 0; i < v6.length; i++) {
            for (String proto : new String[] {"-t", "-u", "--sctp-service"}) {
                if (proto.equals("--sctp-service") && i % 2 == 1) {
                    continue;
                }
                String svc = proto + " [" + v6[i] + "]:" + (proto.equals("-u") ? 53 : 443 + i);
                String opts = "-s " + schedulers[(n + i) % 11] + (i % 3 == 0 ? " -p 1800 -M 64" : i % 3 == 1 ? " -p" : "");
                r.append("-A ").append(svc).append(' ').append(opts).append('\n');
                for (int d = 0; d < (i % 4) + 1; d++) {
                    String fwd = d % 3 == 0 ? "-m" : d % 3 == 1 ? "-g" : "-i";
                    r.append("-a ").append(svc).append(" -r [fd01::").append(Integer.toHexString(0x100 * (d + 1) + i))
                        .append("]:").append(9000 + d).append(' ').append(fwd).append(" -w ").append(d == 2 ? 0 : d + 1).append('\n');
                }
                if (i == 2) {
                    // an IPv4 real server behind an IPv6 service: allowed for tunnels only
                    r.append("-a ").append(svc).append(" -r 10.3.3.3:").append(proto.equals("-u") ? 53 : 443 + i).append(" -i -w 2\n");
                }
                n++;
            }
        }
        long[] marks = {1, 2, 7, 100, 65535, 2147483647L, 2147483648L, 4000000000L, 4294967295L};
        for (int i = 0; i < marks.length; i++) {
            if (!hugeMarks && marks[i] > Integer.MAX_VALUE) {
                continue;
            }
            String six = i % 3 == 2 ? " -6" : "";
            String svc = "-f " + marks[i] + six;
            r.append("-A ").append(svc).append(" -s ").append(schedulers[i]).append(i % 2 == 0 ? " -p 120" : "").append('\n');
            for (int d = 0; d < i % 4; d++) {
                String addr = six.isEmpty() ? dests[(d * 3 + i) % dests.length] + ":" + (7000 + d) : "[fd02::" + (d + 1) + "]:" + (7000 + d);
                r.append("-a ").append(svc).append(" -r ").append(addr).append(d % 2 == 0 ? " -m" : " -g").append(" -w ").append(d).append('\n');
            }
            n++;
        }
        r.append("-A -u 10.9.0.1:5060 -s rr -p 600 --pe sip\n");
        r.append("-a -u 10.9.0.1:5060 -r 10.9.1.1:5060 -m -w 1\n");
        r.append("-A -t 10.9.0.2:5060 -s wlc --pe sip\n");
        return r.toString();
    }

    /** A service with local real servers and some finished connections, so that counters are not all zero. */
    private static void trafficService() throws IOException, InterruptedException {
        run(null, "ip", "link", "del", TRAFFIC_LINK);
        assertThat(run(null, "ip", "link", "add", TRAFFIC_LINK, "type", "dummy").status()).isZero();
        assertThat(run(null, "ip", "addr", "add", "10.98.0.10/32", "dev", TRAFFIC_LINK).status()).isZero();
        assertThat(run(null, "ip", "link", "set", TRAFFIC_LINK, "up").status()).isZero();
        ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddress.getByName("10.98.0.10"), 8090);
        client.addService(VirtualServer.of(key, "rr").withPersistence(30));
        client.addDestination(key, new RealServer(InetAddress.getByName("10.98.0.10"), 8090, 3, ForwardingMethod.LOCAL, 0, 0));
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("0.0.0.0", 8090));
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        s.getOutputStream().write(s.getInputStream().readAllBytes());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            for (int i = 0; i < 4; i++) {
                try (Socket c = new Socket()) {
                    c.connect(new InetSocketAddress("10.98.0.10", 8090), 5000);
                    c.setSoTimeout(5000);
                    c.getOutputStream().write(new byte[1000 * (i + 1)]);
                    c.shutdownOutput();
                    assertThat(c.getInputStream().readAllBytes()).hasSize(1000 * (i + 1));
                }
            }
        }
        // the kernel folds per-CPU counters into the reported ones every 2 seconds
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (client.service(key).orElseThrow().stats().connections() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertThat(client.service(key).orElseThrow().stats().connections()).isEqualTo(4);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void listingsAndSavesAreByteIdenticalToIpvsadm() throws Exception {
        client.flush();
        Run loaded = ipvsadmWithInput(variedTable(), "-R");
        assertThat(loaded.err()).isEmpty();
        assertThat(loaded.status()).isZero();
        trafficService();
        assertThat(client.services()).hasSizeGreaterThanOrEqualTo(50);

        for (String[] args : new String[][] {
            {"-Ln"}, {"-Ln", "--stats"}, {"-Ln", "--rate"}, {"-Ln", "--exact", "--stats"}, {"-Ln", "--exact", "--rate"},
            {"-Ln", "--thresholds"}, {"-Ln", "--persistent-conn"}, {"-Ln", "--tun-info"}, {"-Ln", "--nosort"},
            {"-S", "-n"}, {"-L", "--timeout"}, {"-L"}, {"-S"}, {"-l", "--stats"}, {"-Lnc"}, {"-L", "-n", "-c", "--persistent-conn"},
            {"-Ln", "-t", "10.0.0.1:80"}, {"-Ln", "-u", "[fd00::1]:53"}, {"-Ln", "--stats", "-t", "10.98.0.10:8090"},
            {"-Ln", "--sctp-service", "[2001:db8::10]:445"}, {"-Ln", "-f", "4000000000"}, {"-Ln", "-f", "7", "-6"},
            {"-Ln", "--persistent-conn", "-f", "100"}, {"-L", "-t", "localhost:http"},
        }) {
            assertSameListing(args);
        }
    }

    @Test
    void theScriptListsLikeIpvsadmAndRestoresWhatItSaved() {
        client.flush();
        assertThat(ipvsadmWithInput(variedTable(false), "-R").status()).isZero();
        String saved = ipvsadm("-S", "-n").out();
        String listed = ipvsadm("-Ln").out();

        Path script = projectRoot().resolve("bin/ipvsctl");
        Run list = run(null, script.toString(), "-Ln");
        assertThat(list.err()).isEmpty();
        assertThat(list.status()).isZero();
        assertThat(list.out()).isEqualTo(listed);

        Run save = run(null, script.toString(), "-S", "-n");
        assertThat(save.out()).isEqualTo(saved);
        client.flush();
        Run restore = run(save.out(), script.toString(), "-R");
        assertThat(restore.err()).isEmpty();
        assertThat(restore.status()).isZero();
        assertThat(rules(ipvsadm("-S", "-n").out())).isEqualTo(rules(saved));
    }

    /**
     * The rules of a save, in a canonical order. A restore from a save rebuilds the same rules, but not
     * necessarily in the same listing order: the kernel keeps destinations in insertion order and ipvsadm's
     * address comparison (a signed subtraction) is not a total order, so its sort depends on that order.
     */
    private static List<String> rules(String save) {
        return save.lines().sorted().toList();
    }

    @Test
    void restoreOfItsOwnSaveRebuildsTheSameTable() {
        client.flush();
        assertThat(ipvsadmWithInput(variedTable(false), "-R").status()).isZero();
        String before = ipvsadm("-S", "-n").out();
        Run save = ipvsctl(null, "-S", "-n");
        assertThat(save.out()).isEqualTo(before);
        assertThat(ipvsctl(null, "-C").status()).isZero();
        assertThat(ipvsadm("-S", "-n").out()).isEmpty();
        Run restore = ipvsctl(save.out(), "-R");
        assertThat(restore).isEqualTo(new Run(0, "", ""));
        assertThat(rules(ipvsadm("-S", "-n").out())).isEqualTo(rules(before));
    }

    @Test
    void restoreFailuresAreReportedLikeIpvsadmReportsThem() {
        String base = "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.1.1.1:80 -m\n";
        String rules = "-A -t 10.0.0.1:80 -s rr\n"
            + "-a -t 10.0.0.9:80 -r 10.1.1.1:80 -m\n"
            + "-A -t 10.0.0.2:80 -s nosuch\n"
            + "-a -t 10.0.0.1:80 -r 10.1.1.1:80 -m\n"
            + "-A -t 10.0.0.3:80 -s rr\n"
            + "-a -t 10.0.0.3:80 -r 10.1.1.3:80 -m -x 5 -y 10\n"
            + "-A -t 10.0.0.4:80 -s wrr\n"
            + "-A -t 10.0.0.5:99999 -s rr\n"
            + "-A -t 10.0.0.6:80 -s rr\n";
        client.flush();
        assertThat(ipvsadmWithInput(base, "-R").status()).isZero();
        Run reference = ipvsadmWithInput(rules, "-R");
        String referenceState = state();

        client.flush();
        assertThat(ipvsadmWithInput(base, "-R").status()).isZero();
        Run ctl = ipvsctl(rules, "-R");
        assertThat(state()).isEqualTo(referenceState);
        assertThat(ctl.err()).isEqualTo(reference.err());
        assertThat(ctl.out()).isEqualTo(reference.out());
        assertThat(ctl.status()).isEqualTo(reference.status()).isEqualTo(2);
    }

    /**
     * Command lines, most of them wrong. From the same starting table each goes through ipvsadm and through
     * ipvsctl; status, output, message and the resulting table must be the same.
     */
    @Test
    void everyCommandLineHasTheSameOutcomeAsWithIpvsadm() {
        String base = "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.1.1.1:80 -m\n-A -u [fd00::1]:53 -s sh -b sh-port\n"
            + "-a -u [fd00::1]:53 -r [fd00::2]:53 -g -w 4\n-A -f 5 -s rr -p 60\n";
        List<String> failures = new ArrayList<>();
        List<String[]> cases = commandLines();
        assertThat(cases).hasSizeGreaterThan(80);
        for (String[] args : cases) {
            String line = String.join(" ", args);
            reset(base);
            Run reference = ipvsadm(args);
            String referenceState = state();

            reset(base);
            Run ctl = ipvsctl(null, args);
            String ctlState = state();
            if (!ctl.equals(reference) || !ctlState.equals(referenceState)) {
                failures.add(line + "\n  ipvsadm: " + reference + "\n  ipvsctl: " + ctl
                    + (ctlState.equals(referenceState) ? "" : "\n  tables differ:\n" + referenceState + "---\n" + ctlState));
            }
        }
        assertThat(failures).isEmpty();
    }

    static List<String[]> commandLines() {
        String[] lines = {
            "-A -t 10.0.0.77:80 -s nosuchsched", "-A -t 10.0.0.256:80", "-A -t 10.0.0.1:70000", "-A -t 10.0.0.2",
            "-A -t [fd00::1]", "-A -t fd00::1:80", "-A -t [fd00::3]:80 -s rr", "-D -t 10.9.9.9:80",
            "-a -t 10.9.9.9:80 -r 10.1.1.1:80 -m", "-a -t 10.0.0.1:80 -r 10.1.1.1:80 -m", "-A -t 10.0.0.1:80",
            "-d -t 10.0.0.1:80 -r 10.7.7.7:80", "-e -t 10.0.0.1:80 -r 10.7.7.7:80 -m", "-E -t 10.9.9.9:80",
            "-a -t 10.0.0.1:80 -r 10.1.1.2:80 -m -w 70000", "-a -t 10.0.0.1:80 -r 10.1.1.2:80 -m -w 65535",
            "-a -t 10.0.0.1:80 -r 10.1.1.2:80 -m -w 2147483647", "-a -t 10.0.0.1:80 -r 10.1.1.2:80 -m -w 2147483648",
            "-a -t 10.0.0.1:80 -r 10.1.1.2:80 -m -w -1", "-a -t 10.0.0.1:80 -r 10.1.1.2:80 -m -w 1x",
            "-A -t 10.0.0.3:80 -p 0", "-A -t 10.0.0.3:80 -p 2678401", "-A -t 10.0.0.3:80 -p 10 -M 255.255.255.300",
            "-A -f 0", "-A -f 4294967296", "-A -f -3", "-A -u 10.0.0.3:53 -s sh -b sh-port,bogus",
            "-A -t 10.0.0.3:80 -s rr -b sh-port", "-A -t 10.0.0.3:80 -b mh-port", "-A -t 10.0.0.3:80 -o",
            "-L -c --stats", "-L -t 10.0.0.1:80 --timeout", "-A", "-A -t 10.0.0.3:80 -r 10.1.1.1",
            "-A -t 10.0.0.3:80 -t 10.0.0.4:80", "-Ln --bogus", "-Lq", "-n -L", "foo", "-L foo", "-A -t", "--set 1 2",
            "--set 1 2 x", "-L -A", "-a -t 10.0.0.1:80 -r [fd00::9]:80 -m",
            "-a -t 10.0.0.1:80 -r 10.1.1.3 -m --tun-type gue", "-a -t 10.0.0.1:80 -r 10.1.1.3 -i --tun-type gue",
            "-a -t 10.0.0.1:80 -r 10.1.1.3 -i --tun-port 6080",
            "-a -t 10.0.0.1:80 -r 10.1.1.3 -i --tun-type gre --tun-port 6080",
            "-a -t 10.0.0.1:80 -r 10.1.1.3 -i --tun-type gue --tun-port 6080 --tun-csum --tun-remcsum",
            "-a -t 10.0.0.1:80 -r 10.1.1.3 -i --tun-type ipip", "-A -6 -f 1", "-Ln --stats=1", "-A -t 0.0.0.0:0",
            "-a -t 10.0.0.1:80 -r 0.0.0.0:80 -m", "-A -t 10.0.0.2:80 -s rr -p 100 --pe nosuchpe",
            "-Z -t 10.9.9.9:80", "-Z -t 10.0.0.1:80", "-Z", "-L -t 10.9.9.9:80", "-Ln -t 10.9.9.9:80",
            "-A -t 10.0.0.3:http -s rr", "-A -t 10.0.0.3:nosuchport -s rr", "-A -t localhost:81 -s rr",
            "-A -t 10.0.0.3:80 -s rr -p -M 255.255.255.0", "-S -t 10.0.0.1:80", "-C -n", "-C",
            "-a -t 10.0.0.1:80 -r 10.1.1.9:80 -x 5 -y 10 -m", "-a -t 10.0.0.1:80 -r 10.1.1.9:80 -x 10 -y 5 -m",
            "-A -t 10.0.0.3:80 -s averyveryverylongschedulername", "-A -t 10.0.0.3:80 --pe",
            "-A -t 10.0.0.3:80 -p 100 -M 64", "-A -t [fd00::3]:80 -p 100 -M 129", "-A -t [fd00::3]:80 -p 100 -M abc",
            "-A -t [fd00::3]:80 -M 48 -p 100", "--start-daemon slave", "-Ln --daemon --stats",
            "-A -t 10.0.0.3:80 -s rr --sort", "-A --tcp-service=10.0.0.3:80 -s rr -X", "-a -f 99 -r 10.1.1.1:80 -m",
            "-a -t 10.0.0.1:80 -r 10.1.1.3:80 -g -w 0", "-a -f 5 -r 10.1.1.3 -m", "-a -f 5 -r 10.1.1.3:8080 -m",
            "-e -t 10.0.0.1:80 -r 10.1.1.1:80 -g -w 5", "-e -t 10.0.0.1:80 -r 10.1.1.1 -m -x 9",
            "-d -t 10.0.0.1:80 -r 10.1.1.1", "-d -u [fd00::1]:53 -r fd00::2", "-A -t 10.0.0.5:0 -s rr -p",
            "-A -t 10.1:80 -s rr", "-A -t 0x0a000006:80 -s rr", "-A -t 012.0.0.7:80 -s rr", "-D -t 10.0.0.1:80",
            "-D -t 10.0.0.1:http", "-D -f 5", "-E -t 10.0.0.1:80 -s wrr -p", "-E -t 10.0.0.1:80 -s rr -o",
            "-E -u [fd00::1]:53 -s sh -b sh-fallback", "-E -f 5 -s lc", "--set 0 0 400", "--set 100 0 0 extra",
            "-L --timeout", "-A -u 10.0.0.8:53 -s rr -o -p 20 -M 255.255.255.128", "-A -f 8 -6 -s rr -p 30 -M 96",
            "-a -u [fd00::1]:53 -r 10.5.5.5 -i", "-a -u [fd00::1]:53 -r 10.5.5.5 -m",
            "-A --sctp-service 10.0.0.9:3868 -s rr", "-a -t 10.0.0.1:80 -r 10.1.1.3 -m -y 3",
            "-a -t 10.0.0.1:80 -r 10.1.1.4 -m -w 2 -x 2147483647", "-a -t 10.0.0.1:80 -r 10.1.1.4 -m -x 2147483648",
            "-R", "--daemon", "-A -t 10.0.0.3:80 -s wlc --pe sip -p", "-A -f -294967296 -s rr",
        };
        List<String[]> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.split(" "));
        }
        out.add(new String[] {"-A", "-t", " 10.0.0.8:80", "-s", "rr"});
        out.add(new String[] {"-A", "-t", "10.0.0.9: 80", "-s", "rr"});
        out.add(new String[] {"-A", "-t", "", "-s", "rr"});
        return out;
    }

    @Test
    void helpIsIpvsadmsAfterTheVersionLine() {
        Run reference = ipvsadm("-h");
        Run ctl = ipvsctl(null, "-h");
        assertThat(ctl.status()).isEqualTo(reference.status()).isZero();
        assertThat(ctl.out().substring(ctl.out().indexOf('\n'))).isEqualTo(reference.out().substring(reference.out().indexOf('\n')));
    }

    /** The checkout's root: where bin/ipvsctl is, found from the location of the compiled tests. */
    private static Path projectRoot() {
        try {
            Path p = Path.of(IpvsCtlKernelTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            while (p != null && !Files.isExecutable(p.resolve("bin/ipvsctl"))) {
                p = p.getParent();
            }
            assertThat(p).as("bin/ipvsctl above the test classes").isNotNull();
            return p;
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}

package io.ipvsproxier.ipvsctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.ipvs.IpvsStats;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.ServiceKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The command line end to end against an in-memory table: table edits, listings, save and restore, and
 * ipvsadm's messages and exit statuses for bad input (texts as ipvsadm 1.31 prints them).
 */
class IpvsCtlTest {
    private InMemoryIpvs ipvs;
    private final FakeNames names = new FakeNames();
    private String stdout;
    private String stderr;

    @BeforeEach
    void table() {
        ipvs = new InMemoryIpvs();
        assertThat(run("-A -t 10.0.0.1:80 -s rr")).isZero();
        assertThat(run("-a -t 10.0.0.1:80 -r 10.1.1.1:80 -m")).isZero();
    }

    private int run(String line) {
        return run(line, "");
    }

    private int run(String line, String stdin) {
        return runArgs(line.isEmpty() ? new String[0] : line.split(" "), stdin);
    }

    private int runArgs(String[] args, String stdin) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status = new IpvsCtl("ipvsadm", () -> ipvs, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)),
            new PrintStream(o, true), new PrintStream(e, true), names).execute(args);
        stdout = o.toString(StandardCharsets.ISO_8859_1);
        stderr = e.toString(StandardCharsets.ISO_8859_1);
        return status;
    }

    private String save() {
        assertThat(run("-S -n")).isZero();
        return stdout;
    }

    @Test
    void listsWhatWasAdded() {
        assertThat(run("-a -t 10.0.0.1:80 -r 10.1.1.2:8080 -m -w 0")).isZero();
        assertThat(run("-A -u [fd00::10]:53 -s sh -b sh-port -o")).as(() -> stderr).isZero();
        assertThat(run("-a -u [fd00::10]:53 -r fd00::11 -g")).as(() -> stderr).isZero();
        assertThat(run("-Ln")).isZero();
        assertThat(stdout).isEqualTo(""
            + "IP Virtual Server version 1.2.1 (size=4096)\n"
            + "Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
            + "TCP  10.0.0.1:80 rr\n"
            + "  -> 10.1.1.1:80                  Masq    1      0          0         \n"
            + "  -> 10.1.1.2:8080                Masq    0      0          0         \n"
            + "UDP  [fd00::10]:53 sh (sh-port) ops\n"
            + "  -> [fd00::11]:53                Route   1      0          0         \n");
        assertThat(stderr).isEmpty();
    }

    @Test
    void directRoutingAndTunnelsUseTheServicePortAndEditResetsUnsetFields() {
        assertThat(run("-a -t 10.0.0.1:80 -r 10.1.1.3:8080 -w 7")).isZero();
        assertThat(run("-e -t 10.0.0.1:80 -r 10.1.1.1:80 -m -x 10")).isZero();
        assertThat(save()).isEqualTo(""
            + "-A -t 10.0.0.1:80 -s rr\n"
            + "-a -t 10.0.0.1:80 -r 10.1.1.1:80 -m -w 1\n"
            + "-a -t 10.0.0.1:80 -r 10.1.1.3:80 -g -w 7\n");
        assertThat(run("-Ln --thresholds -t 10.0.0.1:80")).isZero();
        assertThat(stdout).isEqualTo(""
            + "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
            + "  -> RemoteAddress:Port\n"
            + "TCP  10.0.0.1:80 rr\n"
            + "  -> 10.1.1.1:80                  10         0          0          0         \n"
            + "  -> 10.1.1.3:80                  0          0          0          0         \n");
    }

    @Test
    void persistenceDefaultsAndNetmasks() {
        assertThat(run("-A -t 10.0.0.5:0 -s rr -p")).isZero();
        assertThat(run("-A -f 7 -6 -s wlc -p 60 -M 64")).isZero();
        assertThat(run("-A -t 10.0.0.6:443 -p 100 -M 255.255.255.0 --pe sip")).isZero();
        assertThat(save()).contains(
            "-A -t 10.0.0.5:0 -s rr -p 360\n",
            "-A -f 7 -6 -s wlc -p 60 -M 64\n",
            "-A -t 10.0.0.6:443 -s wlc -p 100 -M 255.255.255.0 --pe sip\n");
    }

    @Test
    void saveFlushRestoreGivesTheSameTableInOneBatch() {
        assertThat(run("-A -t 10.0.0.2:443 -s wrr -p 600")).isZero();
        assertThat(run("-a -t 10.0.0.2:443 -r 10.1.1.5:443 -i -w 5")).isZero();
        assertThat(run("-A -f 9 -s mh -b mh-fallback,mh-port")).isZero();
        assertThat(run("-a -f 9 -r 10.1.1.6:0 -m -w 0")).isZero();
        String saved = save();
        assertThat(run("-C")).isZero();
        assertThat(save()).isEmpty();
        int batchesBefore = ipvs.batches;
        int callsBefore = ipvs.singleCalls;
        assertThat(run("-R", saved)).isZero();
        assertThat(ipvs.batches - batchesBefore).isEqualTo(1);
        assertThat(ipvs.singleCalls - callsBefore).isZero();
        assertThat(save()).isEqualTo(saved);
    }

    @Test
    void largeRestoresGoToTheKernelInSeveralBatchesInOrder() {
        StringBuilder rules = new StringBuilder();
        int services = 1000;
        for (int i = 0; i < services; i++) {
            String svc = "-t 10.2." + (i / 256) + "." + (i % 256) + ":80";
            rules.append("-A ").append(svc).append(" -s rr\n");
            for (int j = 0; j < 9; j++) {
                rules.append("-a ").append(svc).append(" -r 10.3.").append(j).append('.').append(i % 256).append(":80 -m\n");
            }
        }
        int before = ipvs.batches;
        assertThat(run("-R", rules.toString())).isZero();
        assertThat(ipvs.batches - before).isEqualTo((services * 10 + IpvsCtl.BATCH_OPERATIONS - 1) / IpvsCtl.BATCH_OPERATIONS);
        assertThat(ipvs.services()).hasSize(services + 1);
        assertThat(ipvs.dump()).allSatisfy(s -> assertThat(s.destinations()).hasSize(
            s.service().key().address().getHostAddress().startsWith("10.2.") ? 9 : 1));
    }

    @Test
    void restoreAppliesTheLinesBeforeABadLineThenStopsWithIpvsadmsMessage() {
        String rules = "-A -t 10.0.0.2:80 -s rr\n-A -t 10.0.0.3:70000 -s rr\n-A -t 10.0.0.4:80 -s rr\n";
        assertThat(run("-R", rules)).isEqualTo(2);
        assertThat(stderr).isEqualTo("illegal virtual server address[:port] specified\n");
        assertThat(save()).contains("10.0.0.2:80").doesNotContain("10.0.0.4");
    }

    @Test
    void restoreReportsEachKernelRefusalAndAppliesTheRest() {
        String rules = "ipvsadm -A -t 10.0.0.1:80 -s rr\n"
            + "-a -t 10.0.0.9:80 -r 10.1.1.1:80 -m\n"
            + "-A -t 10.0.0.2:80 -s nosuch\n"
            + "-A -t 10.0.0.3:80 -s rr\n";
        assertThat(run("-R", rules)).isEqualTo(255);
        assertThat(stderr).isEqualTo(
            "Service already exists\nService not defined\nScheduler or persistence engine not found\n");
        assertThat(save()).contains("-A -t 10.0.0.3:80 -s rr\n");
    }

    @Test
    void restoreRunsOtherCommandsInOrder() {
        assertThat(run("-R", "-C\n-A -t 10.0.0.7:80 -s rr\n--set 100 0 0\n-L --timeout\n-a -t 10.0.0.7:80 -r 10.1.1.1 -m\n")).isZero();
        assertThat(stdout).isEqualTo("Timeout (tcp tcpfin udp): 100 120 300\n");
        assertThat(save()).isEqualTo("-A -t 10.0.0.7:80 -s rr\n-a -t 10.0.0.7:80 -r 10.1.1.1:80 -m -w 1\n");
        assertThat(run("-R", "-R\n")).isEqualTo(255);
        assertThat(stderr).isEqualTo("Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n");
    }

    @Test
    void zeroClearsCounters() {
        ServiceKey k = ServiceKey.of(Protocol.TCP, ListingTest.ip("10.0.0.1"), 80);
        ipvs.setStats(k, new IpvsStats(5, 6, 7, 8, 9, 0, 0, 0, 0, 0));
        assertThat(run("-Ln --stats --exact")).isZero();
        assertThat(stdout).contains("TCP  10.0.0.1:80                         5        6        7        8        9\n");
        assertThat(run("-Z -t 10.0.0.1:80")).isZero();
        assertThat(run("-Ln --stats")).isZero();
        assertThat(stdout).contains("TCP  10.0.0.1:80                         0        0        0        0        0\n");
    }

    @Test
    void helpAndVersionGoToStdout() {
        assertThat(run("-h")).isZero();
        assertThat(stdout).startsWith("ipvsctl v1.31 ").contains("  ipvsadm -S [-n]\n")
            .contains("  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh,\n");
        assertThat(run("--version")).isZero();
        assertThat(stdout).isEqualTo(IpvsCtl.VERSION + "\n");
    }

    @Test
    void timeouts() {
        assertThat(run("--set 1000 0 200")).isZero();
        assertThat(run("-L --timeout")).isZero();
        assertThat(stdout).isEqualTo("Timeout (tcp tcpfin udp): 1000 120 200\n");
    }

    /** Texts and statuses as ipvsadm 1.31 gives them (observed in the kernel lab). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "-A -t 10.0.0.77:80 -s nosuchsched|255|Scheduler or persistence engine not found",
        "-A -t 10.0.0.256:80|2|illegal virtual server address[:port] specified",
        "-A -t 10.0.0.1:70000|2|illegal virtual server address[:port] specified",
        "-A -t 10.0.0.2|2|Zero port specified for non-persistent service",
        "-A -t [fd00::1]|2|illegal virtual server address[:port] specified",
        "-A -t fd00::1:80|2|Zero port specified for non-persistent service",
        "-D -t 10.9.9.9:80|255|No such service",
        "-a -t 10.9.9.9:80 -r 10.1.1.1:80 -m|255|Service not defined",
        "-a -t 10.0.0.1:80 -r 10.1.1.1:80 -m|255|Destination already exists",
        "-A -t 10.0.0.1:80|255|Service already exists",
        "-d -t 10.0.0.1:80 -r 10.7.7.7:80|255|No such destination",
        "-e -t 10.0.0.1:80 -r 10.7.7.7:80 -m|255|No such destination",
        "-E -t 10.9.9.9:80|255|No such service",
        "-a -t 10.0.0.1:80 -r 10.1.1.2:80 -m -w 2147483648|2|illegal weight specified",
        "-a -t 10.0.0.1:80 -r 10.1.1.2:80 -m -w -1|2|illegal weight specified",
        "-A -t 10.0.0.3:80 -p 0|2|invalid timeout value `0' specified",
        "-A -t 10.0.0.3:80 -p 2678401|2|invalid timeout value `2678401' specified",
        "-A -t 10.0.0.3:80 -p 10 -M 255.255.255.300|2|illegal virtual server persistent mask specified",
        "-A -f 0|2|invalid fwmark value `0' specified",
        "-A -f 4294967296|2|invalid fwmark value `4294967296' specified",
        "-A -u 10.0.0.3:53 -s sh -b sh-port,bogus|2|invalid scheduler flag `bogus'",
        "-A -t 10.0.0.3:80 -s rr -b sh-port|2|incompatible scheduler flag `sh-port'",
        "-A -t 10.0.0.3:80 -o|2|One-Packet Scheduling is only for UDP virtual services",
        "-L -c --stats|2|options conflicts in the list command",
        "-L -t 10.0.0.1:80 --timeout|2|The option 'timeout' conflicts with the 'service-address' option in the 'list' command",
        "-A|2|You need to supply the 'service-address' option for the 'add-service' command",
        "-A -t 10.0.0.3:80 -r 10.1.1.1|2|Illegal 'real-server' option with the 'add-service' command",
        "-A -t 10.0.0.3:80 -t 10.0.0.4:80|2|multiple 'service-address' options specified",
        "-Ln --bogus|255|--bogus: unknown option",
        "-Lq|255|-Lq: unknown option",
        "-n -L|255|Try `ipvsadm -h' or 'ipvsadm --help' for more information.",
        "foo|255|Try `ipvsadm -h' or 'ipvsadm --help' for more information.",
        "-L foo|2|unexpected argument foo",
        "-A -t|255|-t: missing argument",
        "--set 1 2|2|--set option requires 3 timeout values",
        "--set 1 2 x|2|invalid timeout value `x' specified",
        "-L -A|2|invalid option `-A'",
        "-a -t 10.0.0.1:80 -r [fd00::9]:80 -m|2|Different address family is allowed only for tunneling servers",
        "-a -t 10.0.0.1:80 -r 10.1.1.3 -m --tun-type gue|2|Tunnel options conflict with forward method",
        "-a -t 10.0.0.1:80 -r 10.1.1.3 -i --tun-type gue|2|You need to supply the 'tun-port' option for the 'gue' tunnel type",
        "-a -t 10.0.0.1:80 -r 10.1.1.3 -i --tun-port 6080|2|Illegal 'tun-port' option with the 'ipip' tunnel type",
        "-a -t 10.0.0.1:80 -r 10.1.1.3 -i --tun-type gue --tun-port 6080 --tun-csum --tun-remcsum|2|The option 'tun-remcsum' conflicts with the 'tun-csum' option in the 'gue' tunnel type",
        "-Ln --stats=1|255|--stats=1: option does not take an argument",
        "-A -t 0.0.0.0:0|2|Zero port specified for non-persistent service",
        "-a -t 10.0.0.1:80 -r 0.0.0.0:80 -m|255|Invalid operation.  Possibly wrong module version, address not unicast, ...",
        "-A -t 10.0.0.2:80 -s rr -p 100 --pe nosuchpe|255|Scheduler or persistence engine not found",
        "-Z -t 10.9.9.9:80|255|No such service",
        "-Ln -t 10.9.9.9:80|1|No such service",
        "-A -t 10.0.0.3:nosuchport -s rr|2|illegal virtual server address[:port] specified",
        "-S -t 10.0.0.1:80|2|Illegal 'service-address' option with the 'save' command",
        "-C -n|2|Illegal 'numeric' option with the 'flush' command",
        "-a -t 10.0.0.1:80 -r 10.1.1.9:80 -x 5 -y 10 -m|255|Numerical result out of range",
        "-A -t 10.0.0.3:80 --pe|255|--pe: missing argument",
        "-A -t [fd00::3]:80 -p 100 -M 129|2|illegal ipv6 netmask specified",
        "-A -t [fd00::3]:80 -p 100 -M abc|2|illegal ipv6 netmask specified",
        "--start-daemon slave|2|illegal start-daemon parameter specified",
        "-Ln --daemon --stats|2|options conflicts in the list command",
        "-A --tcp-service=10.0.0.3:80 -s rr -X|2|Illegal 'exact' option with the 'add-service' command",
        "-a -f 99 -r 10.1.1.1:80 -m|255|Service not defined"})
    void badInputGetsIpvsadmsMessageAndChangesNothing(String line, int status, String message) {
        String before = save();
        assertThat(run(line)).isEqualTo(status);
        assertThat(stderr).isEqualTo(message + "\n");
        assertThat(stdout).isEmpty();
        assertThat(save()).isEqualTo(before);
    }

    @Test
    void minusSixBeforeMinusFKeepsIpvsadmsDoubleNewline() {
        assertThat(run("-A -6 -f 1")).isEqualTo(2);
        assertThat(stderr).isEqualTo("-6 used before -f\n\n");
    }

    @Test
    void numericAddressFormsOfInetAtonAreAccepted() {
        assertThat(run("-A -t 10.1:81 -s rr")).isZero();
        assertThat(run("-A -t 0x0a000006:80 -s rr")).isZero();
        assertThat(run("-A -t 012.0.0.7:80 -s rr")).isZero();
        assertThat(runArgs(new String[] {"-A", "-t", "10.0.0.9: 80", "-s", "rr"}, "")).isZero();
        assertThat(runArgs(new String[] {"-A", "-t", " 10.0.0.8:80", "-s", "rr"}, "")).isEqualTo(2);
        assertThat(save()).contains("-A -t 10.0.0.1:81 -s rr\n", "-A -t 10.0.0.6:80 -s rr\n", "-A -t 10.0.0.7:80 -s rr\n",
            "-A -t 10.0.0.9:80 -s rr\n").doesNotContain("10.0.0.8");
    }

    @Test
    void unsupportedTunnelTypesAreRefusedClearly() {
        String before = save();
        assertThat(run("-a -t 10.0.0.1:80 -r 10.1.1.3 -i --tun-type gue --tun-port 6080")).isEqualTo(2);
        assertThat(stderr).isEqualTo("ipvsadm: tunnel types other than ipip is not supported\n");
        assertThat(save()).isEqualTo(before);
    }

    @Test
    void withoutNumericAddressesAndPortsAreNamed() {
        names.hosts.put("10.0.0.1", "web");
        names.services.put(80, "http");
        assertThat(run("")).isZero();
        assertThat(stdout).endsWith("TCP  web:http rr\n  -> 10.1.1.1:http                Masq    1      0          0         \n");
        assertThat(run("-A -t web:https -s rr")).isEqualTo(2);
        assertThat(stderr).isEqualTo("illegal virtual server address[:port] specified\n");
        names.services.put(443, "https");
        assertThat(run("-A -t web:https -s rr")).isZero();
        assertThat(run("-S")).isZero();
        assertThat(stdout).contains("-A -t web:https -s rr\n");
    }
}

package io.ipvsproxier.ipvsctl;

import io.ipvsproxier.ipvs.DestinationEntry;
import io.ipvsproxier.ipvs.ForwardingMethod;
import io.ipvsproxier.ipvs.IpvsClient;
import io.ipvsproxier.ipvs.IpvsInfo;
import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.IpvsStats;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceEntry;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.ServiceState;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.netlink.NetlinkConnection;
import io.ipvsproxier.netlink.NetlinkException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run bin/ipvsctl uses to build its class data sharing archive: it walks the code paths of
 * a real invocation (option parsing, restore parsing, every listing format, opening the netlink socket and
 * reading the table when the kernel has IPVS) without changing anything, so that the JVM records the
 * classes they load. Prints nothing.
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) throws UnknownHostException {
        // Every real run reads its environment (IPVSCTL_STATS): the classes behind it belong in the archive.
        System.getenv("IPVSCTL_STATS");
        CommandParser parser = new CommandParser(new SystemNameService());
        String[][] lines = {
            {"ipvsctl", "-A", "-t", "10.0.0.1:80", "-s", "rr", "-p", "300", "-M", "255.255.255.0"},
            {"ipvsctl", "-a", "-t", "10.0.0.1:80", "-r", "10.1.0.1:8080", "-m", "-w", "2", "-x", "5", "-y", "1"},
            {"ipvsctl", "-A", "-u", "[fd00::1]:53", "-s", "sh", "-b", "sh-fallback,sh-port", "-o"},
            {"ipvsctl", "-a", "-f", "7", "-6", "-r", "[fd00::2]:53", "-i"},
            {"ipvsctl", "-Ln", "--stats", "--exact"},
            {"ipvsctl", "-S", "-n"},
            {"ipvsctl", "--set", "900", "120", "300"},
            {"ipvsctl", "-D", "--sctp-service", "10.0.0.2:3868"},
            {"ipvsctl", "-A", "-t", "10.0.0.1:99999"},
        };
        List<IpvsOperation> ops = new ArrayList<>();
        for (String[] line : lines) {
            try {
                Command c = parser.parse(line);
                if (c.kind == CommandKind.ADD) {
                    ops.add(new IpvsOperation.AddService(c.svc.virtualServer()));
                } else if (c.kind == CommandKind.ADDDEST) {
                    ops.add(new IpvsOperation.AddDestination(c.svc.key(), c.dest.realServer()));
                }
            } catch (CtlExit e) {
                // the last line is refused on purpose: the error path is part of the training
            }
        }
        RestoreReader reader = new RestoreReader("-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 1\n");
        int restoreLines = 0;
        while (reader.next() != null) {
            restoreLines++;
        }

        ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddress.getByName("10.0.0.1"), 80);
        List<ServiceState> table = List.of(new ServiceState(
            new ServiceEntry(VirtualServer.of(key, "rr"), IpvsStats.ZERO),
            List.of(new DestinationEntry(new RealServer(InetAddress.getByName("10.1.0.2"), 80, 1, ForwardingMethod.MASQ, 0, 0),
                    0, 0, 0, IpvsStats.ZERO),
                new DestinationEntry(new RealServer(InetAddress.getByName("10.1.0.1"), 80, 1, ForwardingMethod.MASQ, 0, 0),
                    0, 0, 0, IpvsStats.ZERO))));
        int[] formats = {Format.NUMERIC, Format.NUMERIC | Format.STATS, Format.NUMERIC | Format.RATE,
            Format.NUMERIC | Format.THRESHOLDS, Format.NUMERIC | Format.PERSISTENTCONN, Format.NUMERIC | Format.RULE};
        AsciiOut sink = new AsciiOut(OutputStream.nullOutputStream());
        for (int f : formats) {
            new Listing(sink, f, new SystemNameService()).all(new IpvsInfo(0x010201, 4096), table);
        }
        if (sink.length() == 0 || ops.isEmpty() || restoreLines != 2) {
            throw new IllegalStateException("the training run did not exercise the listing and parsing code");
        }

        // The command line itself, read-only: help, a refused line, a restore whose only line is refused
        // before anything is sent, and a listing (which fails where the kernel has no IPVS).
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        IpvsCtl.IpvsOpener kernel = () -> {
            try {
                return IpvsClient.open();
            } catch (NetlinkException e) {
                // no IPVS here (e.g. on a build machine): the socket classes are loaded all the same
                throw CtlExit.fail(2, e.getMessage());
            }
        };
        String[][] runs = {{"-h"}, {"-A", "-t", "10.0.0.1:99999"}, {"-R"}, {"-Ln"}, {"-Ln", "--stats"}};
        for (String[] run : runs) {
            InputStream in = new ByteArrayInputStream("-A -t 10.0.0.1:99999 -s rr\n".getBytes(StandardCharsets.ISO_8859_1));
            new IpvsCtl("ipvsctl", kernel, in, nowhere, nowhere, new SystemNameService()).execute(run);
        }

        // The same commands with effect, against the in-memory stand-in for the kernel: a restore in
        // batches, every listing of what it restored, single edits, a flush.
        IpvsClient standIn = new IpvsClient(new NetlinkConnection(new TrainingKernel()));
        String rules = "-A -t 10.0.0.1:80 -s wlc\n-a -t 10.0.0.1:80 -r 10.1.0.1:8080 -m -w 1\n"
            + "-a -t 10.0.0.1:80 -r 10.1.0.2:8080 -m -w 1\n-A -u [fd00::1]:53 -s sh -b sh-port\n"
            + "-a -u [fd00::1]:53 -r [fd00::2]:53 -m -w 0 -x 10 -y 5\n-A -f 7 -s rr -p 300\n";
        String[][] edits = {{"-R"}, {"-Ln"}, {"-Ln", "--stats"}, {"-Ln", "--rate"}, {"-Ln", "--exact", "--stats"},
            {"-Ln", "--thresholds"}, {"-Ln", "--persistent-conn"}, {"-S", "-n"},
            {"-l", "-n", "--timeout"}, {"-A", "-t", "10.0.0.2:80", "-s", "rr"}, {"-a", "-t", "10.0.0.2:80", "-r", "10.1.0.3:80", "-g"},
            {"-E", "-t", "10.0.0.2:80", "-s", "lc"}, {"-e", "-t", "10.0.0.2:80", "-r", "10.1.0.3:80", "-g", "-w", "3"},
            {"-d", "-t", "10.0.0.2:80", "-r", "10.1.0.3:80"}, {"-D", "-t", "10.0.0.2:80"}, {"-Z"}, {"-C"}};
        int status = 0;
        for (String[] run : edits) {
            InputStream in = new ByteArrayInputStream(rules.getBytes(StandardCharsets.ISO_8859_1));
            status |= new IpvsCtl("ipvsctl", () -> standIn, in, nowhere, nowhere, new SystemNameService()).execute(run);
        }
        if (status != 0) {
            throw new IllegalStateException("a training command failed against the stand-in kernel");
        }
    }
}

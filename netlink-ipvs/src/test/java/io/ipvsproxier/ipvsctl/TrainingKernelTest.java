package io.ipvsproxier.ipvsctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipvsproxier.ipvs.ForwardingMethod;
import io.ipvsproxier.ipvs.IpvsClient;
import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.ServiceState;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.NetlinkConnection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The archive's training run is only as good as the paths it walks: these show that the stand-in kernel
 * answers the real client (family lookup, batches, dumps, decoding) and the real command line, so that a
 * training run on a machine without IPVS exercises them.
 */
class TrainingKernelTest {

    @Test
    void whatIsAddedInABatchIsDumpedBackThroughTheRealClient() throws Exception {
        try (IpvsClient client = new IpvsClient(new NetlinkConnection(new TrainingKernel()))) {
            ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddress.getByName("10.0.0.1"), 80);
            VirtualServer service = VirtualServer.of(key, "wlc");
            RealServer server = new RealServer(InetAddress.getByName("10.1.0.1"), 8080, 3, ForwardingMethod.MASQ, 10, 2);
            BatchResult result = client.apply(List.of(new IpvsOperation.AddService(service),
                new IpvsOperation.AddDestination(key, server)), false);
            assertTrue(result.allSucceeded(), result.toString());

            List<ServiceState> table = client.dump();
            assertEquals(1, table.size());
            assertEquals(service, table.get(0).service().server());
            assertEquals(List.of(server), table.get(0).destinations().stream().map(d -> d.server()).toList());

            client.flush();
            assertEquals(List.of(), client.dump());
        }
    }

    @Test
    void aRestoreThroughTheCommandLineListsLikeIpvsadm() {
        IpvsClient client = new IpvsClient(new NetlinkConnection(new TrainingKernel()));
        String rules = "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.1.0.1:8080 -m -w 2\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.ISO_8859_1);
        PrintStream stderr = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.ISO_8859_1);
        assertEquals(0, IpvsCtl.run(new String[] {"-R"}, client,
            new ByteArrayInputStream(rules.getBytes(StandardCharsets.ISO_8859_1)), stdout, stderr));
        assertEquals(0, IpvsCtl.run(new String[] {"-S", "-n"}, client, stdout, stderr));
        assertEquals("-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.1.0.1:8080 -m -w 2\n",
            out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void theTrainingRunCompletesWithoutAKernel() throws Exception {
        // On a build machine (no IPVS) the kernel part fails quietly and the stand-in part must succeed;
        // CdsTraining throws when any of its commands fails against the stand-in.
        CdsTraining.main(new String[0]);
    }
}

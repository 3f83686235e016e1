package io.ipvsproxier.proxier.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ipvsproxier.iface.RtnetlinkInterfaces;
import io.ipvsproxier.ipvs.IpvsClient;
import io.ipvsproxier.proxier.app.Proxier;
import io.ipvsproxier.proxier.cli.ProxierConfig;
import io.ipvsproxier.proxier.k8s.KubeClients;
import io.ipvsproxier.proxier.lab.LabApiServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * The proxier against the embedded API in the kernel lab, with real TCP traffic from a client namespace to
 * "pod" namespaces through ClusterIPs and a NodePort. {@code ipvsadm} is the independent witness.
 */
@Tag("kernel")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxierEndToEndKernelTest {
    private static final String NODE = "e2e-node";

    private final LabNetwork lab = new LabNetwork();
    private Path work;
    private LabApiServer api;
    private KubernetesClient client;
    private IpvsClient ipvs;
    private RtnetlinkInterfaces interfaces;
    private Proxier proxier;
    private int instance;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("proxier-e2e");
        ipvs = IpvsClient.open();
        interfaces = RtnetlinkInterfaces.open();
        lab.run("make_client"
            + "; make_pod e2e-a 10.244.1.11; make_pod e2e-b 10.244.1.12"
            + "; serve_tcp e2e-a 8080 e2e-a; serve_tcp e2e-b 8080 e2e-b"
            + "; serve_tcp_echo e2e-a 7000 e2e-a; serve_tcp_echo e2e-b 7000 e2e-b");
        api = new LabApiServer();
        new CommandLine(api).parseArgs("--kubeconfig-out", work.resolve("kubeconfig").toString());
        api.start();
        client = KubeClients.create(work.resolve("kubeconfig"));
        createService("e2e-rr", "10.96.10.1", 80, 8080, Map.of(), false, null);
        createService("e2e-sh", "10.96.10.2", 80, 8080, Map.of("ipvs-proxier.io/scheduler", "sh"), false, null);
        createService("e2e-aff", "10.96.10.3", 80, 8080, Map.of(), true, null);
        createService("e2e-np", "10.96.10.4", 80, 8080, Map.of(), false, 30200);
        createService("e2e-drain", "10.96.10.5", 7000, 7000, Map.of(), false, null);
        proxier = startProxier();
        await(Duration.ofSeconds(120), () -> lab.ipvsadm("-Ln").contains("10.96.10.5:7000"));
    }

    @AfterAll
    void stop() {
        if (proxier != null) {
            proxier.close();
        }
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.close();
        }
        lab.tryRun("pkill socat; ipvsadm -C; ip link del kube-ipvs0");
    }

    @Test
    void roundRobinAlternatesBetweenPods() {
        List<String> answers = requests("10.96.10.1:80", 6);
        assertThat(answers).containsOnly("e2e-a", "e2e-b").contains("e2e-a", "e2e-b");
        for (int i = 1; i < answers.size(); i++) {
            assertThat(answers.get(i)).as("rr alternates: %s", answers).isNotEqualTo(answers.get(i - 1));
        }
    }

    @Test
    void sourceHashingKeepsAClientOnOnePod() {
        assertThat(lab.ipvsadm("-Ln -t 10.96.10.2:80")).contains("10.96.10.2:80 sh");
        List<String> answers = requests("10.96.10.2:80", 6);
        assertThat(new HashSet<>(answers)).hasSize(1).containsAnyOf("e2e-a", "e2e-b");
    }

    @Test
    void clientIpAffinitySticks() {
        assertThat(lab.ipvsadm("-Ln -t 10.96.10.3:80")).contains("persistent 10800");
        List<String> answers = requests("10.96.10.3:80", 6);
        assertThat(new HashSet<>(answers)).hasSize(1).containsAnyOf("e2e-a", "e2e-b");
    }

    @Test
    void nodePortAnswersOnTheNodeAddress() {
        assertThat(lab.ipvsadm("-Ln -t 10.0.0.1:30200")).contains("10.244.1.11:8080", "10.244.1.12:8080");
        assertThat(requests("10.0.0.1:30200", 4)).containsOnly("e2e-a", "e2e-b");
    }

    @Test
    void anEndpointRemovedWhileAConnectionIsOpenFinishesThatConnection() throws Exception {
        Process conn = new ProcessBuilder("ip", "netns", "exec", "client", "socat", "-", "TCP:10.96.10.5:7000").start();
        try (OutputStream toServer = conn.getOutputStream();
             BufferedReader fromServer = new BufferedReader(new InputStreamReader(conn.getInputStream(), StandardCharsets.UTF_8))) {
            String pod = fromServer.readLine();
            assertThat(pod).as("the pod introduces itself").matches("e2e-[ab]");
            toServer.write("hello\n".getBytes(StandardCharsets.UTF_8));
            toServer.flush();
            assertThat(fromServer.readLine()).isEqualTo("hello");
            String podIp = pod.equals("e2e-a") ? "10.244.1.11" : "10.244.1.12";
            String other = pod.equals("e2e-a") ? "10.244.1.12" : "10.244.1.11";

            setEndpoints("e2e-drain", 7000, List.of(other));
            // The removed real server drains at weight 0 while the connection lives.
            await(Duration.ofSeconds(30), () -> lab.ipvsadm("-Ln -t 10.96.10.5:7000").matches("(?s).*" + podIp + ":7000\\s+Masq\\s+0\\s+1\\s.*"));

            toServer.write("still there\n".getBytes(StandardCharsets.UTF_8));
            toServer.flush();
            assertThat(fromServer.readLine()).as("the open connection is still served").isEqualTo("still there");
            String fresh = lab.run("echo hi | ip netns exec client socat -t10 -T10 - TCP:10.96.10.5:7000,connect-timeout=5");
            assertThat(fresh).as("new connections go to the remaining pod").doesNotStartWith(pod);
        } finally {
            conn.destroy();
            setEndpoints("e2e-drain", 7000, List.of("10.244.1.11", "10.244.1.12"));
        }
    }

    @Test
    void aRestartUnderSteadyRequestsFailsNone() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> failed = new ArrayList<>();
        Thread load = new Thread(() -> {
            while (running.get()) {
                String a = lab.tcp("10.96.10.1:80");
                if (a.equals("e2e-a") || a.equals("e2e-b")) {
                    ok.incrementAndGet();
                } else {
                    synchronized (failed) {
                        failed.add(a);
                    }
                }
            }
        });
        load.start();
        try {
            await(Duration.ofSeconds(30), () -> ok.get() >= 3);
            String before = lab.ipvsadm("-Sn");
            proxier.close();
            int atStop = ok.get();
            await(Duration.ofSeconds(30), () -> ok.get() >= atStop + 3);
            proxier = startProxier();
            int atRestart = ok.get();
            await(Duration.ofSeconds(60), () -> ok.get() >= atRestart + 5);
            assertThat(lab.ipvsadm("-Sn")).as("adoption changed nothing").isEqualTo(before);
        } finally {
            running.set(false);
            load.join();
        }
        assertThat(failed).as("requests that failed around the restart").isEmpty();
        assertThat(ok.get()).isGreaterThan(10);
    }

    private Proxier startProxier() throws Exception {
        instance++;
        ProxierConfig config = ProxierConfig.fromFlags("--hostname-override", NODE,
            "--admin-socket", work.resolve("admin-" + instance + ".sock").toString(),
            "--metrics-bind-address", "127.0.0.1:0", "--healthz-bind-address", "127.0.0.1:0",
            "--nodeport-addresses", "10.0.0.0/24");
        Proxier p = new Proxier(config, client, ipvs, ipvs, interfaces, Clock.systemUTC());
        p.start(Duration.ofSeconds(60));
        return p;
    }

    private List<String> requests(String target, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(lab.tcp(target));
        }
        return out;
    }

    private void createService(String name, String clusterIp, int port, int targetPort, Map<String, String> annotations,
                               boolean affinity, Integer nodePort) {
        Service svc = new ServiceBuilder()
            .withNewMetadata().withName(name).withNamespace("default").withAnnotations(annotations).endMetadata()
            .withNewSpec()
                .withType(nodePort == null ? "ClusterIP" : "NodePort")
                .withClusterIP(clusterIp).withClusterIPs(clusterIp)
                .withSessionAffinity(affinity ? "ClientIP" : "None")
                .addNewPort().withName("p").withProtocol("TCP").withPort(port).withNodePort(nodePort)
                    .withNewTargetPort(targetPort).endPort()
            .endSpec().build();
        client.services().inNamespace("default").resource(svc).create();
        setEndpoints(name, targetPort, List.of("10.244.1.11", "10.244.1.12"));
    }

    private void setEndpoints(String service, int port, List<String> addresses) {
        EndpointSliceBuilder b = new EndpointSliceBuilder()
            .withNewMetadata().withName(service + "-1").withNamespace("default")
                .addToLabels("kubernetes.io/service-name", service).endMetadata()
            .withAddressType("IPv4")
            .addNewPort().withName("p").withProtocol("TCP").withPort(port).endPort();
        for (String a : addresses) {
            b.addNewEndpoint().withAddresses(a).withNodeName(NODE).withNewConditions().withReady(true).endConditions().endEndpoint();
        }
        EndpointSlice slice = b.build();
        client.discovery().v1().endpointSlices().inNamespace("default").resource(slice).createOr(existing -> existing.update());
    }

    private static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(200);
        }
    }
}

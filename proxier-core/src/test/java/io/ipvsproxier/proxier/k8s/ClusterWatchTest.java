package io.ipvsproxier.proxier.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ipvsproxier.proxier.lab.LabApiServer;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ClusterWatchTest {
    @TempDir
    Path dir;

    private LabApiServer api;
    private KubernetesClient client;
    private ClusterWatch watch;
    private final List<String> events = new CopyOnWriteArrayList<>();

    private final ClusterChangeListener recorder = new ClusterChangeListener() {
        @Override
        public void serviceChanged(ServiceRef service) {
            events.add("svc " + service);
        }

        @Override
        public void endpointSliceChanged(ServiceRef service, Instant triggerTime) {
            events.add("eps " + service + (triggerTime == null ? "" : " @" + triggerTime));
        }

        @Override
        public void nodeChanged() {
            events.add("node");
        }
    };

    @BeforeEach
    void start() throws Exception {
        Path manifests = dir.resolve("manifests");
        Files.createDirectories(manifests);
        Files.writeString(manifests.resolve("web.yaml"), """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default}
            spec:
              clusterIP: 10.96.0.10
              ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: web-abc
              namespace: default
              labels: {kubernetes.io/service-name: web}
              annotations: {endpoints.kubernetes.io/last-change-trigger-time: "2026-01-02T03:04:05Z"}
            addressType: IPv4
            ports: [{name: http, port: 8080, protocol: TCP}]
            endpoints: [{addresses: [10.244.1.5], conditions: {ready: true}}]
            """);
        Files.writeString(manifests.resolve("other-proxy.json"), """
            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "theirs", "namespace": "default",
                          "labels": {"service.kubernetes.io/service-proxy-name": "someone-else"}},
             "spec": {"clusterIP": "10.96.0.11", "ports": [{"port": 80}]}}
            """);
        api = new LabApiServer();
        new CommandLine(api).parseArgs("--kubeconfig-out", dir.resolve("kubeconfig").toString(), "--manifests", manifests.toString());
        api.start();
        client = KubeClients.create(dir.resolve("kubeconfig"));
        watch = new ClusterWatch(client, "node-a", recorder, Duration.ZERO);
        watch.startAndAwaitSynced(Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        watch.close();
        client.close();
        api.close();
    }

    @Test
    void listsManifestsAndSkipsServicesOfAnotherProxy() {
        ServiceRef web = new ServiceRef("default", "web");
        assertThat(watch.hasSynced()).isTrue();
        assertThat(watch.services()).containsExactly(web);
        assertThat(watch.service(web)).get().extracting(s -> s.getSpec().getClusterIP()).isEqualTo("10.96.0.10");
        assertThat(watch.endpointSlices(web)).extracting(s -> s.getMetadata().getName()).containsExactly("web-abc");
        assertThat(watch.service(new ServiceRef("default", "theirs"))).isEmpty();
        assertThat(events).contains("svc default/web", "eps default/web @2026-01-02T03:04:05Z");
    }

    @Test
    void followsCreatesUpdatesAndDeletes() {
        ServiceRef api2 = new ServiceRef("team", "api");
        client.services().inNamespace("team").resource(new ServiceBuilder()
            .withNewMetadata().withName("api").withNamespace("team").endMetadata()
            .withNewSpec().withClusterIP("10.96.1.1").addNewPort().withPort(443).endPort().endSpec().build()).create();
        EndpointSlice slice = new EndpointSliceBuilder()
            .withNewMetadata().withName("api-1").withNamespace("team").addToLabels("kubernetes.io/service-name", "api").endMetadata()
            .withAddressType("IPv4")
            .addNewEndpoint().withAddresses("10.244.2.2").endEndpoint()
            .build();
        client.discovery().v1().endpointSlices().inNamespace("team").resource(slice).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.endpointSlices(api2).size() == 1);
        assertThat(events).contains("svc team/api", "eps team/api");

        // A slice that becomes headless leaves the selector-scoped informer, like the real API's watch cache.
        slice.getMetadata().getLabels().put(ClusterWatch.HEADLESS_LABEL, "");
        client.discovery().v1().endpointSlices().inNamespace("team").resource(slice).update();
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.endpointSlices(api2).isEmpty());

        client.services().inNamespace("team").withName("api").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.service(api2).isEmpty());
        Service gone = null;
        assertThat(watch.service(api2)).isEqualTo(java.util.Optional.ofNullable(gone));
    }
}

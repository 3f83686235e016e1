package io.ipvsproxier.proxier.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ipvsproxier.proxier.k8s.KubeClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LabApiServerTest {
    @TempDir
    Path dir;

    @Test
    void preloadsManifestsAsTheApiWouldStoreThemAndALaterCopyReplacesAnEarlierOne() throws Exception {
        Path manifests = dir.resolve("manifests");
        Files.createDirectories(manifests);
        Files.writeString(manifests.resolve("a.yaml"), """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              clusterIP: 10.96.0.10
              ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: node-a, labels: {zone: a}}
            """);
        Files.writeString(manifests.resolve("b.json"), """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
               "spec": {"clusterIP": "10.96.0.99", "ports": [{"name": "http", "port": 80}]}},
              {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
               "metadata": {"name": "web-1", "namespace": "shop", "labels": {"kubernetes.io/service-name": "web"}},
               "addressType": "IPv4", "endpoints": [{"addresses": ["10.244.0.5"]}]}]}
            """);
        try (LabApiServer api = new LabApiServer()) {
            new CommandLine(api).parseArgs("--kubeconfig-out", dir.resolve("kubeconfig").toString(),
                "--manifests", manifests.toString());
            api.start();
            try (KubernetesClient client = KubeClients.create(dir.resolve("kubeconfig"))) {
                Service web = client.services().inNamespace("default").withName("web").get();
                assertThat(web.getSpec().getClusterIP()).isEqualTo("10.96.0.99");
                assertThat(web.getMetadata().getResourceVersion()).isNotBlank();
                assertThat(client.services().inAnyNamespace().list().getItems()).hasSize(1);
                assertThat(client.nodes().withName("node-a").get().getMetadata().getLabels()).containsEntry("zone", "a");
                assertThat(client.discovery().v1().endpointSlices().inNamespace("shop").withName("web-1").get()
                    .getEndpoints()).hasSize(1);
                // and the API keeps working as usual over HTTP
                web.getSpec().setClusterIP("10.96.0.100");
                client.services().inNamespace("default").resource(web).update();
                assertThat(client.services().inNamespace("default").withName("web").get().getSpec().getClusterIP())
                    .isEqualTo("10.96.0.100");
            }
        }
    }

    /**
     * An informer lists, then watches from the list's version: like a real API server, the lab's must not send the
     * listed objects again (seconds of needless work for both sides at 10,000 objects), but must send every later
     * change.
     */
    @Test
    void aWatchFromTheListsVersionGetsOnlyLaterChanges() throws Exception {
        Path manifests = dir.resolve("three.yaml");
        StringBuilder yaml = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            yaml.append("apiVersion: v1\nkind: Service\nmetadata: {name: s").append(i).append("}\n")
                .append("spec: {clusterIP: 10.96.0.").append(i).append(", ports: [{port: 80}]}\n---\n");
        }
        Files.writeString(manifests, yaml);
        try (LabApiServer api = new LabApiServer()) {
            new CommandLine(api).parseArgs("--kubeconfig-out", dir.resolve("kubeconfig").toString(),
                "--manifests", manifests.toString());
            api.start();
            try (KubernetesClient client = KubeClients.create(dir.resolve("kubeconfig"))) {
                String listed = client.services().inAnyNamespace().list().getMetadata().getResourceVersion();
                assertThat(listed).isNotBlank();
                // created after the list but before the watch: the watch must still bring it
                client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("late")
                    .endMetadata().withNewSpec().withClusterIP("10.96.0.9").addNewPort().withPort(80).endPort()
                    .endSpec().build()).create();
                List<String> fromList = new CopyOnWriteArrayList<>();
                List<String> fromScratch = new CopyOnWriteArrayList<>();
                try (Watch resumed = client.services().inAnyNamespace().withResourceVersion(listed).watch(recorder(fromList));
                     Watch whole = client.services().inAnyNamespace().watch(recorder(fromScratch))) {
                    awaitSeen(fromScratch, 4);
                    client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("s4")
                        .endMetadata().withNewSpec().withClusterIP("10.96.0.4").addNewPort().withPort(80).endPort()
                        .endSpec().build()).create();
                    client.services().inNamespace("default").withName("s1").edit(s -> {
                        s.getMetadata().setLabels(java.util.Map.of("changed", "yes"));
                        return s;
                    });
                    client.services().inNamespace("default").withName("s2").delete();
                    awaitSeen(fromList, 4);
                    awaitSeen(fromScratch, 7);
                    Thread.sleep(500); // a late replay would show up now
                    assertThat(fromList).containsExactly("ADDED late", "ADDED s4", "MODIFIED s1", "DELETED s2");
                    // a watch without a version starts with the whole state, as on a real server
                    assertThat(fromScratch).containsExactlyInAnyOrder("ADDED s1", "ADDED s2", "ADDED s3", "ADDED late",
                        "ADDED s4", "MODIFIED s1", "DELETED s2");
                }
            }
        }
    }

    private static Watcher<Service> recorder(List<String> events) {
        return new Watcher<>() {
            @Override
            public void eventReceived(Action action, Service s) {
                events.add(action + " " + s.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        };
    }

    @Test
    void readsTheWatchStartAndObjectVersions() {
        assertThat(ResumingWatchDispatcher.startVersion("/api/v1/services?allowWatchBookmarks=true&resourceVersion=42&watch=true"))
            .isEqualTo(42);
        assertThat(ResumingWatchDispatcher.startVersion("/api/v1/services?watch=true&resourceVersion=7")).isEqualTo(7);
        assertThat(ResumingWatchDispatcher.startVersion("/api/v1/services?watch=true")).isZero();
        assertThat(ResumingWatchDispatcher.startVersion("/api/v1/services?watch=true&resourceVersion=")).isZero();
        assertThat(ResumingWatchDispatcher.objectVersion(
            "{\"kind\":\"Service\",\"metadata\":{\"name\":\"a\",\"resourceVersion\" : \"15\"}}")).isEqualTo(15);
        assertThat(ResumingWatchDispatcher.objectVersion("{\"kind\":\"Service\",\"metadata\":{}}")).isZero();
    }

    private static void awaitSeen(List<String> seen, int n) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (seen.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(seen).as("informer events").hasSizeGreaterThanOrEqualTo(n);
    }
}

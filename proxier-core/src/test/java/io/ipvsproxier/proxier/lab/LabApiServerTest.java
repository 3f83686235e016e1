package io.ipvsproxier.proxier.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ipvsproxier.proxier.k8s.KubeClients;
import java.nio.file.Files;
import java.nio.file.Path;
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
}

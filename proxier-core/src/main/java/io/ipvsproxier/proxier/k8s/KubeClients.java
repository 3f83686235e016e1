package io.ipvsproxier.proxier.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the API client: from a kubeconfig file when given, else in-cluster (service account) or ~/.kube/config. */
public final class KubeClients {
    private KubeClients() {}

    public static KubernetesClient create(Path kubeconfig) throws IOException {
        Config config;
        if (kubeconfig != null) {
            config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
        } else {
            // Picks in-cluster configuration inside a pod, ~/.kube/config elsewhere.
            config = Config.autoConfigure(null);
        }
        // A loaded API server (or a node under pressure) may take longer than fabric8's 10 s default; a timed-out
        // list would only be retried, so waiting longer costs nothing.
        config.setRequestTimeout(Math.max(config.getRequestTimeout(), 60_000));
        config.setConnectionTimeout(Math.max(config.getConnectionTimeout(), 30_000));
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}

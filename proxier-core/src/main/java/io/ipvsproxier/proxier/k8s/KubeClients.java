package io.ipvsproxier.proxier.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
        return new KubernetesClientBuilder().withConfig(config).withTaskExecutor(eventExecutor()).build();
    }

    /**
     * One daemon thread for the client's own tasks, informer event delivery above all. fabric8's default, a cached pool,
     * hands each event to whichever pool thread is idle: after the initial list of 10,000 Services and EndpointSlices
     * that is tens of thousands of thread switches, which cost several seconds of CPU at start on a small node (and
     * more than the sync itself inside the kernel lab). With one thread, a burst of events runs back to back. The
     * handlers only mark changes, and nothing the client runs here waits for another of its tasks.
     */
    private static ExecutorService eventExecutor() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "kube-events");
            t.setDaemon(true);
            return t;
        });
    }
}

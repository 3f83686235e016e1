package io.ipvsproxier.proxier.lab;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An embedded Kubernetes API for the lab and for end-to-end tests: the fabric8 mock server in CRUD mode
 * (create, update, patch, delete, list and watch behave like the real API, without admission or
 * controllers), preloaded from manifest files as {@code kubectl apply -f DIR} would take them.
 */
@Command(name = "lab-apiserver", mixinStandardHelpOptions = true,
    description = "Embedded Kubernetes API server (CRUD mock) for the ipvs-proxier lab.")
public final class LabApiServer implements Callable<Integer>, AutoCloseable {

    @Option(names = "--port", description = "Port on 127.0.0.1 (0 = any free port).", defaultValue = "0")
    int port;

    @Option(names = "--kubeconfig-out", required = true, description = "Where to write a kubeconfig for this server.")
    Path kubeconfigOut;

    @Option(names = "--manifests", description = "File or directory of YAML/JSON manifests to load at start.")
    Path manifests;

    @Option(names = "--address", description = "Address to listen on.", defaultValue = "127.0.0.1")
    String address;

    @Option(names = "--log-requests", description = "Log every request (the mock server's own log, one line each).")
    boolean logRequests;

    /**
     * The mock server logs every request through java.util.logging. At thousands of requests that output costs the
     * lab's one CPU more than the requests themselves, so it is off unless asked for. Held in a field because
     * java.util.logging keeps loggers only weakly.
     */
    private static final java.util.logging.Logger REQUEST_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private KubernetesMockServer server;
    private KubernetesCrudDispatcher dispatcher;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LabApiServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        start();
        System.out.println("lab-apiserver listening on http://" + address + ":" + server.getPort()
            + ", kubeconfig " + kubeconfigOut);
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
        new CountDownLatch(1).await();
        return 0;
    }

    /** Starts the server, loads the manifests and writes the kubeconfig. */
    public void start() throws IOException {
        if (!logRequests) {
            REQUEST_LOG.setLevel(java.util.logging.Level.WARNING);
        }
        dispatcher = new ResumingWatchDispatcher();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getByName(address), port);
        if (manifests != null) {
            try (KubernetesClient client = server.createClient()) {
                int n = 0;
                for (Path file : manifestFiles(manifests)) {
                    n += preload(client, file);
                }
                System.out.println("lab-apiserver loaded " + n + " objects from " + manifests);
            }
        }
        writeKubeconfig(kubeconfigOut, "http://" + address + ":" + server.getPort());
    }

    public int port() {
        return server.getPort();
    }

    /** A client connected to this server. */
    public KubernetesClient client() {
        return server.createClient();
    }

    static List<Path> manifestFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of(root);
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> p.toString().matches(".*\\.(ya?ml|json)$")).sorted().forEach(out::add);
        }
        return out;
    }

    /** Creates (or replaces) every object in a single- or multi-document YAML or JSON file. */
    static int load(KubernetesClient client, Path file) throws IOException {
        List<HasMetadata> items;
        try (InputStream in = Files.newInputStream(file)) {
            items = client.load(in).items();
        }
        for (HasMetadata item : items) {
            if (item.getMetadata().getNamespace() == null && !"Node".equals(item.getKind()) && !"Namespace".equals(item.getKind())) {
                item.getMetadata().setNamespace("default");
            }
            client.resource(item).createOr(existing -> existing.update());
        }
        return items.size();
    }

    /**
     * Like {@link #load}, but hands each object of a known type straight to the server's dispatcher, as the POST
     * (or, for a second copy, the PUT) that {@code kubectl apply} would send: the same stored object, resource version
     * and watch event, without an HTTP round trip per object. Tens of thousands of objects load in seconds instead of
     * many minutes where system calls are dear. Objects whose type the client does not know go over HTTP.
     */
    int preload(KubernetesClient client, Path file) throws IOException {
        List<HasMetadata> items;
        try (InputStream in = Files.newInputStream(file)) {
            items = client.load(in).items();
        }
        for (HasMetadata item : items) {
            boolean namespaced = item instanceof Namespaced;
            if (namespaced && item.getMetadata().getNamespace() == null) {
                item.getMetadata().setNamespace("default");
            }
            String collection = collectionPath(item, namespaced);
            if (collection == null) {
                client.resource(item).createOr(existing -> existing.update());
                continue;
            }
            String body = client.getKubernetesSerialization().asJson(item);
            MockResponse created = dispatch(HttpMethod.POST, collection, body);
            if (created.code() == 409) {
                created = dispatch(HttpMethod.PUT, collection + "/" + item.getMetadata().getName(), body);
            }
            if (created.code() >= 300) {
                throw new IOException(file + ": cannot store " + item.getKind() + " " + item.getMetadata().getName()
                    + ": HTTP " + created.code() + " " + created.getBody().readUtf8());
            }
        }
        return items.size();
    }

    private MockResponse dispatch(HttpMethod method, String path, String body) {
        Buffer buffer = new Buffer(body.getBytes(StandardCharsets.UTF_8));
        Headers headers = Headers.builder().add("Content-Type", "application/json").build();
        return dispatcher.dispatch(new RecordedRequest("HTTP/1.1", method, path, headers, buffer));
    }

    /** {@code /api/v1/namespaces/default/services}, or null for a type without a known plural. */
    static String collectionPath(HasMetadata item, boolean namespaced) {
        String apiVersion = item.getApiVersion();
        String plural = item.getPlural();
        if (apiVersion == null || plural == null || item.getClass() == io.fabric8.kubernetes.api.model.GenericKubernetesResource.class) {
            return null;
        }
        String prefix = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
        return prefix + (namespaced ? "/namespaces/" + item.getMetadata().getNamespace() : "") + "/" + plural;
    }

    static void writeKubeconfig(Path out, String url) throws IOException {
        String yaml = String.join("\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: lab",
            "  cluster:",
            "    server: " + url,
            "contexts:",
            "- name: lab",
            "  context:",
            "    cluster: lab",
            "    user: lab",
            "    namespace: default",
            "current-context: lab",
            "users:",
            "- name: lab",
            "  user: {}",
            "");
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, yaml);
    }

    @Override
    public void close() {
        if (server != null) {
            server.destroy();
        }
    }
}

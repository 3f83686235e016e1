package io.ipvsproxier.proxier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPVS-relevant part of a kube-proxy {@code KubeProxyConfiguration} (kubeproxy.config.k8s.io/v1alpha1),
 * so an operator can point this proxier at the file kube-proxy used. Fields this proxier has no use for
 * (iptables, conntrack, mode...) are ignored.
 */
public record KubeProxyConfigFile(Path kubeconfig, String hostnameOverride, String scheduler, Duration syncPeriod,
                                  Duration minSyncPeriod, List<String> excludeCidrs, Duration tcpTimeout,
                                  Duration tcpFinTimeout, Duration udpTimeout, List<String> nodePortAddresses,
                                  String metricsBindAddress, String healthzBindAddress) {

    static final KubeProxyConfigFile EMPTY = new KubeProxyConfigFile(null, null, null, null, null, null, null, null, null, null, null, null);

    public static KubeProxyConfigFile read(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        if (root == null || !root.isObject()) {
            throw new IOException(file + " is not a KubeProxyConfiguration (expected a YAML or JSON object)");
        }
        String kind = text(root, "kind");
        if (kind != null && !kind.equals("KubeProxyConfiguration")) {
            throw new IOException(file + " has kind " + kind + ", expected KubeProxyConfiguration");
        }
        JsonNode ipvs = root.path("ipvs");
        String kubeconfig = text(root.path("clientConnection"), "kubeconfig");
        return new KubeProxyConfigFile(
            kubeconfig == null || kubeconfig.isEmpty() ? null : Path.of(kubeconfig),
            emptyToNull(text(root, "hostnameOverride")),
            emptyToNull(text(ipvs, "scheduler")),
            duration(ipvs, "syncPeriod", root, "syncPeriod"),
            duration(ipvs, "minSyncPeriod", root, "minSyncPeriod"),
            list(ipvs, "excludeCIDRs"),
            duration(ipvs, "tcpTimeout", null, null),
            duration(ipvs, "tcpFinTimeout", null, null),
            duration(ipvs, "udpTimeout", null, null),
            list(root, "nodePortAddresses"),
            emptyToNull(text(root, "metricsBindAddress")),
            emptyToNull(text(root, "healthzBindAddress")));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Newer configurations moved syncPeriod/minSyncPeriod to the top level; read both places. */
    private static Duration duration(JsonNode node, String field, JsonNode fallbackNode, String fallbackField) {
        String v = emptyToNull(text(node, field));
        if (v == null && fallbackNode != null) {
            v = emptyToNull(text(fallbackNode, fallbackField));
        }
        return v == null ? null : DurationConverter.parse(v);
    }

    private static List<String> list(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        v.forEach(e -> out.add(e.asText()));
        return out;
    }
}

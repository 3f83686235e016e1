package io.ipvsproxier.proxier.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sysctls IPVS service proxying needs, as kube-proxy sets them (written to /proc/sys directly). */
public final class KernelSettings {
    private static final Logger log = LoggerFactory.getLogger(KernelSettings.class);

    private KernelSettings() {}

    public static void apply() {
        // Connection tracking for IPVS connections, so masquerade and stateful filtering see them.
        set("net/ipv4/vs/conntrack", "1");
        // Packets of connections whose real server was deleted are dropped at once instead of black-holed.
        set("net/ipv4/vs/expire_nodest_conn", "1");
        // Persistence templates pointing at a weight-0 (draining) real server expire, so affinity moves on.
        set("net/ipv4/vs/expire_quiescent_template", "1");
        set("net/ipv4/ip_forward", "1");
    }

    private static void set(String key, String value) {
        Path p = Path.of("/proc/sys").resolve(key);
        try {
            if (!value.equals(Files.readString(p).trim())) {
                Files.writeString(p, value);
                log.info("sysctl {} = {}", key.replace('/', '.'), value);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("could not set sysctl {} = {}: {}", key.replace('/', '.'), value, e.toString());
        }
    }
}

package io.ipvsproxier.proxier.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The proxier's flags. Names follow kube-proxy's where one exists, so an operator can switch with few
 * changes; values given on the command line win over a {@code --config} file.
 */
public final class ProxierOptions {

    @Option(names = "--kubeconfig", description = "Kubeconfig file; in a pod the service account is used when absent.")
    Path kubeconfig;

    @Option(names = "--config", description = "A KubeProxyConfiguration file (its IPVS-relevant fields are read).")
    Path config;

    @Option(names = "--hostname-override", description = "This node's name (default: $NODE_NAME, else the host name).")
    String hostnameOverride;

    @Option(names = "--ipvs-scheduler", description = "Default IPVS scheduler (rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, mh, fo, ovf, twos).")
    String ipvsScheduler;

    @Option(names = "--ipvs-sync-period", description = "Full resync period (default 30s).", converter = DurationConverter.class)
    Duration ipvsSyncPeriod;

    @Option(names = "--ipvs-min-sync-period", description = "Minimum interval between syncs; 0 = sync on every change (default 0s).", converter = DurationConverter.class)
    Duration ipvsMinSyncPeriod;

    @Option(names = "--ipvs-exclude-cidrs", split = ",", description = "CIDRs whose virtual servers are never touched.")
    List<String> ipvsExcludeCidrs;

    @Option(names = "--ipvs-tcp-timeout", converter = DurationConverter.class, description = "IPVS TCP established timeout (0 = leave the kernel's).")
    Duration ipvsTcpTimeout;

    @Option(names = "--ipvs-tcpfin-timeout", converter = DurationConverter.class, description = "IPVS TCP FIN_WAIT timeout (0 = leave).")
    Duration ipvsTcpFinTimeout;

    @Option(names = "--ipvs-udp-timeout", converter = DurationConverter.class, description = "IPVS UDP timeout (0 = leave).")
    Duration ipvsUdpTimeout;

    @Option(names = "--ipvs-drain-timeout", converter = DurationConverter.class,
        description = "Longest a removed TCP/SCTP real server drains at weight 0 before it is deleted (default 15m).")
    Duration ipvsDrainTimeout;

    @Option(names = "--nodeport-addresses", split = ",", description = "CIDRs of node addresses that serve NodePorts (default: all).")
    List<String> nodePortAddresses;

    @Option(names = "--service-node-port-range", description = "The cluster's NodePort range (default 30000-32767).")
    String nodePortRange;

    @Option(names = "--metrics-bind-address", description = "ip:port of /metrics (default 127.0.0.1:10249).")
    String metricsBindAddress;

    @Option(names = "--healthz-bind-address", description = "ip:port of /healthz and /livez (default 0.0.0.0:10256).")
    String healthzBindAddress;

    @Option(names = "--admin-socket", description = "Unix socket of the admin interface (default /run/ipvs-proxier/admin.sock).")
    Path adminSocket;

    @Option(names = "--dummy-interface", description = "Name of the dummy link that holds service addresses (default kube-ipvs0).")
    String dummyInterface;

    @Option(names = "--cleanup", description = "Remove everything this proxier programmed (virtual servers it owns, the dummy link) and exit.")
    boolean cleanup;

    /** Every option merged over the config file and the defaults. */
    ProxierConfig resolve(KubeProxyConfigFile file) {
        KubeProxyConfigFile f = file == null ? KubeProxyConfigFile.EMPTY : file;
        return new ProxierConfig(
            first(kubeconfig, f.kubeconfig()),
            first(hostnameOverride, f.hostnameOverride(), System.getenv("NODE_NAME"), ProxierConfig.localHostName()),
            first(ipvsScheduler, f.scheduler(), "rr"),
            first(ipvsSyncPeriod, f.syncPeriod(), Duration.ofSeconds(30)),
            first(ipvsMinSyncPeriod, f.minSyncPeriod(), Duration.ZERO),
            first(ipvsExcludeCidrs, f.excludeCidrs(), List.of()),
            first(ipvsTcpTimeout, f.tcpTimeout(), Duration.ZERO),
            first(ipvsTcpFinTimeout, f.tcpFinTimeout(), Duration.ZERO),
            first(ipvsUdpTimeout, f.udpTimeout(), Duration.ZERO),
            first(ipvsDrainTimeout, Duration.ofMinutes(15)),
            first(nodePortAddresses, f.nodePortAddresses(), List.of()),
            ProxierConfig.parsePortRange(first(nodePortRange, "30000-32767")),
            first(metricsBindAddress, f.metricsBindAddress(), "127.0.0.1:10249"),
            first(healthzBindAddress, f.healthzBindAddress(), "0.0.0.0:10256"),
            first(adminSocket, Path.of("/run/ipvs-proxier/admin.sock")),
            first(dummyInterface, "kube-ipvs0"),
            cleanup);
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    static List<String> copy(List<String> l) {
        return l == null ? null : new ArrayList<>(l);
    }
}

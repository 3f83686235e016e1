package io.ipvsproxier.proxier.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The proxier's resolved configuration. */
public record ProxierConfig(
    Path kubeconfig,
    String nodeName,
    String scheduler,
    Duration syncPeriod,
    Duration minSyncPeriod,
    List<String> excludeCidrs,
    Duration tcpTimeout,
    Duration tcpFinTimeout,
    Duration udpTimeout,
    Duration drainTimeout,
    List<String> nodePortAddresses,
    int[] nodePortRange,
    String metricsBindAddress,
    String healthzBindAddress,
    Path adminSocket,
    String dummyInterface,
    boolean cleanup) {

    /** The configuration these command-line flags give (no config file), e.g. for tests and embedding. */
    public static ProxierConfig fromFlags(String... flags) {
        ProxierOptions options = new ProxierOptions();
        new picocli.CommandLine(options).parseArgs(flags);
        return options.resolve(null);
    }

    /** Parses {@code 30000-32767}. */
    static int[] parsePortRange(String text) {
        String[] parts = text.split("-");
        try {
            int lo = Integer.parseInt(parts[0].trim());
            int hi = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : lo;
            if (parts.length > 2 || lo < 1 || hi > 65535 || lo > hi) {
                throw new IllegalArgumentException();
            }
            return new int[] {lo, hi};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid port range '" + text + "' (expected e.g. 30000-32767)");
        }
    }

    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}

package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.IpvsTimeouts;
import io.ipvsproxier.proxier.plan.Cidr;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the reconciler needs to know besides the plans.
 *
 * @param dummyLinkName      the dummy link that holds service addresses ({@code kube-ipvs0})
 * @param excludeCidrs       {@code --ipvs-exclude-cidrs}: virtual servers inside these prefixes that the proxier does
 *                           not want are never changed or deleted (keepalived and other tools live there)
 * @param nodePortMin        first port of the NodePort range; a virtual server on a node address is the proxier's
 *                           only when its port is inside the range
 * @param nodePortMax        last port of the NodePort range
 * @param drainTimeout       {@code --ipvs-drain-timeout}: longest a removed TCP/SCTP real server stays at weight 0
 *                           before it is deleted even with connections left
 * @param drainCheckInterval how often the connection counts of draining real servers are read
 * @param timeouts           {@code --ipvs-tcp-timeout}, {@code --ipvs-tcpfin-timeout}, {@code --ipvs-udp-timeout}
 *                           in seconds, set once at the first full sync; 0 leaves the kernel's value
 */
public record ReconcilerConfig(String dummyLinkName, List<Cidr> excludeCidrs, int nodePortMin, int nodePortMax,
                               Duration drainTimeout, Duration drainCheckInterval, IpvsTimeouts timeouts) {

    public static final String DEFAULT_DUMMY_LINK = "kube-ipvs0";
    public static final int DEFAULT_NODE_PORT_MIN = 30000;
    public static final int DEFAULT_NODE_PORT_MAX = 32767;
    /**
     * 15 minutes: the kernel's default IPVS TCP established timeout (900 s), after which an idle connection entry
     * would have expired anyway, and the bound kube-proxy itself had (rsGracefulDeletePeriod) before it dropped
     * it. Without a bound a real server can sit at weight 0 for ever when its counts never reach 0 (kubernetes
     * #81775: with conn_reuse_mode=0 new connections keep landing on weight-0 servers).
     */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofMinutes(15);
    /** kube-router checks every 5 s; kube-proxy every minute, which keeps dead endpoints around needlessly long. */
    public static final Duration DEFAULT_DRAIN_CHECK_INTERVAL = Duration.ofSeconds(5);

    public ReconcilerConfig {
        Objects.requireNonNull(dummyLinkName, "dummyLinkName");
        excludeCidrs = excludeCidrs == null ? List.of() : List.copyOf(excludeCidrs);
        if (nodePortMin < 1 || nodePortMax > 65535 || nodePortMin > nodePortMax) {
            throw new IllegalArgumentException("invalid node port range " + nodePortMin + "-" + nodePortMax);
        }
        requirePositive(drainTimeout, "drainTimeout");
        requirePositive(drainCheckInterval, "drainCheckInterval");
        timeouts = timeouts == null ? new IpvsTimeouts(0, 0, 0) : timeouts;
        if (timeouts.tcp() < 0 || timeouts.tcpFin() < 0 || timeouts.udp() < 0) {
            throw new IllegalArgumentException("IPVS timeouts must not be negative: " + timeouts);
        }
    }

    public static ReconcilerConfig defaults() {
        return new ReconcilerConfig(DEFAULT_DUMMY_LINK, List.of(), DEFAULT_NODE_PORT_MIN, DEFAULT_NODE_PORT_MAX,
                DEFAULT_DRAIN_TIMEOUT, DEFAULT_DRAIN_CHECK_INTERVAL, new IpvsTimeouts(0, 0, 0));
    }

    public ReconcilerConfig withDummyLinkName(String name) {
        return new ReconcilerConfig(name, excludeCidrs, nodePortMin, nodePortMax, drainTimeout, drainCheckInterval, timeouts);
    }

    public ReconcilerConfig withExcludeCidrs(List<Cidr> cidrs) {
        return new ReconcilerConfig(dummyLinkName, cidrs, nodePortMin, nodePortMax, drainTimeout, drainCheckInterval, timeouts);
    }

    public ReconcilerConfig withNodePortRange(int min, int max) {
        return new ReconcilerConfig(dummyLinkName, excludeCidrs, min, max, drainTimeout, drainCheckInterval, timeouts);
    }

    public ReconcilerConfig withDrainTimeout(Duration timeout) {
        return new ReconcilerConfig(dummyLinkName, excludeCidrs, nodePortMin, nodePortMax, timeout, drainCheckInterval, timeouts);
    }

    public ReconcilerConfig withDrainCheckInterval(Duration interval) {
        return new ReconcilerConfig(dummyLinkName, excludeCidrs, nodePortMin, nodePortMax, drainTimeout, interval, timeouts);
    }

    public ReconcilerConfig withTimeouts(IpvsTimeouts t) {
        return new ReconcilerConfig(dummyLinkName, excludeCidrs, nodePortMin, nodePortMax, drainTimeout, drainCheckInterval, t);
    }

    /** The timeouts from flag durations (null or zero = leave the kernel's value), rounded down to whole seconds. */
    public ReconcilerConfig withTimeouts(Duration tcp, Duration tcpFin, Duration udp) {
        return withTimeouts(new IpvsTimeouts(seconds(tcp, "tcp"), seconds(tcpFin, "tcpfin"), seconds(udp, "udp")));
    }

    private static int seconds(Duration d, String what) {
        if (d == null) {
            return 0;
        }
        if (d.isNegative() || d.getSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--ipvs-" + what + "-timeout out of range: " + d);
        }
        return (int) d.getSeconds();
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, not " + d);
        }
    }
}

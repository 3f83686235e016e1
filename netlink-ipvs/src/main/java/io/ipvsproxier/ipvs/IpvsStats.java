package io.ipvsproxier.ipvs;

/**
 * Traffic counters of a virtual or real server since the last zero (64-bit when the kernel gives
 * STATS64), and the kernel estimator's per-second rates.
 */
public record IpvsStats(long connections, long packetsIn, long packetsOut, long bytesIn, long bytesOut,
                        long connectionsPerSecond, long packetsInPerSecond, long packetsOutPerSecond,
                        long bytesInPerSecond, long bytesOutPerSecond) {
    public static final IpvsStats ZERO = new IpvsStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

package io.ipvsproxier.ipvs;

/** A real server as the kernel reports it: configuration, connection counts and counters. */
public record DestinationEntry(RealServer server, int activeConnections, int inactiveConnections,
                               int persistentConnections, IpvsStats stats) {
}

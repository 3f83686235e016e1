package io.ipvsproxier.ipvs;

/** A virtual server as the kernel reports it: its configuration and its counters. */
public record ServiceEntry(VirtualServer server, IpvsStats stats) {
    public ServiceKey key() {
        return server.key();
    }
}

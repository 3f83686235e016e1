package io.ipvsproxier.ipvs;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A real server (IPVS destination) of a virtual server. Weight 0 means quiesced: no new connections.
 * Thresholds are connection counts, 0 = none.
 */
public record RealServer(InetAddress address, int port, int weight, ForwardingMethod forwarding,
                         int upperThreshold, int lowerThreshold) {

    public RealServer {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(forwarding, "forwarding");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (weight < 0) {
            throw new IllegalArgumentException("weight must not be negative: " + weight);
        }
        if (upperThreshold < 0 || lowerThreshold < 0) {
            throw new IllegalArgumentException("thresholds must not be negative");
        }
    }

    /** A NAT (masquerade) real server with the given weight and no thresholds. */
    public static RealServer masq(InetAddress address, int port, int weight) {
        return new RealServer(address, port, weight, ForwardingMethod.MASQ, 0, 0);
    }

    public int family() {
        return ServiceKey.familyOf(address);
    }

    public RealServer withWeight(int w) {
        return new RealServer(address, port, w, forwarding, upperThreshold, lowerThreshold);
    }

    /** The identity of the destination within its virtual server. */
    public Endpoint endpoint() {
        return new Endpoint(address, port);
    }

    /** Address and port: what identifies a destination inside one virtual server. */
    public record Endpoint(InetAddress address, int port) implements Comparable<Endpoint> {
        @Override
        public int compareTo(Endpoint o) {
            int c = Addresses.compare(address, o.address);
            return c != 0 ? c : Integer.compare(port, o.port);
        }

        @Override
        public String toString() {
            return Addresses.withPort(address, port);
        }
    }
}

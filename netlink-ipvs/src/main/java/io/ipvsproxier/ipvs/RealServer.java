package io.ipvsproxier.ipvs;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A real server (IPVS destination) of a virtual server. Weight 0 means quiesced: no new connections.
 * Thresholds are connection counts, 0 = none.
 */
public record RealServer(InetAddress address, int port, int weight, ForwardingMethod forwarding,
                         int upperThreshold, int lowerThreshold) {
    // Written out: the record's generated equals/hashCode run through method-handle chains that the C1-only JIT
    // does not inline, and these keys are hashed and compared millions of times in a full sync of 10,000 Services.
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof RealServer r && port == r.port && weight == r.weight && forwarding == r.forwarding
            && upperThreshold == r.upperThreshold && lowerThreshold == r.lowerThreshold && address.equals(r.address);
    }

    @Override
    public int hashCode() {
        return (((address.hashCode() * 31 + port) * 31 + weight) * 31 + forwarding.hashCode()) * 31
            + upperThreshold * 17 + lowerThreshold;
    }

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
        public boolean equals(Object o) {
            return this == o || o instanceof Endpoint e && port == e.port && Objects.equals(address, e.address);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(address) * 31 + port;
        }

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

package io.ipvsproxier.iface;

/** An address added to or removed from a link, delivered from the rtnetlink multicast groups. */
public record AddressEvent(Kind kind, NodeAddress address) {
    public enum Kind { ADDED, REMOVED }
}

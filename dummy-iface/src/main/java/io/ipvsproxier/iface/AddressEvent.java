package io.ipvsproxier.iface;

/**
 * An address added to or removed from a link, delivered from the rtnetlink multicast groups.
 * {@code address} is null for {@link Kind#RESYNC_NEEDED}.
 */
public record AddressEvent(Kind kind, NodeAddress address) {
    public enum Kind {
        ADDED,
        REMOVED,
        /**
         * Events were lost (the kernel dropped notifications because the subscriber's queue overflowed):
         * re-read the addresses instead of relying on the events seen so far.
         */
        RESYNC_NEEDED
    }

    /** The signal that events were lost. */
    public static AddressEvent resyncNeeded() {
        return new AddressEvent(Kind.RESYNC_NEEDED, null);
    }
}

package io.ipvsproxier.ipvs;

import java.util.Objects;

/**
 * An IPVS virtual server's full configuration. {@code flags} never contains {@link ServiceFlags#HASHED}.
 * {@code timeout} is the persistence timeout in seconds. {@code netmask} is the persistence netmask: for
 * IPv4 the 32-bit mask (0xffffffff = /32), for IPv6 the prefix length (128). {@code persistenceEngine}
 * is null when none is set.
 */
public record VirtualServer(ServiceKey key, String scheduler, int flags, int timeout, int netmask, String persistenceEngine) {
    // Written out: the record's generated equals/hashCode run through method-handle chains that the C1-only JIT
    // does not inline, and these keys are hashed and compared millions of times in a full sync of 10,000 Services.
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof VirtualServer v && flags == v.flags && timeout == v.timeout && netmask == v.netmask
            && Objects.equals(key, v.key) && Objects.equals(scheduler, v.scheduler)
            && Objects.equals(persistenceEngine, v.persistenceEngine);
    }

    @Override
    public int hashCode() {
        return ((Objects.hashCode(key) * 31 + Objects.hashCode(scheduler)) * 31 + flags) * 31 + timeout * 17
            + netmask + Objects.hashCode(persistenceEngine);
    }

    public static final String DEFAULT_SCHEDULER = "wlc";

    public VirtualServer {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(scheduler, "scheduler");
        if (scheduler.isEmpty() || scheduler.length() > 15) {
            throw new IllegalArgumentException("scheduler name must be 1-15 characters: '" + scheduler + "'");
        }
        flags &= ~ServiceFlags.HASHED;
        if (key.isIpv6() && (netmask < 1 || netmask > 128)) {
            throw new IllegalArgumentException("IPv6 persistence netmask must be a prefix length 1-128, not " + netmask);
        }
    }

    /** A plain virtual server: no flags, no persistence, the host netmask. */
    public static VirtualServer of(ServiceKey key, String scheduler) {
        return new VirtualServer(key, scheduler, 0, 0, hostMask(key), null);
    }

    /** The netmask meaning "this host only": 255.255.255.255 or /128. */
    public static int hostMask(ServiceKey key) {
        return key.isIpv6() ? 128 : 0xffffffff;
    }

    public boolean persistent() {
        return (flags & ServiceFlags.PERSISTENT) != 0;
    }

    public VirtualServer withScheduler(String s) {
        return new VirtualServer(key, s, flags, timeout, netmask, persistenceEngine);
    }

    public VirtualServer withFlags(int f) {
        return new VirtualServer(key, scheduler, f, timeout, netmask, persistenceEngine);
    }

    /** Persistent with the given timeout (seconds), or not persistent when {@code seconds} is 0. */
    public VirtualServer withPersistence(int seconds) {
        int f = seconds > 0 ? flags | ServiceFlags.PERSISTENT : flags & ~ServiceFlags.PERSISTENT;
        return new VirtualServer(key, scheduler, f, seconds, netmask, persistenceEngine);
    }
}

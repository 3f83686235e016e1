package io.ipvsproxier.ipvsctl;

/**
 * ipvsadm's option indexes (OPTC_*) and the names its messages use for them. An option set is a bit set of
 * {@code 1L << index}.
 */
final class Opt {
    private Opt() {}

    static final int NUMERIC = 0;
    static final int CONNECTION = 1;
    static final int SERVICE = 2;
    static final int SCHEDULER = 3;
    static final int PERSISTENT = 4;
    static final int NETMASK = 5;
    static final int SERVER = 6;
    static final int FORWARD = 7;
    static final int WEIGHT = 8;
    static final int UTHRESHOLD = 9;
    static final int LTHRESHOLD = 10;
    static final int MCAST = 11;
    static final int TIMEOUT = 12;
    static final int DAEMON = 13;
    static final int STATS = 14;
    static final int RATE = 15;
    static final int THRESHOLDS = 16;
    static final int PERSISTENTCONN = 17;
    static final int NOSORT = 18;
    static final int SYNCID = 19;
    static final int EXACT = 20;
    static final int ONEPACKET = 21;
    static final int PERSISTENCE_ENGINE = 22;
    static final int SCHED_FLAGS = 23;
    static final int MCAST_GROUP = 24;
    static final int MCAST_PORT = 25;
    static final int MCAST_TTL = 26;
    static final int SYNC_MAXLEN = 27;
    static final int TUN_INFO = 28;
    static final int TUN_TYPE = 29;
    static final int TUN_PORT = 30;
    static final int TUN_NOCSUM = 31;
    static final int TUN_CSUM = 32;
    static final int TUN_REMCSUM = 33;
    static final int COUNT = 34;

    private static final String[] NAMES = {
        "numeric", "connection", "service-address", "scheduler", "persistent", "netmask", "real-server",
        "forwarding-method", "weight", "u-threshold", "l-threshold", "mcast-interface", "timeout", "daemon",
        "stats", "rate", "thresholds", "persistent-conn", "nosort", "syncid", "exact", "ops", "pe",
        "sched-flags", "mcast-group", "mcast-port", "mcast-ttl", "sync-maxlen", "tun-info", "tun-type",
        "tun-port", "tun-nocsum", "tun-csum", "tun-remcsum",
    };

    static String name(int opt) {
        return NAMES[opt];
    }

    static long bit(int opt) {
        return 1L << opt;
    }
}

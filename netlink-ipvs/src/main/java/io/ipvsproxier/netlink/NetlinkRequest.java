package io.ipvsproxier.netlink;

/**
 * One request message: its type and family-specific body. The connection writes the netlink header
 * (sequence number, REQUEST/ACK/DUMP flags) around it.
 */
public interface NetlinkRequest {

    /** The nlmsg_type: a generic netlink family id, or an RTM_* type. */
    int type();

    /** Extra header flags such as NLM_F_CREATE|NLM_F_EXCL; REQUEST, ACK and DUMP are added by the connection. */
    default int flags() {
        return 0;
    }

    /** Writes everything after the netlink header (genl header or ifinfomsg/ifaddrmsg, then attributes). */
    void writeBody(NetlinkMessageWriter w);

    /**
     * Whether this errno means the kernel already has the state this request asks for (EEXIST on an add,
     * ENOENT on a delete...). Used by idempotent batches.
     */
    default boolean alreadyDone(int errno) {
        return false;
    }

    /** A short human description for errors and logs, e.g. {@code add service TCP 10.96.0.10:80}. */
    String describe();
}

package io.ipvsproxier.netlink;

/** Bytes that cannot be a valid netlink message or attribute stream (bad length, truncation). */
public final class MalformedMessageException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message, null);
    }
}

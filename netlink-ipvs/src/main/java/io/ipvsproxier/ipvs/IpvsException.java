package io.ipvsproxier.ipvs;

import io.ipvsproxier.netlink.NetlinkException;

/**
 * The kernel refused an IPVS command. Adds to {@link NetlinkException} (errno, extended-ACK text) the
 * command that failed, so callers can print ipvsadm's wording with {@link #ipvsadmMessage()}.
 */
public class IpvsException extends NetlinkException {
    private static final long serialVersionUID = 1L;
    private final int command;

    public IpvsException(String operation, int command, int errno, String kernelMessage) {
        super(operation, errno, kernelMessage);
        this.command = command;
    }

    /** The IPVS command ({@link IpvsCommands}) the kernel refused. */
    public int command() {
        return command;
    }

    /** What ipvsadm prints for this failure, e.g. {@code No such service}. */
    public String ipvsadmMessage() {
        return IpvsErrors.message(command, errno());
    }
}

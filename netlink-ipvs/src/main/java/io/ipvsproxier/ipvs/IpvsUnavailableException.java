package io.ipvsproxier.ipvs;

import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.NetlinkException;

/**
 * The kernel has no "IPVS" generic netlink family: IPVS is not built in and module ip_vs is not loaded
 * (and could not be auto-loaded). errno is ENOENT, as the generic netlink controller reports it.
 */
public final class IpvsUnavailableException extends NetlinkException {
    private static final long serialVersionUID = 1L;
    static final String MESSAGE = "this kernel has no IPVS (module ip_vs is not loaded): load it with 'modprobe ip_vs'";

    public IpvsUnavailableException() {
        super("resolve generic netlink family " + IpvsCommands.FAMILY_NAME, Errno.ENOENT, null);
    }

    @Override
    public String getMessage() {
        return MESSAGE;
    }
}

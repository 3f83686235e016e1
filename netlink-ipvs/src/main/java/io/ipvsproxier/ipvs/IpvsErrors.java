package io.ipvsproxier.ipvs;

import io.ipvsproxier.netlink.Errno;

/**
 * The messages ipvsadm prints for a failed IPVS command: the table of {@code ipvs_strerror} in ipvsadm's
 * libipvs (the same in 1.26 through 1.31), keyed by the IPVS command that failed, then the generic
 * entries, then strerror(3).
 */
public final class IpvsErrors {
    private IpvsErrors() {}

    /**
     * ipvsadm's text for {@code errno} (positive) returned by IPVS command {@code command}
     * ({@link IpvsCommands}), e.g. {@code "Service already exists"} for EEXIST on NEW_SERVICE.
     */
    public static String message(int command, int errno) {
        String specific = commandSpecific(command, errno);
        if (specific != null) {
            return specific;
        }
        return switch (errno) {
            case Errno.EPERM -> "Permission denied (you must be root)";
            case Errno.EINVAL -> "Invalid operation.  Possibly wrong module version, address not unicast, ...";
            case Errno.ENOPROTOOPT -> "Protocol not available";
            case Errno.ENOMEM -> "Memory allocation problem";
            case Errno.EOPNOTSUPP -> "Operation not supported with IPv6";
            case Errno.EAFNOSUPPORT -> "Operation not supported with specified address family";
            case Errno.EMSGSIZE -> "Module is wrong version";
            default -> Errno.message(errno);
        };
    }

    /** ipvsadm's text for {@code errno} returned by the command that performs {@code op}. */
    public static String message(IpvsOperation op, int errno) {
        return message(IpvsCodec.commandOf(op), errno);
    }

    private static String commandSpecific(int command, int errno) {
        switch (command) {
            case IpvsCommands.NEW_SERVICE:
                if (errno == Errno.EEXIST) {
                    return "Service already exists";
                }
                if (errno == Errno.ENOENT) {
                    return "Scheduler or persistence engine not found";
                }
                return null;
            case IpvsCommands.SET_SERVICE:
                if (errno == Errno.ESRCH) {
                    return "No such service";
                }
                if (errno == Errno.ENOENT) {
                    return "Scheduler or persistence engine not found";
                }
                return null;
            case IpvsCommands.DEL_SERVICE:
            case IpvsCommands.ZERO:
            case IpvsCommands.GET_SERVICE:
            case IpvsCommands.GET_DEST:
                return errno == Errno.ESRCH ? "No such service" : null;
            case IpvsCommands.NEW_DEST:
                if (errno == Errno.ESRCH) {
                    return "Service not defined";
                }
                if (errno == Errno.EEXIST) {
                    return "Destination already exists";
                }
                return null;
            case IpvsCommands.SET_DEST:
            case IpvsCommands.DEL_DEST:
                if (errno == Errno.ESRCH) {
                    return "Service not defined";
                }
                if (errno == Errno.ENOENT) {
                    return "No such destination";
                }
                return null;
            case IpvsCommands.NEW_DAEMON:
                return errno == Errno.EEXIST ? "Daemon has already run" : null;
            case IpvsCommands.DEL_DAEMON:
                return errno == Errno.ESRCH ? "No daemon is running" : null;
            default:
                return null;
        }
    }
}

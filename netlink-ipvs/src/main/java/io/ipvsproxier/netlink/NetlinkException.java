package io.ipvsproxier.netlink;

/**
 * A failed netlink or socket operation. Carries the errno (positive), its symbolic name and, when the
 * kernel supplied one through the extended ACK, the kernel's own message.
 */
public class NetlinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;
    private final String kernelMessage;

    public NetlinkException(String operation, int errno, String kernelMessage) {
        super(describe(operation, errno, kernelMessage));
        this.errno = errno;
        this.kernelMessage = kernelMessage;
    }

    public NetlinkException(String message, Throwable cause) {
        super(message, cause);
        this.errno = 0;
        this.kernelMessage = null;
    }

    private static String describe(String operation, int errno, String kernelMessage) {
        StringBuilder sb = new StringBuilder(operation).append(": ")
            .append(Errno.name(errno)).append(" (").append(Errno.message(errno)).append(')');
        if (kernelMessage != null && !kernelMessage.isEmpty()) {
            sb.append(": ").append(kernelMessage);
        }
        return sb.toString();
    }

    /** Positive errno, 0 when the failure did not come from the kernel. */
    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }

    /** The extended-ACK message text, or null. */
    public String kernelMessage() {
        return kernelMessage;
    }
}

package io.ipvsproxier.iface;

/** A link or address operation the kernel refused, with a message that says what to do about it. */
public final class InterfaceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public InterfaceException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    /** The kernel's errno, 0 when not from the kernel. */
    public int errno() {
        return errno;
    }
}

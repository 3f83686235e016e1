package io.ipvsproxier.ipvsctl;

/**
 * Ends the command with an exit status and a message for stderr, the way ipvsadm's {@code fail()},
 * {@code tryhelp_exit()} and {@code exit()} end the process. Thrown, not exited, so that tests and the
 * restore loop can observe it.
 */
final class CtlExit extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String stderrText;

    /** @param stderrText what goes to stderr, including its trailing newline; empty for nothing */
    CtlExit(int status, String stderrText) {
        super(stderrText, null, false, false);
        this.status = status;
        this.stderrText = stderrText;
    }

    /** ipvsadm's fail(status, message): the message and a newline. */
    static CtlExit fail(int status, String message) {
        return new CtlExit(status, message + "\n");
    }

    int status() {
        return status;
    }

    String stderrText() {
        return stderrText;
    }
}

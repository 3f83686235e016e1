package io.ipvsproxier.proxier.admin;

/** A request the admin socket cannot answer; the message is sent to the client as the error reply. */
public class AdminCommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AdminCommandException(String message) {
        super(message);
    }
}

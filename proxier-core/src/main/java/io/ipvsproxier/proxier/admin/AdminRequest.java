package io.ipvsproxier.proxier.admin;

import io.ipvsproxier.proxier.plan.ServiceRef;
import java.util.List;

/** One parsed admin request line: a command and, for {@code explain}, its Service. */
record AdminRequest(String command, ServiceRef service) {
    static final List<String> COMMANDS = List.of("status", "explain", "diff", "sync", "help");

    static final String USAGE = "commands: status | explain NAMESPACE/NAME | diff | sync | help";

    /**
     * Parses {@code COMMAND [ARGUMENT]}: words separated by blanks, the command case-insensitive.
     *
     * @throws AdminCommandException for an empty line, an unknown command or wrong arguments
     */
    static AdminRequest parse(String line) {
        String[] words = line.trim().split("[ \t]+");
        if (words.length == 0 || words[0].isEmpty()) {
            throw new AdminCommandException("empty request; " + USAGE);
        }
        String command = words[0].toLowerCase(java.util.Locale.ROOT);
        if (!COMMANDS.contains(command)) {
            throw new AdminCommandException("unknown command '" + printable(words[0]) + "'; " + USAGE);
        }
        if (command.equals("explain")) {
            if (words.length != 2) {
                throw new AdminCommandException("usage: explain NAMESPACE/NAME");
            }
            try {
                return new AdminRequest(command, ServiceRef.parse(words[1]));
            } catch (IllegalArgumentException e) {
                throw new AdminCommandException(e.getMessage());
            }
        }
        if (words.length != 1) {
            throw new AdminCommandException(command + " takes no argument");
        }
        return new AdminRequest(command, null);
    }

    /** Caps what is echoed back of a bad word, so an error reply never grows with the request. */
    private static String printable(String word) {
        return word.length() > 40 ? word.substring(0, 40) + "..." : word;
    }
}

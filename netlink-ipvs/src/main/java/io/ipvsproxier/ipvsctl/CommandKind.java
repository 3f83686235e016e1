package io.ipvsproxier.ipvsctl;

/**
 * ipvsadm's commands, with the name its messages use and its row of the command/option table: for each
 * option index of {@link Opt}, '+' compulsory, 'x' illegal, '1' mutually exclusive, ' ' optional.
 */
enum CommandKind {
    //                  -n -c svc -s -p -M -r fwd -w -x -y mc tot dmn st rt thr pc srt sid ex ops pe -b grp prt ttl siz tinf type tprt nocs csum remc
    ADD("add-service", "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx"),
    EDIT("edit-service", "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx"),
    DEL("delete-service", "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    FLUSH("flush", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    LIST("list", " 11xxxxxxxxx11       xxxxxxx xxxxx"),
    ADDDEST("add-server", "xx+xxx+    xxxxxxxxxxxxxxxxxx     "),
    DELDEST("delete-server", "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    EDITDEST("edit-server", "xx+xxx+    xxxxxxxxxxxxxxxxxx     "),
    TIMEOUT("set", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    STARTDAEMON("start-daemon", "xxxxxxxxxxx xxxxxxx xxxx    xxxxxx"),
    STOPDAEMON("stop-daemon", "xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx"),
    RESTORE("restore", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    SAVE("save", " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    ZERO("zero", "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");

    private final String cliName;
    private final String rules;
    private final long required;
    private final long illegal;
    private final long exclusive;

    CommandKind(String cliName, String rules) {
        if (rules.length() != Opt.COUNT) {
            throw new IllegalStateException(name() + ": option table row has " + rules.length() + " entries");
        }
        this.cliName = cliName;
        this.rules = rules;
        long req = 0;
        long ill = 0;
        long exc = 0;
        for (int i = 0; i < Opt.COUNT; i++) {
            switch (rules.charAt(i)) {
                case '+' -> req |= Opt.bit(i);
                case 'x' -> ill |= Opt.bit(i);
                case '1' -> exc |= Opt.bit(i);
                default -> { }
            }
        }
        this.required = req;
        this.illegal = ill;
        this.exclusive = exc;
    }

    /** True when {@code options} break none of this command's rules (then no message is needed). */
    boolean accepts(long options) {
        return (options & illegal) == 0 && (required & ~options) == 0 && Long.bitCount(options & exclusive) <= 1;
    }

    /** The name ipvsadm's messages use, e.g. {@code add-service}. */
    String cliName() {
        return cliName;
    }

    /** The rule for option index {@code opt}. */
    char rule(int opt) {
        return rules.charAt(opt);
    }
}

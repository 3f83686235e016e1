package io.ipvsproxier.ipvsctl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks an argument vector the way libpopt 1.19's poptGetNextOpt does for ipvsadm's option table, so that
 * clustered short options ({@code -Ln}), attached arguments ({@code -t10.0.0.1:80}, {@code --weight=3}),
 * optional arguments ({@code -p [timeout]}), interspersed non-option words and {@code --} behave, and fail,
 * exactly as they do with ipvsadm.
 */
final class PoptScanner {

    /** How an option takes its argument. */
    enum ArgKind { NONE, REQUIRED, OPTIONAL }

    /** One row of the option table: long name (or null), short name (or 0), argument kind and the value returned. */
    record Spec(String longName, char shortName, ArgKind arg, int val) {}

    /**
     * An option table indexed for lookups (a restore parses every line with it). Where two rows share a
     * name, the first one wins, as in popt's findOption.
     */
    static final class Table {
        private final Spec[] byShort = new Spec[128];
        private final Map<String, Spec> byLong = new HashMap<>();

        Table(List<Spec> specs) {
            for (Spec s : specs) {
                if (s.shortName() != 0 && s.shortName() < 128 && byShort[s.shortName()] == null) {
                    byShort[s.shortName()] = s;
                }
                if (s.longName() != null) {
                    byLong.putIfAbsent(s.longName(), s);
                }
            }
        }

        Spec byShort(char c) {
            return c < 128 ? byShort[c] : null;
        }

        Spec byLong(String name) {
            return byLong.get(name);
        }
    }

    static final int END = -1;
    static final int ERROR_NOARG = -10;
    static final int ERROR_BADOPT = -11;
    static final int ERROR_UNWANTEDARG = -12;

    private final Table table;
    private final String[] argv;
    private int next = 1;
    /** The rest of a short-option cluster still to be read, or null. */
    private String nextCharArg;
    private boolean restLeftover;
    /** The non-option words, in order; made on the first one (most command lines have none). */
    private List<String> leftovers;
    private String optArg;

    PoptScanner(Table table, String[] argv) {
        this.table = table;
        this.argv = argv;
    }

    /** The argument of the option last returned (null when an optional argument was absent). */
    String optArg() {
        return optArg;
    }

    /** The argument vector element that held the option last read: what popt's poptBadOption reports. */
    String badOption() {
        return argv[next - 1];
    }

    /** The next non-option word, in order, or null (poptGetArg). */
    String nextLeftover() {
        return leftovers == null || leftovers.isEmpty() ? null : leftovers.remove(0);
    }

    /** popt's poptStrerror texts for the errors this scanner returns. */
    static String errorText(int code) {
        switch (code) {
            case ERROR_NOARG:
                return "missing argument";
            case ERROR_UNWANTEDARG:
                return "option does not take an argument";
            case ERROR_BADOPT:
                return "unknown option";
            default:
                return "unknown error";
        }
    }

    /** The value of the next option, {@link #END} when the arguments are used up, or a negative error code. */
    int nextOption() {
        optArg = null;
        while (true) {
            if (nextCharArg == null && next == argv.length) {
                return END;
            }
            Spec opt = null;
            String longArg = null;
            if (nextCharArg == null) {
                String orig = argv[next++];
                if (restLeftover || !orig.startsWith("-") || orig.equals("-")) {
                    if (leftovers == null) {
                        leftovers = new ArrayList<>();
                    }
                    leftovers.add(orig);
                    continue;
                }
                if (orig.equals("--")) {
                    restLeftover = true;
                    continue;
                }
                if (orig.charAt(1) == '-') {
                    int eq = orig.indexOf('=', 2);
                    String name = eq < 0 ? orig.substring(2) : orig.substring(2, eq);
                    if (eq >= 0) {
                        longArg = orig.substring(eq + 1);
                    }
                    opt = findLong(name);
                    if (opt == null) {
                        return ERROR_BADOPT;
                    }
                } else if (orig.length() == 2) {
                    // a lone short option, the usual case: what the cluster below does, without the substring
                    opt = findShort(orig.charAt(1));
                    if (opt == null) {
                        return ERROR_BADOPT;
                    }
                } else {
                    // No option of ipvsadm's table may be written as a long name with one dash: a cluster.
                    nextCharArg = orig.substring(1);
                }
            }
            if (nextCharArg != null) {
                char c = nextCharArg.charAt(0);
                String rest = nextCharArg.substring(1);
                nextCharArg = rest.isEmpty() ? null : rest;
                opt = findShort(c);
                if (opt == null) {
                    return ERROR_BADOPT;
                }
            }
            if (opt.arg() == ArgKind.NONE) {
                if (longArg != null || (nextCharArg != null && nextCharArg.charAt(0) == '=')) {
                    return ERROR_UNWANTEDARG;
                }
            } else if (longArg != null) {
                optArg = longArg;
            } else if (nextCharArg != null) {
                optArg = nextCharArg.charAt(0) == '=' ? nextCharArg.substring(1) : nextCharArg;
                nextCharArg = null;
            } else if (next == argv.length) {
                if (opt.arg() != ArgKind.OPTIONAL) {
                    return ERROR_NOARG;
                }
            } else if (opt.arg() == ArgKind.OPTIONAL && argv[next].startsWith("-")) {
                optArg = null;
            } else {
                optArg = argv[next++];
            }
            return opt.val();
        }
    }

    private Spec findLong(String name) {
        return table.byLong(name);
    }

    private Spec findShort(char c) {
        return c == 0 ? null : table.byShort(c);
    }
}

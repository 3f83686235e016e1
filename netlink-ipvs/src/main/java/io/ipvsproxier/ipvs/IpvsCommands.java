package io.ipvsproxier.ipvs;

/**
 * The IPVS generic netlink family: its name, version and command numbers
 * ({@code enum} in include/uapi/linux/ip_vs.h).
 */
public final class IpvsCommands {
    private IpvsCommands() {}

    /** The generic netlink family name to resolve with CTRL_CMD_GETFAMILY. */
    public static final String FAMILY_NAME = "IPVS";
    /** IPVS_GENL_VERSION, sent in every genl header (the kernel does not check it). */
    public static final int GENL_VERSION = 1;

    public static final int NEW_SERVICE = 1;
    public static final int SET_SERVICE = 2;
    public static final int DEL_SERVICE = 3;
    /** doit (by identity) and dumpit (all services); replies carry {@link #NEW_SERVICE}. */
    public static final int GET_SERVICE = 4;
    public static final int NEW_DEST = 5;
    public static final int SET_DEST = 6;
    public static final int DEL_DEST = 7;
    /** dumpit only (needs NLM_F_DUMP); replies carry {@link #NEW_DEST}. */
    public static final int GET_DEST = 8;
    public static final int NEW_DAEMON = 9;
    public static final int DEL_DAEMON = 10;
    public static final int GET_DAEMON = 11;
    /** Also the command of the GET_CONFIG reply. */
    public static final int SET_CONFIG = 12;
    public static final int GET_CONFIG = 13;
    /** Reply-only: the command of the GET_INFO reply. */
    public static final int SET_INFO = 14;
    public static final int GET_INFO = 15;
    /** Without a SERVICE attribute: every counter; with one: that service and its destinations. */
    public static final int ZERO = 16;
    public static final int FLUSH = 17;

    /** The IPVS_CMD_* name of a command number, e.g. {@code IPVS_CMD_NEW_SERVICE}. */
    public static String name(int command) {
        return switch (command) {
            case NEW_SERVICE -> "IPVS_CMD_NEW_SERVICE";
            case SET_SERVICE -> "IPVS_CMD_SET_SERVICE";
            case DEL_SERVICE -> "IPVS_CMD_DEL_SERVICE";
            case GET_SERVICE -> "IPVS_CMD_GET_SERVICE";
            case NEW_DEST -> "IPVS_CMD_NEW_DEST";
            case SET_DEST -> "IPVS_CMD_SET_DEST";
            case DEL_DEST -> "IPVS_CMD_DEL_DEST";
            case GET_DEST -> "IPVS_CMD_GET_DEST";
            case NEW_DAEMON -> "IPVS_CMD_NEW_DAEMON";
            case DEL_DAEMON -> "IPVS_CMD_DEL_DAEMON";
            case GET_DAEMON -> "IPVS_CMD_GET_DAEMON";
            case SET_CONFIG -> "IPVS_CMD_SET_CONFIG";
            case GET_CONFIG -> "IPVS_CMD_GET_CONFIG";
            case SET_INFO -> "IPVS_CMD_SET_INFO";
            case GET_INFO -> "IPVS_CMD_GET_INFO";
            case ZERO -> "IPVS_CMD_ZERO";
            case FLUSH -> "IPVS_CMD_FLUSH";
            default -> "IPVS command " + command;
        };
    }
}

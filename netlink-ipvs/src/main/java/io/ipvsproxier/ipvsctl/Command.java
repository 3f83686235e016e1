package io.ipvsproxier.ipvsctl;

/** One parsed ipvsadm command line: what to do, with which options, service, server and format. */
final class Command {
    CommandKind kind;
    long options;
    int format = Format.NONE;
    final ServiceSpec svc = new ServiceSpec();
    final DestSpec dest = new DestSpec();
    int tcpTimeout;
    int tcpFinTimeout;
    int udpTimeout;
    /** --start-daemon / --stop-daemon state: 1 master, 2 backup. */
    int daemonState;

    boolean has(int opt) {
        return (options & Opt.bit(opt)) != 0;
    }

    /** True for the commands that change the table one object at a time, which restore sends as a batch. */
    boolean isTableEdit() {
        switch (kind) {
            case ADD: case EDIT: case DEL: case ADDDEST: case EDITDEST: case DELDEST:
                return true;
            default:
                return false;
        }
    }
}

package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.Addresses;
import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.Errno;

/** Human text for IPVS writes and their failures, as logged and shown in sync reports. */
final class Operations {
    private Operations() {}

    static String describe(IpvsOperation op) {
        if (op instanceof IpvsOperation.AddService a) {
            return "add virtual server " + a.server().key() + " " + settings(a.server());
        }
        if (op instanceof IpvsOperation.UpdateService u) {
            return "update virtual server " + u.server().key() + " to " + settings(u.server());
        }
        if (op instanceof IpvsOperation.DeleteService d) {
            return "delete virtual server " + d.key();
        }
        if (op instanceof IpvsOperation.AddDestination a) {
            return "add real server " + realServer(a.server()) + " to " + a.service();
        }
        if (op instanceof IpvsOperation.UpdateDestination u) {
            return "update real server " + realServer(u.server()) + " of " + u.service();
        }
        IpvsOperation.DeleteDestination d = (IpvsOperation.DeleteDestination) op;
        return "delete real server " + Addresses.withPort(d.address(), d.port()) + " of " + d.service();
    }

    /** {@code add real server ... : EINVAL (Invalid argument): kernel text}. */
    static String failure(IpvsOperation op, BatchResult.Outcome outcome) {
        StringBuilder sb = new StringBuilder(describe(op)).append(": ")
                .append(Errno.name(outcome.errno())).append(" (").append(Errno.message(outcome.errno())).append(')');
        if (outcome.kernelMessage() != null && !outcome.kernelMessage().isEmpty()) {
            sb.append(": ").append(outcome.kernelMessage());
        }
        return sb.toString();
    }

    private static String settings(VirtualServer s) {
        StringBuilder sb = new StringBuilder("(scheduler ").append(s.scheduler());
        if (s.flags() != 0) {
            sb.append(", flags 0x").append(Integer.toHexString(s.flags()));
        }
        if (s.persistent()) {
            sb.append(", persistent ").append(s.timeout()).append(" s");
        }
        if (s.persistenceEngine() != null) {
            sb.append(", pe ").append(s.persistenceEngine());
        }
        return sb.append(')').toString();
    }

    private static String realServer(RealServer rs) {
        return Addresses.withPort(rs.address(), rs.port()) + " (weight " + rs.weight() + ", " + rs.forwarding().label() + ")";
    }
}

package io.ipvsproxier.proxier.admin;

import io.ipvsproxier.ipvs.Addresses;
import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceFlags;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.metrics.MetricsSnapshot;
import io.ipvsproxier.proxier.plan.ExcludedEndpoint;
import io.ipvsproxier.proxier.plan.PlannedVirtualServer;
import io.ipvsproxier.proxier.plan.Rejection;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import io.ipvsproxier.proxier.reconcile.DrainState;
import io.ipvsproxier.proxier.reconcile.PendingDiff;
import io.ipvsproxier.proxier.reconcile.ProgrammedRealServer;
import io.ipvsproxier.proxier.reconcile.ProgrammedService;
import io.ipvsproxier.proxier.reconcile.ProgrammedVirtualServer;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The text of the admin socket's replies. Pure functions of what the proxier knows, so the formats are tested
 * without sockets. IPVS objects are written the way {@code ipvsadm -S} writes rules, which operators read at a
 * glance.
 */
public final class AdminText {
    private AdminText() {}

    /** {@code status}: sync times, pending changes, counts, rejected Service ports with reasons, netlink errors. */
    public static String status(MetricsSnapshot m, int services, List<Rejection> rejections, Instant now) {
        StringBuilder sb = new StringBuilder();
        line(sb, "last sync", m.lastSync().map(t -> t + " (" + ago(t, now) + ")").orElse("none yet")
            + m.lastSyncDuration().map(d -> ", took " + millis(d)).orElse(""));
        line(sb, "last change queued", m.lastQueued().map(t -> t + " (" + ago(t, now) + ")").orElse("none"));
        line(sb, "syncs", m.syncs() + " completed, " + m.syncFailures() + " failed");
        line(sb, "pending changes", "services " + m.serviceChangesPending() + ", endpoints " + m.endpointChangesPending()
            + " (seen in total: services " + m.serviceChangesTotal() + ", endpoints " + m.endpointChangesTotal() + ")");
        line(sb, "services", Integer.toString(services));
        line(sb, "virtual servers", Integer.toString(m.virtualServers()));
        line(sb, "real servers", m.realServers() + " (" + m.realServersDraining() + " draining)");
        StringBuilder errors = new StringBuilder();
        m.netlinkErrorsByErrno().forEach((errno, n) -> errors.append(errors.length() == 0 ? "" : ", ").append(errno).append(' ').append(n));
        line(sb, "netlink", m.netlinkOperations() + " operations, errors: " + (errors.length() == 0 ? "none" : errors));
        line(sb, "rejected service ports", Integer.toString(rejections.size()));
        List<Rejection> sorted = new ArrayList<>(rejections);
        sorted.sort(Comparator.comparing(Rejection::service).thenComparing(Rejection::reason));
        for (Rejection r : sorted) {
            sb.append("  ").append(r.service()).append(": ").append(r.reason()).append(": ").append(r.message()).append('\n');
        }
        return sb.toString();
    }

    /**
     * {@code explain}: each virtual server the Service wants, the scheduler and why, the real servers wanted and as
     * the kernel has them (drain state, connections), endpoints left out and why, rejections and sync problems.
     */
    public static String explain(ServiceRef service, Optional<ServicePlan> plan, Optional<ProgrammedService> programmed) {
        if (plan.isEmpty() && programmed.isEmpty()) {
            throw new AdminCommandException("no Service " + service + " is known to the proxier");
        }
        StringBuilder sb = new StringBuilder("Service ").append(service).append('\n');
        Map<ServiceKey, PlannedVirtualServer> planned = new LinkedHashMap<>();
        plan.ifPresent(p -> p.virtualServers().forEach(v -> planned.putIfAbsent(v.server().key(), v)));
        Map<ServiceKey, ProgrammedVirtualServer> inKernel = new LinkedHashMap<>();
        programmed.ifPresent(p -> p.virtualServers().forEach(v -> inKernel.putIfAbsent(v.key(), v)));
        TreeSet<ServiceKey> keys = new TreeSet<>(planned.keySet());
        keys.addAll(inKernel.keySet());
        sb.append("virtual servers: ").append(keys.size()).append('\n');
        for (ServiceKey key : keys) {
            PlannedVirtualServer p = planned.get(key);
            ProgrammedVirtualServer k = inKernel.get(key);
            VirtualServer wanted = p != null ? p.server() : k.wanted();
            sb.append("  ").append(key);
            if (p != null) {
                sb.append("  ").append(p.kind()).append(", port ").append(p.portName().port() == null || p.portName().port().isEmpty()
                    ? "(unnamed)" : p.portName().port());
            } else if (k.kind() != null) {
                sb.append("  ").append(k.kind());
            }
            sb.append('\n');
            if (wanted != null) {
                sb.append("    scheduler ").append(wanted.scheduler());
                List<String> flags = schedulerFlags(wanted);
                if (!flags.isEmpty()) {
                    sb.append(" (").append(String.join(",", flags)).append(')');
                }
                if (p != null && p.schedulerSource() != null) {
                    sb.append(": ").append(p.schedulerSource());
                }
                sb.append('\n');
                if (wanted.persistent()) {
                    sb.append("    persistent ").append(wanted.timeout()).append(" s (session affinity)\n");
                }
            }
            sb.append("    kernel: ").append(kernelState(service, k, wanted)).append('\n');
            appendRealServers(sb, p, k);
        }
        plan.ifPresent(pl -> {
            if (!pl.excludedEndpoints().isEmpty()) {
                sb.append("endpoints left out:\n");
                for (ExcludedEndpoint e : pl.excludedEndpoints()) {
                    sb.append("  ").append(e.address()).append(": ").append(e.reason()).append('\n');
                }
            }
            if (!pl.noLocalEndpoints().isEmpty()) {
                sb.append("no local endpoints for traffic policy: ").append(String.join(", ", pl.noLocalEndpoints())).append('\n');
            }
            if (!pl.rejections().isEmpty()) {
                sb.append("rejected:\n");
                for (Rejection r : pl.rejections()) {
                    sb.append("  ").append(r.reason()).append(": ").append(r.message()).append('\n');
                }
            }
        });
        programmed.ifPresent(pr -> {
            if (!pr.problems().isEmpty()) {
                sb.append("problems:\n");
                pr.problems().forEach(s -> sb.append("  ").append(s).append('\n'));
            }
            if (!pr.lastSyncFailures().isEmpty()) {
                sb.append("last sync failures:\n");
                pr.lastSyncFailures().forEach(s -> sb.append("  ").append(s).append('\n'));
            }
        });
        return sb.toString();
    }

    private static String kernelState(ServiceRef service, ProgrammedVirtualServer k, VirtualServer wanted) {
        if (k == null) {
            return "not read yet";
        }
        StringBuilder sb = new StringBuilder();
        if (k.programmed() == null) {
            sb.append("MISSING");
        } else if (wanted != null && !wanted.equals(k.programmed())) {
            sb.append("DIFFERS: has ").append(rule("-A", k.programmed()));
        } else {
            sb.append("in sync");
        }
        if (k.programmedBy() != null && !k.programmedBy().equals(service)) {
            // two Services claim this virtual server: the kernel holds the other one's configuration
            sb.append(", programmed for ").append(k.programmedBy());
        }
        if (k.kind() != null && k.kind().boundToDummy()) {
            sb.append(k.addressBound() ? ", address bound" : ", ADDRESS NOT BOUND");
        }
        return sb.toString();
    }

    private static void appendRealServers(StringBuilder sb, PlannedVirtualServer p, ProgrammedVirtualServer k) {
        if (k != null) {
            if (k.realServers().isEmpty()) {
                sb.append("    no real servers\n");
            }
            for (ProgrammedRealServer rs : k.realServers()) {
                sb.append("    -> ").append(rs.endpoint());
                RealServer shown = rs.wanted() != null ? rs.wanted() : rs.programmed();
                if (shown != null) {
                    sb.append(" ").append(shown.forwarding().label()).append(" weight ").append(shown.weight());
                }
                sb.append("  ").append(realServerState(rs));
                if (rs.programmed() != null) {
                    sb.append(", active ").append(rs.activeConnections()).append(" inactive ").append(rs.inactiveConnections());
                }
                sb.append('\n');
            }
        } else if (p != null) {
            if (p.realServers().isEmpty()) {
                sb.append("    no real servers\n");
            }
            for (RealServer rs : p.realServers()) {
                sb.append("    -> ").append(rs.endpoint()).append(" ").append(rs.forwarding().label())
                    .append(" weight ").append(rs.weight()).append('\n');
            }
        }
    }

    private static String realServerState(ProgrammedRealServer rs) {
        DrainState drain = rs.drain();
        if (drain != null) {
            return "draining since " + drain.since() + ", deleted by " + drain.deadline();
        }
        if (rs.wanted() == null) {
            return "not wanted, still in the kernel";
        }
        if (rs.programmed() == null) {
            return "MISSING in the kernel";
        }
        if (!rs.inSync()) {
            return "DIFFERS: kernel has " + rs.programmed().forwarding().label() + " weight " + rs.programmed().weight();
        }
        return "in sync";
    }

    /** {@code diff}: the writes a full sync would make now, in order, or a line saying there are none. */
    public static String diff(PendingDiff diff) {
        if (diff.isEmpty()) {
            return "in sync: the kernel and the dummy link are what the plans want\n";
        }
        StringBuilder sb = new StringBuilder();
        int n = diff.operations().size() + diff.addressesToBind().size() + diff.addressesToUnbind().size();
        sb.append(n).append(n == 1 ? " difference" : " differences").append(" (what a full sync would do now):\n");
        for (InetAddress a : sortedAddresses(diff.addressesToBind())) {
            sb.append("  bind ").append(Addresses.text(a)).append(" on the dummy link\n");
        }
        for (IpvsOperation op : diff.operations()) {
            sb.append("  ").append(rule(op)).append('\n');
        }
        for (InetAddress a : sortedAddresses(diff.addressesToUnbind())) {
            sb.append("  unbind ").append(Addresses.text(a)).append(" from the dummy link\n");
        }
        return sb.toString();
    }

    private static List<InetAddress> sortedAddresses(java.util.Set<InetAddress> set) {
        List<InetAddress> l = new ArrayList<>(set);
        l.sort(Addresses::compare);
        return l;
    }

    /** An IPVS write in {@code ipvsadm} syntax, e.g. {@code -a -t 10.96.0.1:443 -r 10.0.0.5:6443 -m -w 1}. */
    public static String rule(IpvsOperation op) {
        if (op instanceof IpvsOperation.AddService a) {
            return rule("-A", a.server());
        }
        if (op instanceof IpvsOperation.UpdateService u) {
            return rule("-E", u.server());
        }
        if (op instanceof IpvsOperation.DeleteService d) {
            return "-D " + service(d.key());
        }
        if (op instanceof IpvsOperation.AddDestination a) {
            return "-a " + service(a.service()) + " " + destination(a.server());
        }
        if (op instanceof IpvsOperation.UpdateDestination u) {
            return "-e " + service(u.service()) + " " + destination(u.server());
        }
        IpvsOperation.DeleteDestination d = (IpvsOperation.DeleteDestination) op;
        return "-d " + service(d.service()) + " -r " + Addresses.withPort(d.address(), d.port());
    }

    private static String rule(String verb, VirtualServer v) {
        StringBuilder sb = new StringBuilder(verb).append(' ').append(service(v.key())).append(" -s ").append(v.scheduler());
        List<String> flags = schedulerFlags(v);
        if (!flags.isEmpty()) {
            sb.append(" -b ").append(String.join(",", flags));
        }
        if (v.persistent()) {
            sb.append(" -p ").append(v.timeout());
        }
        if ((v.flags() & ServiceFlags.ONEPACKET) != 0) {
            sb.append(" -o");
        }
        return sb.toString();
    }

    /** The scheduler flags by the names ipvsadm gives them: sh-fallback/sh-port, mh-fallback/mh-port, else flag-N. */
    private static List<String> schedulerFlags(VirtualServer v) {
        List<String> names = new ArrayList<>();
        String s = v.scheduler();
        boolean named = s.equals("sh") || s.equals("mh");
        if ((v.flags() & ServiceFlags.SCHED1) != 0) {
            names.add(named ? s + "-fallback" : "flag-1");
        }
        if ((v.flags() & ServiceFlags.SCHED2) != 0) {
            names.add(named ? s + "-port" : "flag-2");
        }
        if ((v.flags() & ServiceFlags.SCHED3) != 0) {
            names.add("flag-3");
        }
        return names;
    }

    private static String service(ServiceKey key) {
        if (key.isFwmark()) {
            return "-f " + key.fwmark() + (key.isIpv6() ? " -6" : "");
        }
        String flag = switch (key.protocol()) {
            case TCP -> "-t";
            case UDP -> "-u";
            case SCTP -> "--sctp-service";
        };
        return flag + " " + Addresses.withPort(key.address(), key.port());
    }

    private static String destination(RealServer rs) {
        StringBuilder sb = new StringBuilder("-r ").append(Addresses.withPort(rs.address(), rs.port()));
        sb.append(switch (rs.forwarding()) {
            case MASQ -> " -m";
            case ROUTE, LOCAL -> " -g";
            case TUNNEL -> " -i";
        });
        sb.append(" -w ").append(rs.weight());
        if (rs.upperThreshold() > 0) {
            sb.append(" -x ").append(rs.upperThreshold());
        }
        if (rs.lowerThreshold() > 0) {
            sb.append(" -y ").append(rs.lowerThreshold());
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format("%-24s%s%n", label + ":", value));
    }

    private static String ago(Instant t, Instant now) {
        Duration d = Duration.between(t, now);
        if (d.isNegative()) {
            return "in the future: clocks differ";
        }
        long s = d.toSeconds();
        return s < 120 ? s + " s ago" : s < 7200 ? (s / 60) + " min ago" : (s / 3600) + " h ago";
    }

    private static String millis(Duration d) {
        return d.toMillis() >= 10 ? d.toMillis() + " ms" : String.format("%.2f ms", d.toNanos() / 1e6);
    }
}

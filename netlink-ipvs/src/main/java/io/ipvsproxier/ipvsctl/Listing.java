package io.ipvsproxier.ipvsctl;

import io.ipvsproxier.ipvs.DestinationEntry;
import io.ipvsproxier.ipvs.ForwardingMethod;
import io.ipvsproxier.ipvs.IpvsInfo;
import io.ipvsproxier.ipvs.IpvsStats;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.ServiceState;
import io.ipvsproxier.ipvs.VirtualServer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the IPVS table the way ipvsadm 1.31 prints it (print_title, print_service_entry, print_largenum,
 * list_all): the default, --stats, --rate, --thresholds, --persistent-conn and --tun-info listings and the
 * -S rule format, byte for byte. Pure formatting: the caller reads the table.
 */
final class Listing {
    private static final int SVC_F_PERSISTENT = 0x0001;
    private static final int SVC_F_ONEPACKET = 0x0004;
    private static final int SVC_F_SCHED1 = 0x0008;
    private static final int SVC_F_SCHED2 = 0x0010;
    private static final int SVC_F_SCHED3 = 0x0020;
    private static final int SVC_F_SCHED_FLAGS = SVC_F_SCHED1 | SVC_F_SCHED2 | SVC_F_SCHED3;
    /** ipvsadm formats names into a 60-byte buffer with snprintf. */
    private static final int NAME_BUFFER_CHARS = 59;

    private final AsciiOut out;
    private final int format;
    private final NameService names;

    Listing(AsciiOut out, int format, NameService names) {
        this.out = out;
        this.format = format;
        this.names = names;
    }

    /** list_all: the version line (not for rules), the title and every service, sorted unless --nosort. */
    void all(IpvsInfo info, List<ServiceState> table) {
        if (!has(Format.RULE)) {
            out.append("IP Virtual Server version ").append(info.version())
                .append(" (size=").append(info.connectionTableSize()).append(")\n");
        }
        List<ServiceState> services = table;
        if (!has(Format.NOSORT)) {
            IpvsadmOrder.ServiceRow[] rows = new IpvsadmOrder.ServiceRow[table.size()];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = IpvsadmOrder.ServiceRow.of(table.get(i));
            }
            GlibcSort.sort(rows, IpvsadmOrder::compareServices);
            services = new ArrayList<>(rows.length);
            for (IpvsadmOrder.ServiceRow r : rows) {
                services.add(r.state());
            }
        }
        title();
        for (ServiceState s : services) {
            service(s);
        }
    }

    /** list_service: the title and one service (no version line). */
    void one(ServiceState state) {
        title();
        service(state);
    }

    void title() {
        if (has(Format.STATS)) {
            out.append("Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
                + "  -> RemoteAddress:Port\n");
        } else if (has(Format.RATE)) {
            out.append("Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
                + "  -> RemoteAddress:Port\n");
        } else if (has(Format.THRESHOLDS)) {
            out.append("Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
                + "  -> RemoteAddress:Port\n");
        } else if (has(Format.PERSISTENTCONN)) {
            out.append("Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
                + "  -> RemoteAddress:Port\n");
        } else if (has(Format.TUN_INFO)) {
            out.append("Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
        } else if (!has(Format.RULE)) {
            out.append("Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        }
    }

    /** print_service_entry. */
    void service(ServiceState state) {
        VirtualServer vs = state.service().server();
        ServiceKey key = vs.key();
        IpvsStats st = state.service().stats();
        String svcName = serviceName(key);
        int flags = vs.flags();
        if (has(Format.RULE)) {
            out.append("-A ").append(svcName).append(" -s ").append(vs.scheduler());
            if ((flags & SVC_F_PERSISTENT) != 0) {
                out.append(" -p ").append(Integer.toUnsignedString(vs.timeout()));
                if (!key.isIpv6() && vs.netmask() != 0xffffffff) {
                    out.append(" -M ").append(dotted(vs.netmask()));
                }
                if (key.isIpv6() && vs.netmask() != 128) {
                    out.append(" -M ").append(vs.netmask());
                }
            }
            if (vs.persistenceEngine() != null && !vs.persistenceEngine().isEmpty()) {
                out.append(" --pe ").append(vs.persistenceEngine());
            }
            if ((flags & SVC_F_ONEPACKET) != 0) {
                out.append(" -o");
            }
            if ((flags & SVC_F_SCHED_FLAGS) != 0) {
                out.append(" -b ");
                schedFlags(vs);
            }
        } else if (has(Format.STATS)) {
            padRight(svcName, 33);
            largeNum(st.connections());
            largeNum(st.packetsIn());
            largeNum(st.packetsOut());
            largeNum(st.bytesIn());
            largeNum(st.bytesOut());
        } else if (has(Format.RATE)) {
            padRight(svcName, 33);
            largeNum(st.connectionsPerSecond());
            largeNum(st.packetsInPerSecond());
            largeNum(st.packetsOutPerSecond());
            largeNum(st.bytesInPerSecond());
            largeNum(st.bytesOutPerSecond());
        } else {
            out.append(svcName).append(' ').append(vs.scheduler());
            if ((flags & SVC_F_SCHED_FLAGS) != 0) {
                out.append(" (");
                schedFlags(vs);
                out.append(')');
            }
            if ((flags & SVC_F_PERSISTENT) != 0) {
                out.append(" persistent ").append(Integer.toUnsignedString(vs.timeout()));
                if (!key.isIpv6() && vs.netmask() != 0xffffffff) {
                    out.append(" mask ").append(dotted(vs.netmask()));
                }
                if (key.isIpv6() && vs.netmask() != 128) {
                    out.append(" mask ").append(vs.netmask());
                }
                if (vs.persistenceEngine() != null && !vs.persistenceEngine().isEmpty()) {
                    out.append(" pe ").append(vs.persistenceEngine());
                }
            }
            if ((flags & SVC_F_ONEPACKET) != 0) {
                out.append(" ops");
            }
        }
        out.append('\n');

        List<DestinationEntry> dests = state.destinations();
        if (!has(Format.NOSORT) && dests.size() > 1) {
            IpvsadmOrder.DestRow[] rows = new IpvsadmOrder.DestRow[dests.size()];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = IpvsadmOrder.DestRow.of(dests.get(i));
            }
            GlibcSort.sort(rows, IpvsadmOrder::compareDests);
            List<DestinationEntry> sorted = new ArrayList<>(rows.length);
            for (IpvsadmOrder.DestRow r : rows) {
                sorted.add(r.entry());
            }
            dests = sorted;
        }
        int protocol = key.isFwmark() ? 0 : key.protocol().number();
        for (DestinationEntry e : dests) {
            destination(svcName, protocol, e);
        }
    }

    private void destination(String svcName, int protocol, DestinationEntry e) {
        RealServer rs = e.server();
        boolean v6 = rs.address() instanceof Inet6Address;
        String dname = addrPort(rs.address(), rs.port(), protocol);
        if (!has(Format.RULE) && !v6 && dname.length() > 28) {
            dname = dname.substring(0, 28);
        }
        IpvsStats st = e.stats();
        if (has(Format.RULE)) {
            out.append("-a ").append(svcName).append(" -r ").append(dname).append(' ')
                .append(forwardSwitch(rs.forwarding())).append(" -w ").append(rs.weight());
            if (rs.forwarding() == ForwardingMethod.TUNNEL) {
                // The kernel reports IPIP for every tunnel server this library creates.
                out.append(" --tun-type ipip");
            }
            out.append('\n');
        } else if (has(Format.STATS)) {
            out.append("  -> ");
            padRight(dname, 28);
            // libipvs reads these per-server counters as 32-bit values (it parses STATS64 with the 32-bit parser)
            largeNum(st.connections() & 0xffffffffL);
            largeNum(st.packetsIn() & 0xffffffffL);
            largeNum(st.packetsOut() & 0xffffffffL);
            largeNum(st.bytesIn());
            largeNum(st.bytesOut());
            out.append('\n');
        } else if (has(Format.RATE)) {
            out.append("  -> ");
            padRight(dname, 28);
            out.append(' ');
            padLeft(Long.toString(st.connectionsPerSecond() & 0xffffffffL), 8);
            out.append(' ');
            padLeft(Long.toString(st.packetsInPerSecond() & 0xffffffffL), 8);
            out.append(' ');
            padLeft(Long.toString(st.packetsOutPerSecond() & 0xffffffffL), 8);
            largeNum(st.bytesInPerSecond() & 0xffffffffL);
            largeNum(st.bytesOutPerSecond() & 0xffffffffL);
            out.append('\n');
        } else if (has(Format.THRESHOLDS)) {
            out.append("  -> ");
            padRight(dname, 28);
            out.append(' ');
            padRight(Integer.toUnsignedString(rs.upperThreshold()), 10);
            out.append(' ');
            padRight(Integer.toUnsignedString(rs.lowerThreshold()), 10);
            out.append(' ');
            padRight(Integer.toUnsignedString(e.activeConnections()), 10);
            out.append(' ');
            padRight(Integer.toUnsignedString(e.inactiveConnections()), 10);
            out.append('\n');
        } else if (has(Format.PERSISTENTCONN)) {
            out.append("  -> ");
            padRight(dname, 28);
            out.append(' ');
            padRight(Integer.toUnsignedString(rs.weight()), 9);
            out.append(' ');
            padRight(Integer.toUnsignedString(e.persistentConnections()), 11);
            out.append(' ');
            padRight(Integer.toUnsignedString(e.activeConnections()), 10);
            out.append(' ');
            padRight(Integer.toUnsignedString(e.inactiveConnections()), 10);
            out.append('\n');
        } else if (has(Format.TUN_INFO)) {
            out.append("  -> ");
            padRight(dname, 28);
            out.append(' ');
            padRight(rs.forwarding().label(), 7);
            out.append(' ');
            padRight(rs.forwarding() == ForwardingMethod.TUNNEL ? "ipip" : "n/a", 13);
            out.append(' ');
            padRight(Integer.toString(rs.weight()), 6);
            out.append(' ');
            padRight(Integer.toUnsignedString(e.activeConnections()), 10);
            out.append(' ');
            padRight(Integer.toUnsignedString(e.inactiveConnections()), 10);
            out.append('\n');
        } else {
            out.append("  -> ");
            padRight(dname, 28);
            out.append(' ');
            padRight(rs.forwarding().label(), 7);
            out.append(' ');
            padRight(Integer.toString(rs.weight()), 6);
            out.append(' ');
            padRight(Integer.toUnsignedString(e.activeConnections()), 10);
            out.append(' ');
            padRight(Integer.toUnsignedString(e.inactiveConnections()), 10);
            out.append('\n');
        }
    }

    /** The service column: {@code TCP  10.0.0.1:80}, {@code FWM  5 IPv6}, or {@code -t 10.0.0.1:80} in rules. */
    private String serviceName(ServiceKey key) {
        if (key.isFwmark()) {
            if (has(Format.RULE)) {
                return key.isIpv6() ? "-f " + key.fwmark() + " -6" : "-f " + key.fwmark();
            }
            return key.isIpv6() ? "FWM  " + key.fwmark() + " IPv6" : "FWM  " + key.fwmark();
        }
        String vname = addrPort(key.address(), key.port(), key.protocol().number());
        if (has(Format.RULE)) {
            return ruleSwitch(key.protocol().number()) + " " + vname;
        }
        StringBuilder sb = new StringBuilder(40);
        sb.append(protocolName(key.protocol().number()));
        while (sb.length() < 4) {
            sb.append(' ');
        }
        sb.append(' ').append(vname);
        if (!key.isIpv6() && sb.length() > 33) {
            sb.setLength(33);
        }
        return sb.toString();
    }

    /** addrport_to_anyname: numeric with -n, else host and service names where the resolver has them. */
    String addrPort(InetAddress address, int port, int protocol) {
        boolean v6 = address instanceof Inet6Address;
        StringBuilder sb = new StringBuilder(48);
        if (v6) {
            sb.append('[');
        }
        if (has(Format.NUMERIC)) {
            sb.append(CText.inetNtop(address.getAddress()));
            sb.append(v6 ? "]:" : ":").append(port);
        } else {
            String host = names.hostName(v6 ? ServiceKey.AF_INET6 : ServiceKey.AF_INET, address.getAddress());
            sb.append(host != null ? host : CText.inetNtop(address.getAddress()));
            sb.append(v6 ? "]:" : ":");
            String service = names.serviceName(port, protocol);
            sb.append(service != null ? service : Integer.toString(port));
        }
        if (sb.length() > NAME_BUFFER_CHARS) {
            sb.setLength(NAME_BUFFER_CHARS);
        }
        return sb.toString();
    }

    private void schedFlags(VirtualServer vs) {
        int flags = vs.flags();
        StringBuilder f = new StringBuilder();
        if (vs.scheduler().equals("sh")) {
            if ((flags & SVC_F_SCHED1) != 0) {
                f.append("sh-fallback,");
            }
            if ((flags & SVC_F_SCHED2) != 0) {
                f.append("sh-port,");
            }
        } else if (vs.scheduler().equals("mh")) {
            if ((flags & SVC_F_SCHED1) != 0) {
                f.append("mh-fallback,");
            }
            if ((flags & SVC_F_SCHED2) != 0) {
                f.append("mh-port,");
            }
        } else {
            if ((flags & SVC_F_SCHED1) != 0) {
                f.append("flag-1,");
            }
            if ((flags & SVC_F_SCHED2) != 0) {
                f.append("flag-2,");
            }
            if ((flags & SVC_F_SCHED3) != 0) {
                f.append("flag-3,");
            }
        }
        if (f.length() > 0) {
            out.append(f, 0, f.length() - 1);
        }
    }

    /** print_largenum: right-aligned in 9 columns, K/M/G/T above 10^8 unless --exact. */
    void largeNum(long i) {
        if (has(Format.EXACT)) {
            String s = Long.toUnsignedString(i);
            padLeft(s, Math.max(9, s.length() + 1));
            return;
        }
        if (Long.compareUnsigned(i, 100_000_000L) < 0) {
            padLeft(Long.toUnsignedString(i), 9);
        } else if (Long.compareUnsigned(i, 1_000_000_000L) < 0) {
            padLeft(Long.toUnsignedString(Long.divideUnsigned(i, 1000L)), 8);
            out.append('K');
        } else if (Long.compareUnsigned(i, 100_000_000_000L) < 0) {
            padLeft(Long.toUnsignedString(Long.divideUnsigned(i, 1_000_000L)), 8);
            out.append('M');
        } else if (Long.compareUnsigned(i, 100_000_000_000_000L) < 0) {
            padLeft(Long.toUnsignedString(Long.divideUnsigned(i, 1_000_000_000L)), 8);
            out.append('G');
        } else {
            padLeft(Long.toUnsignedString(Long.divideUnsigned(i, 1_000_000_000_000L)), 8);
            out.append('T');
        }
    }

    private static String forwardSwitch(ForwardingMethod m) {
        switch (m) {
            case MASQ:
                return "-m";
            case TUNNEL:
                return "-i";
            default:
                return "-g"; // LOCAL and ROUTE
        }
    }

    static String protocolName(int protocol) {
        switch (protocol) {
            case 6:
                return "TCP";
            case 17:
                return "UDP";
            case 132:
                return "SCTP";
            default:
                return "?";
        }
    }

    private static String ruleSwitch(int protocol) {
        switch (protocol) {
            case 6:
                return "-t";
            case 17:
                return "-u";
            case 132:
                return "--sctp-service";
            default:
                return "--xxx-service";
        }
    }

    /** inet_ntoa of a mask held with its first byte most significant. */
    private static String dotted(int mask) {
        return ((mask >>> 24) & 0xff) + "." + ((mask >>> 16) & 0xff) + "." + ((mask >>> 8) & 0xff) + "." + (mask & 0xff);
    }

    private boolean has(int flag) {
        return (format & flag) != 0;
    }

    private void padRight(String s, int width) {
        out.append(s).spaces(width - s.length());
    }

    private void padLeft(String s, int width) {
        out.spaces(width - s.length()).append(s);
    }
}

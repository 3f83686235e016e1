package io.ipvsproxier.ipvsctl;

import io.ipvsproxier.ipvs.ServiceKey;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code -L -c}: the connection table from /proc/net/ip_vs_conn, formatted like ipvsadm's list_conn and
 * print_conn (the kernel offers connection entries only through that file).
 */
final class ConnectionListing {
    static final Path PROC_FILE = Path.of("/proc/net/ip_vs_conn");

    private ConnectionListing() {}

    static void write(Path file, AsciiOut out, int format, NameService names) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw CtlExit.fail(1, "cannot open file " + file);
        }
        if (lines.isEmpty()) {
            throw CtlExit.fail(1, "unexpected input from " + file);
        }
        boolean pe = Format.has(format, Format.PERSISTENTCONN);
        out.append("IPVS connection entries\n");
        if (pe) {
            out.append(String.format("pro expire %-11s %-18s %-18s %-18s %-16s %s\n",
                "state", "source", "virtual", "destination", "pe name", "pe_data"));
        } else {
            out.append(String.format("pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual", "destination"));
        }
        Listing names4 = new Listing(new AsciiOut(OutputStream.nullOutputStream()), format, names);
        for (int i = 1; i < lines.size(); i++) {
            entry(lines.get(i), out, pe, names4);
        }
    }

    private static void entry(String line, AsciiOut out, boolean pe, Listing format) {
        String[] f = line.trim().split("[ \t]+");
        if (f.length < 9 || f[0].isEmpty()) {
            return;
        }
        String protocol = f[0];
        int proto = protocol.equals("TCP") ? 6 : protocol.equals("UDP") ? 17 : protocol.equals("SCTP") ? 132 : 0;
        InetAddress caddr = address(f[1]);
        InetAddress vaddr = caddr.getAddress().length == 16 ? address6OrZero(f[3]) : address(f[3]);
        InetAddress daddr = address(f[5]);
        String cname = format.addrPort(caddr, hex16(f[2]), proto);
        String vname = format.addrPort(vaddr, hex16(f[4]), proto);
        String dname = format.addrPort(daddr, hex16(f[6]), proto);
        long expires = Integer.toUnsignedLong(CText.atoi(f[8]));
        String expire = String.format("%02d:%02d", expires / 60, expires % 60);
        if (pe && f.length >= 11) {
            out.append(String.format("%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s\n",
                protocol, expire, f[7], cname, vname, dname, f[9], f[10]));
        } else {
            out.append(String.format("%-3s %-6s %-11s %-18s %-18s %s\n", protocol, expire, f[7], cname, vname, dname));
        }
    }

    /** An address as the kernel writes it there: IPv6 text, or IPv4 as 8 hex digits. */
    private static InetAddress address(String text) {
        byte[] v6 = CText.inetPton6(text);
        if (v6 != null) {
            return ServiceSpec.address(ServiceKey.AF_INET6, v6);
        }
        byte[] v4 = CText.inetPton4(text);
        if (v4 == null) {
            long v = Long.parseUnsignedLong(text.length() > 8 ? text.substring(text.length() - 8) : text, 16);
            v4 = new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        byte[] a = new byte[16];
        System.arraycopy(v4, 0, a, 0, 4);
        return ServiceSpec.address(ServiceKey.AF_INET, a);
    }

    private static InetAddress address6OrZero(String text) {
        byte[] v6 = CText.inetPton6(text);
        return ServiceSpec.address(ServiceKey.AF_INET6, v6 != null ? v6 : new byte[16]);
    }

    private static int hex16(String text) {
        try {
            return Integer.parseInt(text, 16) & 0xffff;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

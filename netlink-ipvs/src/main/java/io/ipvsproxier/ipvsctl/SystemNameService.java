package io.ipvsproxier.ipvsctl;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names from the system: host names through the JDK resolver (which uses the C library's, so /etc/hosts and
 * DNS as configured) and service names from /etc/services, read the way getservbyname/getservbyport do
 * (first matching line wins; aliases count for lookups by name). Lookups are cached: a listing repeats
 * the same addresses many times.
 */
final class SystemNameService implements NameService {
    private final Path servicesFile;
    private List<ServiceLine> services;
    private final Map<String, String> hostNames = new HashMap<>();

    record ServiceLine(String name, List<String> aliases, int port, String protocol) {}

    SystemNameService() {
        this(Path.of("/etc/services"));
    }

    SystemNameService(Path servicesFile) {
        this.servicesFile = servicesFile;
    }

    @Override
    public byte[] ipv4Address(String name) {
        try {
            for (InetAddress a : InetAddress.getAllByName(name)) {
                if (a instanceof Inet4Address) {
                    return a.getAddress();
                }
            }
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
        return null;
    }

    @Override
    public int port(String name, int protocol) {
        String proto = protocolName(protocol);
        if (proto == null) {
            return -1;
        }
        for (ServiceLine s : services()) {
            if (s.protocol().equals(proto) && (s.name().equals(name) || s.aliases().contains(name))) {
                return s.port();
            }
        }
        return -1;
    }

    @Override
    public String hostName(int af, byte[] addr) {
        String key = af + "/" + java.util.Arrays.toString(addr);
        if (hostNames.containsKey(key)) {
            return hostNames.get(key);
        }
        String name = null;
        try {
            InetAddress a = ServiceSpec.address(af, addr);
            String n = a.getHostName();
            // the JDK hands back the literal when there is no name
            if (!n.equals(a.getHostAddress()) && !n.isEmpty()) {
                name = n;
            }
        } catch (RuntimeException e) {
            name = null;
        }
        hostNames.put(key, name);
        return name;
    }

    @Override
    public String serviceName(int port, int protocol) {
        String proto = protocolName(protocol);
        if (proto == null) {
            return null;
        }
        for (ServiceLine s : services()) {
            if (s.port() == port && s.protocol().equals(proto)) {
                return s.name();
            }
        }
        return null;
    }

    private static String protocolName(int protocol) {
        switch (protocol) {
            case 6:
                return "tcp";
            case 17:
                return "udp";
            case 132:
                return "sctp";
            default:
                return null;
        }
    }

    private List<ServiceLine> services() {
        if (services == null) {
            services = parseServices(servicesFile);
        }
        return services;
    }

    /** Lines of the form {@code name port/protocol [alias ...] [# comment]}; anything else is skipped. */
    static List<ServiceLine> parseServices(Path file) {
        List<ServiceLine> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (content.isEmpty()) {
                continue;
            }
            String[] fields = content.split("[ \t]+");
            if (fields.length < 2) {
                continue;
            }
            int slash = fields[1].indexOf('/');
            if (slash <= 0) {
                continue;
            }
            Long port = CText.strtolWhole(fields[1].substring(0, slash));
            if (port == null || port < 0 || port > 65535) {
                continue;
            }
            List<String> aliases = new ArrayList<>();
            for (int i = 2; i < fields.length; i++) {
                aliases.add(fields[i]);
            }
            out.add(new ServiceLine(fields[0], aliases, port.intValue(), fields[1].substring(slash + 1)));
        }
        return out;
    }
}

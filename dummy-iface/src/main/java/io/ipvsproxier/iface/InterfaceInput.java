package io.ipvsproxier.iface;

import io.ipvsproxier.ipvs.Addresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.Map;
import java.util.LinkedHashSet;

/**
 * Checks link names and addresses before they reach the kernel, so a bad value gets an error that names
 * it instead of a bare EINVAL or ERANGE. Shared by the rtnetlink implementation and the in-memory fake,
 * which therefore refuse exactly the same input.
 */
final class InterfaceInput {
    private InterfaceInput() {}

    /**
     * Throws when the kernel would refuse {@code name} as a link name (dev_valid_name in net/core/dev.c):
     * empty, longer than 15 bytes, "." or "..", or containing '/', ':' or whitespace.
     */
    static String checkLinkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InterfaceException("a link name must not be empty", 0, null);
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Rtnetlink.MAX_LINK_NAME_BYTES) {
            throw new InterfaceException("link name '" + name + "' is " + bytes + " bytes long; the kernel allows at most "
                + Rtnetlink.MAX_LINK_NAME_BYTES, 0, null);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InterfaceException("'" + name + "' is not a valid link name", 0, null);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c == 0) {
                throw new InterfaceException("link name '" + name + "' contains '" + printable(c)
                    + "'; the kernel refuses '/', ':', NUL and whitespace in link names", 0, null);
            }
        }
        return name;
    }

    /**
     * The addresses of {@code wanted} that can be bound, in order; the others go to {@code refused} with the reason
     * ({@link #addressProblem}). Null entries are dropped without an entry: there is no address to name.
     */
    static Set<InetAddress> usableAddresses(Set<InetAddress> wanted, Map<InetAddress, String> refused) {
        Set<InetAddress> usable = new LinkedHashSet<>();
        for (InetAddress address : wanted) {
            String problem = addressProblem(address);
            if (problem == null) {
                usable.add(address);
            } else if (address != null) {
                refused.put(address, problem);
            }
        }
        return usable;
    }

    /**
     * Why {@code address} cannot be bound as a /32 or /128 service address, or null when it can. The
     * unspecified address, multicast, the IPv4 limited broadcast and IPv4-mapped IPv6 addresses (which the
     * IPv6 stack would take as an IPv6 address, not as the IPv4 one they stand for) are refused.
     */
    static String addressProblem(InetAddress address) {
        if (address == null) {
            return "no address given";
        }
        String text = Addresses.text(address);
        if (address.isAnyLocalAddress()) {
            return text + " is the unspecified address, which cannot be bound to a link";
        }
        if (address.isMulticastAddress()) {
            return text + " is a multicast address; only unicast addresses can be bound to a link";
        }
        if (address instanceof Inet4Address && isLimitedBroadcast(address.getAddress())) {
            return text + " is the IPv4 limited broadcast address, which cannot be bound to a link";
        }
        if (address instanceof Inet6Address && isIpv4Mapped(address.getAddress())) {
            return text + " is an IPv4-mapped IPv6 address (wrong family): bind the IPv4 address itself";
        }
        return null;
    }

    /** Throws {@link InterfaceException} with {@link #addressProblem}'s reason. */
    static InetAddress checkAddress(InetAddress address) {
        String problem = addressProblem(address);
        if (problem != null) {
            throw new InterfaceException(problem, 0, null);
        }
        return address;
    }

    /** The prefix length service addresses are bound with: the whole address. */
    static int hostPrefixLength(InetAddress address) {
        return address instanceof Inet4Address ? 32 : 128;
    }

    /** IPv6 link-local (fe80::/10): assigned by the kernel itself when a link comes up. */
    static boolean isIpv6LinkLocal(InetAddress address) {
        return address instanceof Inet6Address && address.isLinkLocalAddress();
    }

    private static boolean isLimitedBroadcast(byte[] b) {
        return (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static String printable(char c) {
        if (c == 0) {
            return "\\0";
        }
        return Character.isWhitespace(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}

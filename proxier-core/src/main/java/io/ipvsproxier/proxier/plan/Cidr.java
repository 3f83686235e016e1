package io.ipvsproxier.proxier.plan;

import io.ipvsproxier.ipvs.Addresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv4 or IPv6 prefix such as {@code 10.0.0.0/8} or {@code fd00::/64}. The network address is stored with
 * its host bits cleared, as Go's {@code net.ParseCIDR} (and so kube-proxy) reads {@code 10.1.2.3/8} as
 * {@code 10.0.0.0/8}.
 */
public record Cidr(InetAddress network, int prefixLength) {

    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0-" + bits
                    + " for " + Addresses.text(network));
        }
        network = masked(network, prefixLength);
    }

    /**
     * Parses {@code ADDRESS/PREFIX} with a numeric address (never a DNS lookup).
     *
     * @throws IllegalArgumentException with a message naming the bad text
     */
    public static Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("CIDR must not be null");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            throw new IllegalArgumentException("expected ADDRESS/PREFIX (e.g. 10.0.0.0/8), got '" + text + "'");
        }
        InetAddress address;
        try {
            address = Addresses.parse(t.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a CIDR: '" + text + "': " + e.getMessage(), e);
        }
        String prefix = t.substring(slash + 1);
        if (!prefix.chars().allMatch(Character::isDigit) || prefix.length() > 3) {
            throw new IllegalArgumentException("not a CIDR: '" + text + "': prefix length '" + prefix + "' is not a number");
        }
        try {
            return new Cidr(address, Integer.parseInt(prefix));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a CIDR: '" + text + "': " + e.getMessage(), e);
        }
    }

    /** True when {@code address} is of this prefix's family and inside it. */
    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        return Objects.equals(masked(address, prefixLength), network);
    }

    public boolean isIpv6() {
        return network.getAddress().length == 16;
    }

    @Override
    public String toString() {
        return Addresses.text(network) + "/" + prefixLength;
    }

    private static InetAddress masked(InetAddress address, int prefixLength) {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            // getByAddress only fails for a byte array that is neither 4 nor 16 long, which getAddress() never returns.
            throw new IllegalStateException(e);
        }
    }
}

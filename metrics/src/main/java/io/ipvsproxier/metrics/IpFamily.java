package io.ipvsproxier.metrics;

import io.ipvsproxier.ipvs.ServiceKey;

/** An IP family as kube-proxy spells it in its {@code ip_family} metric label ({@code IPv4}, {@code IPv6}). */
public enum IpFamily {
    IPV4("IPv4", ServiceKey.AF_INET),
    IPV6("IPv6", ServiceKey.AF_INET6);

    private final String label;
    private final int addressFamily;

    IpFamily(String label, int addressFamily) {
        this.label = label;
        this.addressFamily = addressFamily;
    }

    /** The label value: {@code IPv4} or {@code IPv6} (Kubernetes' {@code v1.IPFamily}). */
    public String label() {
        return label;
    }

    /** AF_INET (2) or AF_INET6 (10). */
    public int addressFamily() {
        return addressFamily;
    }

    /** The family of AF_INET (2) or AF_INET6 (10). */
    public static IpFamily ofAddressFamily(int af) {
        for (IpFamily f : values()) {
            if (f.addressFamily == af) {
                return f;
            }
        }
        throw new IllegalArgumentException("not AF_INET or AF_INET6: " + af);
    }

    public static IpFamily of(ServiceKey key) {
        return ofAddressFamily(key.family());
    }
}

package io.ipvsproxier.proxier.plan;

import io.ipvsproxier.ipvs.Addresses;
import io.ipvsproxier.ipvs.ServiceKey;
import java.net.Inet6Address;
import java.net.InetAddress;

/** Numeric IP text from the API, read without ever throwing or resolving names. */
final class IpLiterals {
    private IpLiterals() {}

    /** The address, or null when {@code text} is not a plain numeric IPv4/IPv6 literal. */
    static InetAddress parse(String text) {
        if (text == null || text.isBlank() || text.startsWith("[")) {
            return null;
        }
        try {
            InetAddress ip = Addresses.parse(text.trim());
            // Kubernetes never hands out zoned addresses; a scope id cannot be expressed in IPVS either.
            if (ip instanceof Inet6Address v6 && (v6.getScopeId() != 0 || v6.getScopedInterface() != null)) {
                return null;
            }
            return ip;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code IPv4} or {@code IPv6}: the spelling of Service.spec.ipFamilies and EndpointSlice.addressType. */
    static String familyName(int family) {
        return family == ServiceKey.AF_INET6 ? "IPv6" : "IPv4";
    }

    /** AF_INET / AF_INET6 for an API family name, or 0 for anything else (FQDN, typos). */
    static int familyOf(String apiName) {
        if ("IPv4".equals(apiName)) {
            return ServiceKey.AF_INET;
        }
        if ("IPv6".equals(apiName)) {
            return ServiceKey.AF_INET6;
        }
        return 0;
    }
}

package io.ipvsproxier.ipvsctl;

import io.ipvsproxier.ipvs.DestinationEntry;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.ServiceState;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * libipvs' ipvs_cmp_services and ipvs_cmp_dests, including their C arithmetic: unsigned 32-bit differences
 * stored in an int, so the sign wraps for values more than 2^31 apart.
 */
final class IpvsadmOrder {
    private IpvsadmOrder() {}

    /** The fields ipvs_cmp_services reads, precomputed once per service. */
    record ServiceRow(ServiceState state, int fwmark, int af, int protocol, int[] words, int port) {
        static ServiceRow of(ServiceState s) {
            ServiceKey k = s.service().key();
            int protocol = k.isFwmark() ? 0 : k.protocol().number();
            int[] words = k.isFwmark() ? new int[4] : addressWords(k.address());
            return new ServiceRow(s, k.fwmark(), k.family(), protocol, words, k.port());
        }
    }

    /** The fields ipvs_cmp_dests reads. */
    record DestRow(DestinationEntry entry, int af, int[] words, int port) {
        static DestRow of(DestinationEntry d) {
            InetAddress a = d.server().address();
            return new DestRow(d, a instanceof Inet6Address ? ServiceKey.AF_INET6 : ServiceKey.AF_INET, addressWords(a),
                d.server().port());
        }
    }

    static int compareServices(ServiceRow s1, ServiceRow s2) {
        int r = s1.fwmark() - s2.fwmark();
        if (r != 0) {
            return r;
        }
        r = s1.af() - s2.af();
        if (r != 0) {
            return r;
        }
        r = s1.protocol() - s2.protocol();
        if (r != 0) {
            return r;
        }
        r = compareWords(s1.af(), s1.words(), s2.words());
        if (r != 0) {
            return r;
        }
        return s1.port() - s2.port();
    }

    static int compareDests(DestRow d1, DestRow d2) {
        // libipvs looks only at the first entry's family to decide how much address to compare
        int r = compareWords(d1.af(), d1.words(), d2.words());
        if (r != 0) {
            return r;
        }
        return d1.port() - d2.port();
    }

    private static int compareWords(int af, int[] w1, int[] w2) {
        if (af == ServiceKey.AF_INET6) {
            int r = 0;
            for (int i = 0; r == 0 && i < 4; i++) {
                r = w1[i] - w2[i];
            }
            return r;
        }
        return w1[0] - w2[0];
    }

    /** The address as the kernel's 16-byte union, read as four big-endian 32-bit words. */
    static int[] addressWords(InetAddress a) {
        byte[] b = a.getAddress();
        int[] w = new int[4];
        for (int i = 0; i < b.length; i++) {
            w[i / 4] |= (b[i] & 0xff) << (24 - 8 * (i % 4));
        }
        return w;
    }
}

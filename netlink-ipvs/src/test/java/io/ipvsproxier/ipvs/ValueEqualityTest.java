package io.ipvsproxier.ipvs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written equals/hashCode of the hot value records: every component counts, and nothing else. */
class ValueEqualityTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static void assertValueSemantics(Object value, Object equalCopy, List<?> eachDifferingInOneComponent) {
        assertThat(value).isEqualTo(equalCopy).isNotSameAs(equalCopy);
        assertThat(value.hashCode()).isEqualTo(equalCopy.hashCode());
        assertThat(value).isNotEqualTo(null).isNotEqualTo("a string");
        for (Object other : eachDifferingInOneComponent) {
            assertThat(value).as("differs from %s", other).isNotEqualTo(other);
            assertThat(other).as("differs from %s", value).isNotEqualTo(value);
        }
    }

    @Test
    void serviceKey() throws Exception {
        ServiceKey k = ServiceKey.of(Protocol.TCP, ip("10.0.0.1"), 80);
        assertValueSemantics(k, ServiceKey.of(Protocol.TCP, ip("10.0.0.1"), 80), List.of(
            ServiceKey.of(Protocol.UDP, ip("10.0.0.1"), 80),
            ServiceKey.of(Protocol.TCP, ip("10.0.0.2"), 80),
            ServiceKey.of(Protocol.TCP, ip("10.0.0.1"), 81),
            ServiceKey.of(Protocol.TCP, ip("::ffff:10.0.0.2"), 80)));
        assertValueSemantics(ServiceKey.ofFwmark(ServiceKey.AF_INET, 7), ServiceKey.ofFwmark(ServiceKey.AF_INET, 7), List.of(
            ServiceKey.ofFwmark(ServiceKey.AF_INET6, 7), ServiceKey.ofFwmark(ServiceKey.AF_INET, 8)));
        assertValueSemantics(ServiceKey.of(Protocol.SCTP, ip("fd00::1"), 80), ServiceKey.of(Protocol.SCTP, ip("fd00::1"), 80),
            List.of(ServiceKey.of(Protocol.SCTP, ip("fd00::2"), 80)));
    }

    @Test
    void virtualServer() throws Exception {
        ServiceKey k = ServiceKey.of(Protocol.TCP, ip("10.0.0.1"), 80);
        VirtualServer v = new VirtualServer(k, "rr", 1, 10800, 0xffffffff, "sip");
        assertValueSemantics(v, new VirtualServer(k, "rr", 1, 10800, 0xffffffff, "sip"), List.of(
            new VirtualServer(ServiceKey.of(Protocol.TCP, ip("10.0.0.1"), 81), "rr", 1, 10800, 0xffffffff, "sip"),
            new VirtualServer(k, "sh", 1, 10800, 0xffffffff, "sip"),
            new VirtualServer(k, "rr", 0, 10800, 0xffffffff, "sip"),
            new VirtualServer(k, "rr", 1, 10801, 0xffffffff, "sip"),
            new VirtualServer(k, "rr", 1, 10800, 0xffffff00, "sip"),
            new VirtualServer(k, "rr", 1, 10800, 0xffffffff, null)));
    }

    @Test
    void realServerAndEndpoint() throws Exception {
        RealServer r = new RealServer(ip("10.1.0.1"), 8080, 1, ForwardingMethod.MASQ, 10, 5);
        assertValueSemantics(r, new RealServer(ip("10.1.0.1"), 8080, 1, ForwardingMethod.MASQ, 10, 5), List.of(
            new RealServer(ip("10.1.0.2"), 8080, 1, ForwardingMethod.MASQ, 10, 5),
            new RealServer(ip("10.1.0.1"), 8081, 1, ForwardingMethod.MASQ, 10, 5),
            new RealServer(ip("10.1.0.1"), 8080, 0, ForwardingMethod.MASQ, 10, 5),
            new RealServer(ip("10.1.0.1"), 8080, 1, ForwardingMethod.TUNNEL, 10, 5),
            new RealServer(ip("10.1.0.1"), 8080, 1, ForwardingMethod.MASQ, 11, 5),
            new RealServer(ip("10.1.0.1"), 8080, 1, ForwardingMethod.MASQ, 10, 6)));
        assertValueSemantics(r.endpoint(), new RealServer.Endpoint(ip("10.1.0.1"), 8080), List.of(
            new RealServer.Endpoint(ip("10.1.0.2"), 8080), new RealServer.Endpoint(ip("10.1.0.1"), 8081)));
        assertThat(r.endpoint()).isEqualTo(r.withWeight(0).endpoint());
    }
}

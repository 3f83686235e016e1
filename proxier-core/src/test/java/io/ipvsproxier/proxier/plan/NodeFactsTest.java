package io.ipvsproxier.proxier.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.iface.NodeAddress;
import io.ipvsproxier.ipvs.Addresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeFactsTest {

    private static final List<NodeAddress> NODE = List.of(
            address("127.0.0.1", "lo", NodeAddress.SCOPE_HOST),
            address("::1", "lo", NodeAddress.SCOPE_HOST),
            address("192.168.1.10", "eth0", NodeAddress.SCOPE_UNIVERSE),
            address("2001:db8::10", "eth0", NodeAddress.SCOPE_UNIVERSE),
            address("fe80::1", "eth0", NodeAddress.SCOPE_LINK),
            address("169.254.3.3", "eth1", NodeAddress.SCOPE_LINK),
            address("10.244.0.1", "cni0", NodeAddress.SCOPE_UNIVERSE),
            address("172.17.0.1", "docker0", NodeAddress.SCOPE_UNIVERSE),
            address("10.96.0.10", "kube-ipvs0", NodeAddress.SCOPE_UNIVERSE),
            address("fd00:10::10", "kube-ipvs0", NodeAddress.SCOPE_UNIVERSE),
            address("192.168.1.10", "br0", NodeAddress.SCOPE_UNIVERSE));

    private static NodeAddress address(String ip, String link, int scope) {
        return new NodeAddress(Addresses.parse(ip), ip.contains(":") ? 64 : 24, link.hashCode(), link, scope, 0);
    }

    private static List<String> texts(List<InetAddress> addresses) {
        return addresses.stream().map(Addresses::text).toList();
    }

    @Test
    void withoutCidrsEveryAddressButLoopbackIpv6LinkLocalAndTheDummyLink() {
        List<InetAddress> chosen = NodeFacts.nodePortAddresses(NODE, List.of(), "kube-ipvs0");

        // IPv4 link-local stays: kube-proxy's isValidForSet only drops IPv6 link-local.
        assertThat(texts(chosen)).containsExactly("10.244.0.1", "169.254.3.3", "172.17.0.1", "192.168.1.10", "2001:db8::10");
    }

    @Test
    void cidrsKeepOnlyMatchingAddressesAndStillNeverTheDummyLinkOrLoopback() {
        List<Cidr> cidrs = List.of(Cidr.parse("192.168.0.0/16"), Cidr.parse("10.0.0.0/8"), Cidr.parse("127.0.0.0/8"),
                Cidr.parse("2001:db8::/32"), Cidr.parse("fe80::/10"));

        List<InetAddress> chosen = NodeFacts.nodePortAddresses(NODE, cidrs, "kube-ipvs0");

        assertThat(texts(chosen)).containsExactly("10.244.0.1", "192.168.1.10", "2001:db8::10");
    }

    @Test
    void cidrsOfOneFamilyLeaveTheOtherFamilyOut() {
        assertThat(texts(NodeFacts.nodePortAddresses(NODE, List.of(Cidr.parse("::/0")), "kube-ipvs0")))
                .containsExactly("2001:db8::10");
    }

    @Test
    void nodeFactsCopyTheirAddressesAndToleratesNoName() {
        List<InetAddress> addresses = new ArrayList<>(List.of(Addresses.parse("192.168.1.10")));
        NodeFacts facts = new NodeFacts(null, addresses);
        addresses.clear();

        assertThat(facts.nodeName()).isEmpty();
        assertThat(texts(facts.nodePortAddresses())).containsExactly("192.168.1.10");
    }
}

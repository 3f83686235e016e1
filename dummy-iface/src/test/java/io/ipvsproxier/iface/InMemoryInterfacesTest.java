package io.ipvsproxier.iface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ipvsproxier.netlink.Errno;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InMemoryInterfacesTest {
    private final InMemoryInterfaces ifaces = new InMemoryInterfaces();
    private final List<AddressEvent> events = new ArrayList<>();

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void ensuresADummyLinkOnceAndDeletesIt() {
        Link created = ifaces.ensureDummyLink("kube-ipvs0");

        assertThat(created.kind()).isEqualTo("dummy");
        assertThat(created.isUp()).isFalse();
        assertThat(ifaces.ensureDummyLink("kube-ipvs0")).isEqualTo(created);
        assertThat(ifaces.link("kube-ipvs0")).contains(created);

        ifaces.deleteLink("kube-ipvs0");
        ifaces.deleteLink("kube-ipvs0");
        assertThat(ifaces.link("kube-ipvs0")).isEmpty();
    }

    @Test
    void refusesALinkOfAnotherKindAndAMissingDriver() {
        ifaces.addLink("eth0", null, Link.IFF_UP);
        assertThatThrownBy(() -> ifaces.ensureDummyLink("eth0"))
            .isInstanceOf(InterfaceException.class).hasMessageContaining("not dummy");

        ifaces.setDummyDriverAvailable(false);
        assertThatThrownBy(() -> ifaces.ensureDummyLink("kube-ipvs0"))
            .isInstanceOf(InterfaceException.class)
            .hasMessageContaining("no 'dummy' link type").hasMessageContaining("CONFIG_DUMMY")
            .extracting(e -> ((InterfaceException) e).errno()).isEqualTo(Errno.EOPNOTSUPP);
    }

    @Test
    void addsAndRemovesAddressesIdempotentlyWithEvents() throws Exception {
        ifaces.ensureDummyLink("kube-ipvs0");
        ifaces.watchAddresses(events::add);

        ifaces.addAddress("kube-ipvs0", ip("10.96.0.10"));
        ifaces.addAddress("kube-ipvs0", ip("10.96.0.10"));
        ifaces.addAddress("kube-ipvs0", ip("fd00::10"));
        ifaces.removeAddress("kube-ipvs0", ip("10.96.0.99"));

        assertThat(ifaces.addresses("kube-ipvs0")).containsExactly(ip("10.96.0.10"), ip("fd00::10"));
        assertThat(events).extracting(AddressEvent::kind).containsExactly(AddressEvent.Kind.ADDED, AddressEvent.Kind.ADDED);
        assertThat(events.get(1).address()).isEqualTo(new NodeAddress(ip("fd00::10"), 128, 1, "kube-ipvs0", 0, 0x82));

        ifaces.removeAddress("kube-ipvs0", ip("10.96.0.10"));
        assertThat(ifaces.addresses("kube-ipvs0")).containsExactly(ip("fd00::10"));
        assertThat(events.get(2).kind()).isEqualTo(AddressEvent.Kind.REMOVED);
    }

    @Test
    void syncsToTheWantedSetAndReportsRefusals() {
        ifaces.ensureDummyLink("kube-ipvs0");
        ifaces.addAddress("kube-ipvs0", ip("10.96.0.1"));
        ifaces.addAddress("kube-ipvs0", ip("10.96.0.2"));
        ifaces.assignAddress("kube-ipvs0", ip("fe80::1"), 64, NodeAddress.SCOPE_LINK);
        ifaces.refuseAddress(ip("fd00::3"), "EACCES: IPv6 is disabled on this link");

        AddressSyncResult result = ifaces.syncAddresses("kube-ipvs0",
            Set.of(ip("10.96.0.2"), ip("10.96.0.3"), ip("fd00::3"), ip("224.0.0.1")));

        assertThat(result.added()).containsExactly(ip("10.96.0.3"));
        assertThat(result.removed()).containsExactly(ip("10.96.0.1"));
        assertThat(result.failed()).containsOnlyKeys(ip("fd00::3"), ip("224.0.0.1"));
        assertThat(result.failed().get(ip("224.0.0.1"))).contains("multicast");
        assertThat(result.ok()).isFalse();
        // link-local addresses the kernel assigns itself are left alone
        assertThat(ifaces.addresses("kube-ipvs0")).containsExactlyInAnyOrder(ip("10.96.0.2"), ip("10.96.0.3"), ip("fe80::1"));
        assertThat(ifaces.syncCount()).isEqualTo(1);
    }

    @Test
    void refusesUnknownLinksAndBadAddresses() {
        assertThatThrownBy(() -> ifaces.addresses("kube-ipvs0")).hasMessage("no link named kube-ipvs0");
        assertThatThrownBy(() -> ifaces.syncAddresses("kube-ipvs0", Set.of())).hasMessage("no link named kube-ipvs0");
        ifaces.ensureDummyLink("kube-ipvs0");
        assertThatThrownBy(() -> ifaces.addAddress("kube-ipvs0", ip("ff02::1"))).hasMessageContaining("multicast");
        ifaces.refuseAddress(ip("10.1.1.1"), "EINVAL: no");
        assertThatThrownBy(() -> ifaces.addAddress("kube-ipvs0", ip("10.1.1.1"))).hasMessageContaining("EINVAL: no");
    }

    @Test
    void discoversScriptedNodeAddressesOfEveryLink() throws Exception {
        ifaces.addLink("lo", null, Link.IFF_UP | Link.IFF_LOOPBACK);
        ifaces.assignAddress("lo", ip("127.0.0.1"), 8, NodeAddress.SCOPE_HOST);
        Link eth0 = ifaces.addLink("eth0", null, Link.IFF_UP);
        ifaces.assignAddress("eth0", ip("192.168.1.10"), 24, NodeAddress.SCOPE_UNIVERSE);
        ifaces.ensureDummyLink("kube-ipvs0");
        ifaces.addAddress("kube-ipvs0", ip("10.96.0.10"));

        List<NodeAddress> all = ifaces.nodeAddresses();

        assertThat(all).extracting(NodeAddress::linkName).containsExactly("lo", "eth0", "kube-ipvs0");
        assertThat(all.get(1)).isEqualTo(new NodeAddress(ip("192.168.1.10"), 24, eth0.index(), "eth0", 0, 0x80));
        assertThat(all.get(0).isLoopback()).isTrue();
        assertThat(ifaces.nodeAddressesCount()).isEqualTo(1);
        assertThatThrownBy(() -> ifaces.assignAddress("eth0", ip("10.0.0.1"), 33, 0)).hasMessageContaining("out of range");
    }

    @Test
    void stopsDeliveringEventsOnceTheWatchIsClosed() throws Exception {
        ifaces.ensureDummyLink("kube-ipvs0");
        AutoCloseable watch = ifaces.watchAddresses(events::add);
        ifaces.addAddress("kube-ipvs0", ip("10.96.0.1"));
        watch.close();
        ifaces.addAddress("kube-ipvs0", ip("10.96.0.2"));

        assertThat(events).hasSize(1);
        assertThat(ifaces.watcherCount()).isZero();
    }

    @Test
    void deletingALinkRemovesItsAddressesWithEvents() {
        ifaces.ensureDummyLink("kube-ipvs0");
        ifaces.addAddress("kube-ipvs0", ip("10.96.0.1"));
        ifaces.watchAddresses(events::add);

        ifaces.deleteLink("kube-ipvs0");

        assertThat(events).singleElement().extracting(AddressEvent::kind).isEqualTo(AddressEvent.Kind.REMOVED);
        assertThat(ifaces.nodeAddresses()).isEmpty();
    }

    @Test
    void skipsEventsOfIgnoredLinks() throws Exception {
        ifaces.ensureDummyLink("kube-ipvs0");
        ifaces.ensureDummyLink("other0");
        AutoCloseable watch = ifaces.watchAddresses(events::add, java.util.Set.of("kube-ipvs0"));
        ifaces.addAddress("kube-ipvs0", ip("10.96.0.1"));
        ifaces.addAddress("other0", ip("10.96.0.2"));
        watch.close();

        assertThat(events).singleElement().satisfies(e -> assertThat(e.address().linkName()).isEqualTo("other0"));
    }
}

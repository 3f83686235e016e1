package io.ipvsproxier.iface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class InterfaceInputTest {

    @Test
    void acceptsNamesTheKernelAccepts() {
        assertThat(InterfaceInput.checkLinkName("kube-ipvs0")).isEqualTo("kube-ipvs0");
        assertThat(InterfaceInput.checkLinkName("a23456789012345")).hasSize(15);
    }

    @Test
    void refusesNamesTheKernelRefuses() {
        assertThatThrownBy(() -> InterfaceInput.checkLinkName("a234567890123456"))
            .isInstanceOf(InterfaceException.class).hasMessageContaining("16 bytes long").hasMessageContaining("at most 15");
        assertThatThrownBy(() -> InterfaceInput.checkLinkName("")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> InterfaceInput.checkLinkName(null)).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> InterfaceInput.checkLinkName("..")).hasMessageContaining("not a valid link name");
        assertThatThrownBy(() -> InterfaceInput.checkLinkName("eth0:1")).hasMessageContaining("contains ':'");
        assertThatThrownBy(() -> InterfaceInput.checkLinkName("a/b")).hasMessageContaining("contains '/'");
        assertThatThrownBy(() -> InterfaceInput.checkLinkName("a b")).hasMessageContaining("whitespace");
    }

    @Test
    void acceptsUnicastAddressesOfBothFamilies() throws Exception {
        assertThat(InterfaceInput.addressProblem(InetAddress.getByName("10.96.0.10"))).isNull();
        assertThat(InterfaceInput.addressProblem(InetAddress.getByName("fd00::10"))).isNull();
        assertThat(InterfaceInput.addressProblem(InetAddress.getByName("fe80::1"))).isNull();
    }

    @Test
    void refusesAddressesThatCannotBeBound() throws Exception {
        assertThat(InterfaceInput.addressProblem(null)).isEqualTo("no address given");
        assertThat(InterfaceInput.addressProblem(InetAddress.getByName("0.0.0.0"))).contains("unspecified");
        assertThat(InterfaceInput.addressProblem(InetAddress.getByName("::"))).contains("unspecified");
        assertThat(InterfaceInput.addressProblem(InetAddress.getByName("224.0.0.1"))).isEqualTo(
            "224.0.0.1 is a multicast address; only unicast addresses can be bound to a link");
        assertThat(InterfaceInput.addressProblem(InetAddress.getByName("ff02::1"))).contains("multicast");
        assertThat(InterfaceInput.addressProblem(InetAddress.getByName("255.255.255.255"))).contains("limited broadcast");
    }

    @Test
    void refusesIpv4MappedIpv6AsTheWrongFamily() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 96, 0, 10};
        InetAddress address = Inet6Address.getByAddress(null, mapped, -1);

        assertThat(InterfaceInput.addressProblem(address)).contains("IPv4-mapped IPv6 address (wrong family)");
        assertThatThrownBy(() -> InterfaceInput.checkAddress(address))
            .isInstanceOf(InterfaceException.class).hasMessageContaining("bind the IPv4 address itself");
    }

    @Test
    void bindsWholeAddresses() throws Exception {
        assertThat(InterfaceInput.hostPrefixLength(InetAddress.getByName("10.0.0.1"))).isEqualTo(32);
        assertThat(InterfaceInput.hostPrefixLength(InetAddress.getByName("fd00::1"))).isEqualTo(128);
        assertThat(InterfaceInput.isIpv6LinkLocal(InetAddress.getByName("fe80::1"))).isTrue();
        assertThat(InterfaceInput.isIpv6LinkLocal(InetAddress.getByName("169.254.0.1"))).isFalse();
    }
}

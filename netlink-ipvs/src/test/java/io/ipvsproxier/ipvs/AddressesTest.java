package io.ipvsproxier.ipvs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressesTest {
    @Test
    void parsesDottedQuadsTheGeneralWayWouldAndRefusesAnythingElse() throws Exception {
        for (String ok : new String[] {"0.0.0.0", "10.96.0.1", "255.255.255.255", "192.168.1.10", "1.2.3.4"}) {
            InetAddress a = Addresses.parse(ok);
            assertThat(a).isInstanceOf(Inet4Address.class).isEqualTo(InetAddress.getByName(ok));
            assertThat(a.getHostAddress()).isEqualTo(ok);
        }
        assertThat(Addresses.parse("010.1.1.1")).isEqualTo(InetAddress.getByName("010.1.1.1"));
        for (String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "1.2.3.4.", ".1.2.3", "256.1.1.1", "1..2.3", "1.2.3.a",
            "1.2.3.1000", "example.com", "1.2.3.4 ", "-1.2.3.4"}) {
            assertThatThrownBy(() -> Addresses.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void parsesIpv6InOrOutOfBrackets() {
        assertThat(Addresses.parse("fd00::1")).isInstanceOf(Inet6Address.class);
        assertThat(Addresses.parse("[fd00::1]")).isEqualTo(Addresses.parse("fd00::1"));
        assertThat(Addresses.parse("::ffff:10.0.0.1")).isInstanceOf(Inet4Address.class);
        assertThatThrownBy(() -> Addresses.parse("fd00::g")).isInstanceOf(IllegalArgumentException.class);
    }
}

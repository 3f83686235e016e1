package io.ipvsproxier.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class BindAddressTest {
    @Test
    void parsesIpv4AndIpv6() {
        InetSocketAddress a = BindAddress.parse("127.0.0.1:10249");
        assertThat(a.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(a.getPort()).isEqualTo(10249);
        InetSocketAddress b = BindAddress.parse("[::]:10256");
        assertThat(b.getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:0");
        assertThat(b.getPort()).isEqualTo(10256);
        assertThat(BindAddress.parse("0.0.0.0:0").getPort()).isZero();
    }

    @Test
    void rejectsWhatIsNotIpColonPort() {
        for (String bad : new String[] {"10249", "localhost:10249", "127.0.0.1:", ":10249", "::1:10249", "127.0.0.1:70000", "127.0.0.1:http"}) {
            assertThatThrownBy(() -> BindAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

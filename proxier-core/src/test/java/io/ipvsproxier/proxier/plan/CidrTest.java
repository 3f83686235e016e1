package io.ipvsproxier.proxier.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ipvsproxier.ipvs.Addresses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "10.0.0.0/8,      10.255.1.2,     true",
            "10.0.0.0/8,      11.0.0.1,       false",
            "192.168.1.0/24,  192.168.1.255,  true",
            "192.168.1.0/24,  192.168.2.1,    false",
            "192.168.1.7/32,  192.168.1.7,    true",
            "192.168.1.7/32,  192.168.1.8,    false",
            "0.0.0.0/0,       203.0.113.9,    true",
            "0.0.0.0/0,       2001:db8::1,    false",
            "fd00::/64,       fd00::1:2,      true",
            "fd00::/64,       fd00:0:0:1::1,  false",
            "::/0,            2001:db8::1,    true",
            "::/0,            10.0.0.1,       false",
            "2001:db8::/33,   2001:db8:7fff::1, true",
            "2001:db8::/33,   2001:db8:8000::1, false",
    })
    void containsAddressesInsideThePrefixOfItsFamilyOnly(String cidr, String address, boolean expected) {
        assertThat(Cidr.parse(cidr).contains(Addresses.parse(address))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "10.1.2.3/8,     10.0.0.0/8",
            " 10.0.0.0/8 ,   10.0.0.0/8",
            "192.168.1.77/26, 192.168.1.64/26",
            "fd00::abcd/64,  fd00::/64",
            "2001:DB8::1/128, 2001:db8::1/128",
    })
    void hostBitsAreClearedLikeGoParseCidr(String text, String normalized) {
        Cidr cidr = Cidr.parse(text);

        assertThat(cidr).hasToString(normalized);
        assertThat(cidr).isEqualTo(Cidr.parse(normalized));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0", "10.0.0.0/", "/8", "10.0.0.0/33", "fd00::/129", "10.0.0.0/-1", "10.0.0.0/x",
            "10.0.0.300/8", "example.com/8", "10.0.0.0/8/9"})
    void malformedTextIsAnIllegalArgumentNamingIt(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "fd00::/8"})
    void familyIsKnown(String text) {
        assertThat(Cidr.parse(text).isIpv6()).isEqualTo(text.contains(":"));
    }
}

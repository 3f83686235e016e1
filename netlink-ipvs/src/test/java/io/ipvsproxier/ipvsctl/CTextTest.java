package io.ipvsproxier.ipvsctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The C conversions ipvsadm relies on; expected values are what glibc 2.36 returns for the same text. */
class CTextTest {

    @ParameterizedTest(name = "inet_aton({0}) = {1}")
    @CsvSource(delimiter = '|', value = {
        "1.2.3.4|0x01020304", "10.1|0x0a000001", "10|0x0000000a", "0x0a000006|0x0a000006", "012.0.0.7|0x0a000007",
        "08.1.1.1|null", "1.2.3.256|null", "'1.2.3.4 junk'|0x01020304", "' 1.2.3.4'|null", "1.2.3.4.5|null",
        "255.255.255.255|0xffffffff", "4294967295|0xffffffff", "4294967296|null", "0x|null", "0xg|null", "1..2|null",
        "1.2.3.|null", ".1.2.3|null", "1.0x10.3.4|0x01100304", "0377.0377.0377.0377|0xffffffff", "1.2.65535|0x0102ffff",
        "1.2.65536|null", "1.16777215|0x01ffffff", "1.16777216|null", "''|null", "a.b.c.d|null", "1.2.3.04|0x01020304",
        "00000000001.2.3.4|0x01020304", "0x00000000ff.1.1.1|0xff010101"})
    void inetAtonAcceptsWhatGlibcAccepts(String text, String expected) {
        Integer v = CText.inetAton(text);
        assertThat(v == null ? "null" : String.format("0x%08x", v)).isEqualTo(expected);
        assertThat(CText.inetAtonBits(text)).isEqualTo(v == null ? -1 : Integer.toUnsignedLong(v));
    }

    @ParameterizedTest(name = "inet_pton6({0}) = {1}")
    @CsvSource(delimiter = '|', value = {
        "::1|00000000000000000000000000000001", "::|00000000000000000000000000000000",
        "fe80::1:80|fe800000000000000000000000010080", "1:2:3:4:5:6:7:8|00010002000300040005000600070008",
        "1:2:3:4:5:6:7:8:9|null", "1::2::3|null", "::ffff:1.2.3.4|00000000000000000000ffff01020304",
        "::1.2.3.4|00000000000000000000000001020304", "1:2:3:4:5:6:1.2.3.4|00010002000300040005000601020304",
        "1:2:3:4:5:6:7:1.2.3.4|null", ":1|null", "1:|null", "1::|00010000000000000000000000000000", "12345::|null",
        "::01.2.3.4|null", "::1.2.3|null", "g::|null", "1:2:3:4:5:6:7::|00010002000300040005000600070000",
        "::1:2:3:4:5:6:7|00000001000200030004000500060007", "[::1]|null", "1.2.3.4|null",
        "ffff::ffff:ffff:ffff:ffff:ffff:ffff|ffff0000ffffffffffffffffffffffff"})
    void inetPton6AcceptsWhatGlibcAccepts(String text, String expected) {
        byte[] b = CText.inetPton6(text);
        assertThat(b == null ? "null" : HexFormat.of().formatHex(b)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "string_to_number({0}, 0, 65535) = {1}")
    @CsvSource(delimiter = '|', value = {"80|80", "' 80'|80", "+80|80", "-0|0", "0|0", "65535|65535", "65536|-1",
        "-1|-1", "1x|-1", "''|-1", "' '|-1", "'80 '|-1", "99999999999999999999|-1", "0x10|-1", "010|10"})
    void stringToNumberIsStrtolOverTheWholeText(String text, int expected) {
        assertThat(CText.stringToNumber(text, 0, 65535)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "atoi({0}) = {1}")
    @CsvSource(delimiter = '|', value = {"64|64", "64abc|64", "abc|0", "' -5'|-5", "+7|7", "''|0",
        "10000000000|1410065408", "99999999999999999999|-1", "-99999999999999999999|0"})
    void atoiStopsAtTheFirstNonDigit(String text, int expected) {
        assertThat(CText.atoi(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "inet_pton4({0})")
    @CsvSource(delimiter = '|', value = {"224.0.0.81|e0000051", "01.2.3.4|null", "1.2.3|null", "256.1.1.1|null",
        "1.2.3.4|01020304"})
    void inetPton4IsStrictDottedQuad(String text, String expected) {
        byte[] b = CText.inetPton4(text);
        assertThat(b == null ? "null" : HexFormat.of().formatHex(b)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "inet_ntop({0}) = {1}")
    @CsvSource(delimiter = '|', value = {
        "00000000000000000000000000000001|::1", "00000000000000000000000000000000|::",
        "fe800000000000000000000000010080|fe80::1:80", "00000000000000000000ffff01020304|::ffff:1.2.3.4",
        "00000000000000000000000001020304|::1.2.3.4", "00000000000000000000000000000101|::101",
        "00000000000000000000000000000002|::2", "00010000000000000000000000000000|1::",
        "00010000000000010000000000000001|1:0:0:1::1", "00010000000000020000000000010001|1::2:0:0:1:1",
        "00000000000000000000ffff00000001|::ffff:0.0.0.1", "00000000000000000000000100000000|::1:0:0",
        "fd000000000000000000000000000001|fd00::1", "00010002000300040005000600070008|1:2:3:4:5:6:7:8",
        "00010000000300040005000600070008|1:0:3:4:5:6:7:8", "0a000001|10.0.0.1"})
    void inetNtopWritesWhatGlibcWrites(String hex, String expected) {
        assertThat(CText.inetNtop(HexFormat.of().parseHex(hex))).isEqualTo(expected);
    }
}

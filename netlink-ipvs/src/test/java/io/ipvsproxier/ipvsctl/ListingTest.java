package io.ipvsproxier.ipvsctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.ipvs.DestinationEntry;
import io.ipvsproxier.ipvs.ForwardingMethod;
import io.ipvsproxier.ipvs.IpvsInfo;
import io.ipvsproxier.ipvs.IpvsStats;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceEntry;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.ServiceState;
import io.ipvsproxier.ipvs.VirtualServer;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ipvsadm 1.31's listing formats, number formatting, column widths and sort order. */
class ListingTest {
    private static final IpvsInfo INFO = new IpvsInfo(0x010201, 4096);

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ServiceState service(String proto, String addr, int port, String sched, RealServer... servers) {
        ServiceKey key = ServiceKey.of(Protocol.valueOf(proto), ip(addr), port);
        return state(VirtualServer.of(key, sched), IpvsStats.ZERO, servers);
    }

    static ServiceState state(VirtualServer vs, IpvsStats stats, RealServer... servers) {
        List<DestinationEntry> d = new ArrayList<>();
        for (RealServer rs : servers) {
            d.add(new DestinationEntry(rs, 0, 0, 0, IpvsStats.ZERO));
        }
        return new ServiceState(new ServiceEntry(vs, stats), d);
    }

    static RealServer masq(String addr, int port, int weight) {
        return RealServer.masq(ip(addr), port, weight);
    }

    /** Collects what a listing writes. */
    private static final class Captured {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AsciiOut out = new AsciiOut(bytes, 16); // a small buffer, so that draining is exercised too

        @Override
        public String toString() {
            out.flush();
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String list(int format, List<ServiceState> table) {
        Captured c = new Captured();
        new Listing(c.out, format, new FakeNames()).all(INFO, table);
        return c.toString();
    }

    @ParameterizedTest(name = "print_largenum({0}) = [{1}]")
    @CsvSource(delimiter = '|', value = {
        "0|'        0'", "99999999|' 99999999'", "100000000|'  100000K'", "999999999|'  999999K'", "1000000000|'    1000M'",
        "99999999999|'   99999M'", "100000000000|'     100G'", "99999999999999|'   99999G'", "100000000000000|'     100T'",
        "-1|'18446744T'"})
    void largeNumbersGetSuffixes(long value, String expected) {
        Captured c = new Captured();
        new Listing(c.out, Format.NUMERIC, new FakeNames()).largeNum(value);
        assertThat(c.toString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "print_largenum --exact ({0}) = [{1}]")
    @CsvSource(delimiter = '|', value = {"0|'        0'", "12345678|' 12345678'", "123456789|' 123456789'",
        "123456789012|' 123456789012'", "-1|' 18446744073709551615'"})
    void exactNumbersAreFullAndOneColumnApart(long value, String expected) {
        Captured c = new Captured();
        new Listing(c.out, Format.NUMERIC | Format.EXACT, new FakeNames()).largeNum(value);
        assertThat(c.toString()).isEqualTo(expected);
    }

    @Test
    void defaultListingHasIpvsadmColumns() {
        ServiceState s = service("TCP", "10.0.0.1", 80, "rr", masq("192.168.1.2", 8080, 3), masq("192.168.1.1", 8080, 0));
        assertThat(list(Format.NUMERIC, List.of(s))).isEqualTo(""
            + "IP Virtual Server version 1.2.1 (size=4096)\n"
            + "Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
            + "TCP  10.0.0.1:80 rr\n"
            + "  -> 192.168.1.1:8080             Masq    0      0          0         \n"
            + "  -> 192.168.1.2:8080             Masq    3      0          0         \n");
    }

    @Test
    void serviceFlagsPersistenceAndIpv6() {
        ServiceKey sh = ServiceKey.of(Protocol.TCP, ip("200.0.0.1"), 80);
        ServiceKey fw6 = ServiceKey.ofFwmark(ServiceKey.AF_INET6, 8);
        ServiceKey udp = ServiceKey.of(Protocol.UDP, ip("10.0.0.10"), 53);
        ServiceKey sctp6 = ServiceKey.of(Protocol.SCTP, ip("fd00::1"), 3868);
        List<ServiceState> table = List.of(
            state(new VirtualServer(sh, "sh", 0x19, 100, 0xffff0000, null), IpvsStats.ZERO),
            state(new VirtualServer(fw6, "lc", 0x1, 360, 64, "sip"), IpvsStats.ZERO,
                new RealServer(ip("fd00::5"), 80, 1, ForwardingMethod.TUNNEL, 10, 5)),
            state(new VirtualServer(udp, "wrr", 0x4, 0, 0xffffffff, null), IpvsStats.ZERO,
                new RealServer(ip("10.1.1.1"), 53, 1, ForwardingMethod.ROUTE, 0, 0)),
            state(new VirtualServer(sctp6, "rr", 0x28, 0, 128, null), IpvsStats.ZERO, masq("fd00::2", 3868, 1)));
        assertThat(list(Format.NUMERIC, table)).isEqualTo(""
            + "IP Virtual Server version 1.2.1 (size=4096)\n"
            + "Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
            + "TCP  200.0.0.1:80 sh (sh-fallback,sh-port) persistent 100 mask 255.255.0.0\n"
            + "UDP  10.0.0.10:53 wrr ops\n"
            + "  -> 10.1.1.1:53                  Route   1      0          0         \n"
            + "SCTP [fd00::1]:3868 rr (flag-1,flag-3)\n"
            + "  -> [fd00::2]:3868               Masq    1      0          0         \n"
            + "FWM  8 IPv6 lc persistent 360 mask 64 pe sip\n"
            + "  -> [fd00::5]:80                 Tunnel  1      0          0         \n");
        assertThat(list(Format.NUMERIC | Format.RULE, table)).isEqualTo(""
            + "-A -t 200.0.0.1:80 -s sh -p 100 -M 255.255.0.0 -b sh-fallback,sh-port\n"
            + "-A -u 10.0.0.10:53 -s wrr -o\n"
            + "-a -u 10.0.0.10:53 -r 10.1.1.1:53 -g -w 1\n"
            + "-A --sctp-service [fd00::1]:3868 -s rr -b flag-1,flag-3\n"
            + "-a --sctp-service [fd00::1]:3868 -r [fd00::2]:3868 -m -w 1\n"
            + "-A -f 8 -6 -s lc -p 360 -M 64 --pe sip\n"
            + "-a -f 8 -6 -r [fd00::5]:80 -i -w 1 --tun-type ipip\n");
        assertThat(list(Format.NUMERIC | Format.THRESHOLDS, table.subList(1, 2))).isEqualTo(""
            + "IP Virtual Server version 1.2.1 (size=4096)\n"
            + "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
            + "  -> RemoteAddress:Port\n"
            + "FWM  8 IPv6 lc persistent 360 mask 64 pe sip\n"
            + "  -> [fd00::5]:80                 10         5          0          0         \n");
    }

    @Test
    void shFlagsWithAnotherSchedulerPrintNothingBetweenTheParentheses() {
        ServiceKey k = ServiceKey.of(Protocol.TCP, ip("10.0.0.1"), 80);
        List<ServiceState> t = List.of(state(new VirtualServer(k, "sh", 0x20, 0, 0xffffffff, null), IpvsStats.ZERO));
        assertThat(list(Format.NUMERIC, t)).endsWith("TCP  10.0.0.1:80 sh ()\n");
        assertThat(list(Format.NUMERIC | Format.RULE, t)).isEqualTo("-A -t 10.0.0.1:80 -s sh -b \n");
    }

    @Test
    void statsAndRatesAlignInNineColumns() {
        ServiceKey k = ServiceKey.of(Protocol.TCP, ip("20.20.20.1"), 2020);
        IpvsStats s = new IpvsStats(401, 8939187, 8953980, 830843000L, 1135000000L, 1, 4, 2, 234, 268);
        ServiceState st = new ServiceState(new ServiceEntry(VirtualServer.of(k, "rr"), s), List.of(
            new DestinationEntry(masq("17.17.17.1", 5001, 1), 0, 0, 0,
                new IpvsStats(0x1_0000_0086L, 3026088, 3031335, 281255000L, 384268000L, 0x1_0000_0000L, 1, 1, 98, 113))));
        assertThat(list(Format.NUMERIC | Format.STATS, List.of(st))).isEqualTo(""
            + "IP Virtual Server version 1.2.1 (size=4096)\n"
            + "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
            + "  -> RemoteAddress:Port\n"
            + "TCP  20.20.20.1:2020                   401  8939187  8953980  830843K    1135M\n"
            // libipvs keeps only the low 32 bits of a server's connection and packet counters
            + "  -> 17.17.17.1:5001                   134  3026088  3031335  281255K  384268K\n");
        assertThat(list(Format.NUMERIC | Format.RATE, List.of(st))).isEqualTo(""
            + "IP Virtual Server version 1.2.1 (size=4096)\n"
            + "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
            + "  -> RemoteAddress:Port\n"
            + "TCP  20.20.20.1:2020                     1        4        2      234      268\n"
            + "  -> 17.17.17.1:5001                     0        1        1       98      113\n");
    }

    @Test
    void namesAreTruncatedLikeIpvsadmsFixedBuffers() {
        FakeNames names = new FakeNames();
        names.hosts.put("10.0.0.1", "a-very-long-host-name.example.internal");
        names.hosts.put("10.1.1.1", "another-very-long-name.example.internal");
        names.services.put(80, "http");
        ServiceState s = service("TCP", "10.0.0.1", 80, "rr", masq("10.1.1.1", 80, 1));
        Captured named = new Captured();
        new Listing(named.out, Format.NONE, names).all(INFO, List.of(s));
        assertThat(named.toString()).endsWith(""
            + "TCP  a-very-long-host-name.exampl rr\n"
            + "  -> another-very-long-name.examp Masq    1      0          0         \n");
        Captured rules = new Captured();
        new Listing(rules.out, Format.RULE, names).all(INFO, List.of(s));
        assertThat(rules.toString()).isEqualTo(""
            + "-A -t a-very-long-host-name.example.internal:http -s rr\n"
            + "-a -t a-very-long-host-name.example.internal:http -r another-very-long-name.example.internal:http -m -w 1\n");
    }

    /** Expected orders come from glibc 2.36's qsort with libipvs' comparator (a small C program). */
    @Test
    void servicesSortLikeGlibcQsortWithLibipvsComparator() {
        assertThat(order(key("6/10.0.0.1/80"), key("6/200.0.0.1/80"), key("6/127.0.0.1/22"))).containsExactly(0, 2, 1);
        assertThat(order(key("6/127.0.0.1/22"), key("6/200.0.0.1/80"), key("6/10.0.0.1/80"))).containsExactly(0, 1, 2);
        assertThat(order(key("6/10.0.0.1/80"), key("6/127.0.0.1/22"), key("6/200.0.0.1/80"), key("6/192.168.0.1/80"),
            key("6/1.1.1.1/80"), key("6/129.0.0.1/80"), ServiceKey.ofFwmark(2, 7), ServiceKey.ofFwmark(10, 3),
            ServiceKey.ofFwmark(2, (int) 3000000000L), key("17/10.0.0.1/53"), key("6/fd00::1/80"), key("6/::1/80"),
            key("6/8000::1/80"), key("132/10.0.0.1/80"), key("6/10.0.0.1/79")))
            .containsExactly(8, 14, 0, 1, 5, 3, 2, 4, 9, 13, 10, 11, 12, 7, 6);
    }

    private static ServiceKey key(String spec) {
        String[] p = spec.split("/");
        return ServiceKey.of(Protocol.ofNumber(Integer.parseInt(p[0])), ip(p[1]), Integer.parseInt(p[2]));
    }

    /** The order in which a sorted listing shows the services of {@code keys} (as indexes into it). */
    private static List<Integer> order(ServiceKey... keys) {
        List<ServiceState> table = new ArrayList<>();
        java.util.Map<String, Integer> indexOfLine = new java.util.HashMap<>();
        for (int i = 0; i < keys.length; i++) {
            ServiceState state = state(VirtualServer.of(keys[i], "rr"), IpvsStats.ZERO);
            table.add(state);
            indexOfLine.put(list(Format.NUMERIC | Format.RULE, List.of(state)), i);
        }
        List<Integer> order = new ArrayList<>();
        for (String line : list(Format.NUMERIC | Format.RULE, table).split("\n")) {
            order.add(indexOfLine.get(line + "\n"));
        }
        return order;
    }
}

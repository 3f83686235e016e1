package io.ipvsproxier.iface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ipvsproxier.netlink.Errno;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link RtnetlinkInterfaces} against a real kernel (the kernel lab), checked with ip(8). Every test
 * works on links of its own and removes them afterwards.
 */
@Tag("kernel")
class RtnetlinkInterfacesKernelTest {
    private static final String LINK = "kube-ipvs0";
    private static RtnetlinkInterfaces ifaces;

    @BeforeAll
    static void open() {
        ifaces = RtnetlinkInterfaces.open();
    }

    @AfterAll
    static void close() {
        ifaces.close();
    }

    @AfterEach
    void removeTestLinks() {
        // Through the library rather than ip(8): each ip process costs seconds inside User-Mode Linux.
        for (String link : List.of(LINK, "tst-veth0", "tst-v6off")) {
            ifaces.deleteLink(link);
        }
    }

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** 10.100.0.0 + n, or fd00::100:n when {@code v6}. */
    private static InetAddress nth(int n, boolean v6) {
        try {
            if (v6) {
                byte[] b = ip("fd00::100:0").getAddress();
                b[14] = (byte) (n >> 8);
                b[15] = (byte) n;
                return InetAddress.getByAddress(b);
            }
            return InetAddress.getByAddress(new byte[] {10, 100, (byte) (n >> 8), (byte) n});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void ensuresTheDummyLinkCreatingItOnceAndDeletesIt() {
        assertThat(ifaces.link(LINK)).isEmpty();

        Link created = ifaces.ensureDummyLink(LINK);

        assertThat(created.name()).isEqualTo(LINK);
        assertThat(created.kind()).isEqualTo("dummy");
        assertThat(created.isUp()).isFalse();
        String shown = IpCommand.ok("ip", "-d", "-o", "link", "show", "dev", LINK);
        assertThat(shown).startsWith(created.index() + ": " + LINK + ":").contains("<BROADCAST,NOARP>").contains("dummy");
        assertThat(ifaces.ensureDummyLink(LINK)).isEqualTo(created);
        assertThat(ifaces.link(LINK)).contains(created);

        ifaces.deleteLink(LINK);

        assertThat(IpCommand.run("ip", "link", "show", "dev", LINK).status()).isNotZero();
        assertThat(ifaces.link(LINK)).isEmpty();
        ifaces.deleteLink(LINK); // absent is fine
    }

    @Test
    void leavesAnExistingDummyLinkAndItsAddressesAlone() {
        IpCommand.batch("link add " + LINK + " type dummy", "addr add 10.96.7.7/32 dev " + LINK);

        ifaces.ensureDummyLink(LINK);

        assertThat(IpCommand.addresses(LINK)).containsExactly(ip("10.96.7.7"));
    }

    @Test
    void refusesToTakeOverALinkOfAnotherKind() {
        IpCommand.ok("ip", "link", "add", "tst-veth0", "type", "veth", "peer", "name", "tst-veth1");

        assertThatThrownBy(() -> ifaces.ensureDummyLink("tst-veth0"))
            .isInstanceOf(InterfaceException.class)
            .hasMessage("link tst-veth0 exists but is of kind 'veth', not dummy; delete it or configure another name");
        assertThatThrownBy(() -> ifaces.ensureDummyLink("lo"))
            .hasMessageContaining("link lo exists but is a device without a link kind");
    }

    @Test
    void bindsAndUnbindsIpv4AndIpv6Addresses() {
        ifaces.ensureDummyLink(LINK);

        ifaces.addAddress(LINK, ip("10.96.0.10"));
        ifaces.addAddress(LINK, ip("fd00::10"));
        ifaces.addAddress(LINK, ip("10.96.0.10")); // present: done

        String shown = IpCommand.ok("ip", "-o", "addr", "show", "dev", LINK);
        assertThat(IpCommand.entries(shown)).containsExactly(LINK + " 10.96.0.10/32", LINK + " fd00::10/128");
        assertThat(shown).containsPattern("inet6 fd00::10/128 scope global nodad");
        assertThat(ifaces.addresses(LINK)).containsExactly(ip("10.96.0.10"), ip("fd00::10"));

        ifaces.removeAddress(LINK, ip("10.96.0.10"));
        ifaces.removeAddress(LINK, ip("fd00::10"));
        ifaces.removeAddress(LINK, ip("fd00::10")); // absent: done

        assertThat(IpCommand.addresses(LINK)).isEmpty();
        assertThat(ifaces.addresses(LINK)).isEmpty();
    }

    @Test
    void removesAnIpv6AddressThatWasBoundWithAnotherPrefixLength() {
        ifaces.ensureDummyLink(LINK);
        IpCommand.batch("addr add fd00::64/64 dev " + LINK + " nodad");

        ifaces.removeAddress(LINK, ip("fd00::64"));

        assertThat(IpCommand.addresses(LINK)).isEmpty();
    }

    @Test
    void syncsAThousandAddressesToAnotherOverlappingThousand() {
        ifaces.ensureDummyLink(LINK);
        Set<InetAddress> first = new LinkedHashSet<>();
        Set<InetAddress> second = new LinkedHashSet<>();
        for (int i = 0; i < 900; i++) {
            first.add(nth(i, false));
            second.add(nth(i + 450, false));
        }
        for (int i = 0; i < 100; i++) {
            first.add(nth(i, true));
            second.add(nth(i + 50, true));
        }

        AddressSyncResult toFirst = ifaces.syncAddresses(LINK, first);

        assertThat(toFirst.ok()).as("failed: %s", toFirst.failed()).isTrue();
        assertThat(toFirst.added()).hasSize(1000);
        assertThat(toFirst.removed()).isEmpty();
        assertThat(IpCommand.addresses(LINK)).isEqualTo(first);

        long sends = ifaces.syscalls().sends();
        AddressSyncResult toSecond = ifaces.syncAddresses(LINK, second);
        long sendsForSecond = ifaces.syscalls().sends() - sends;

        assertThat(toSecond.ok()).as("failed: %s", toSecond.failed()).isTrue();
        Set<InetAddress> onlyInSecond = new HashSet<>(second);
        onlyInSecond.removeAll(first);
        Set<InetAddress> onlyInFirst = new HashSet<>(first);
        onlyInFirst.removeAll(second);
        assertThat(toSecond.added()).containsExactlyInAnyOrderElementsOf(onlyInSecond).hasSize(500);
        assertThat(toSecond.removed()).containsExactlyInAnyOrderElementsOf(onlyInFirst).hasSize(500);
        assertThat(IpCommand.addresses(LINK)).isEqualTo(second);
        // a link lookup, an address dump and one batch of 1,000 changes
        assertThat(sendsForSecond).isEqualTo(3);

        AddressSyncResult again = ifaces.syncAddresses(LINK, second);
        assertThat(again.added()).isEmpty();
        assertThat(again.removed()).isEmpty();
        assertThat(ifaces.syncAddresses(LINK, Set.of()).removed()).hasSize(1000);
        assertThat(IpCommand.addresses(LINK)).isEmpty();
    }

    @Test
    void syncReportsAnAddressTheKernelRefusesAndAppliesTheOthers() throws IOException {
        IpCommand.ok("ip", "link", "add", "tst-v6off", "type", "dummy");
        Files.writeString(Path.of("/proc/sys/net/ipv6/conf/tst-v6off/disable_ipv6"), "1");

        AddressSyncResult result = ifaces.syncAddresses("tst-v6off",
            Set.of(ip("10.96.1.1"), ip("fd00::1:1"), ip("10.96.1.2"), ip("239.1.1.1")));

        assertThat(result.added()).containsExactlyInAnyOrder(ip("10.96.1.1"), ip("10.96.1.2"));
        assertThat(result.failed()).containsOnlyKeys(ip("fd00::1:1"), ip("239.1.1.1"));
        assertThat(result.failed().get(ip("239.1.1.1"))).contains("multicast");
        assertThat(result.failed().get(ip("fd00::1:1"))).isEqualTo(
            "EACCES (Permission denied): IPv6 is disabled on tst-v6off (sysctl net.ipv6.conf.tst-v6off.disable_ipv6 is 1)");
        assertThat(IpCommand.addresses("tst-v6off")).containsExactlyInAnyOrder(ip("10.96.1.1"), ip("10.96.1.2"));
        assertThatThrownBy(() -> ifaces.addAddress("tst-v6off", ip("fd00::1:2")))
            .isInstanceOf(InterfaceException.class)
            .hasMessage("add fd00::1:2/128 to tst-v6off: EACCES (Permission denied): IPv6 is disabled on tst-v6off"
                + " (sysctl net.ipv6.conf.tst-v6off.disable_ipv6 is 1)");
    }

    @Test
    void refusesUnknownLinksAndBadInputClearly() {
        assertThat(ifaces.link("tst-nolink")).isEmpty();
        ifaces.deleteLink("tst-nolink");
        assertThatThrownBy(() -> ifaces.addresses("tst-nolink"))
            .isInstanceOf(InterfaceException.class).hasMessage("no link named tst-nolink")
            .extracting(e -> ((InterfaceException) e).errno()).isEqualTo(Errno.ENODEV);
        assertThatThrownBy(() -> ifaces.addAddress("tst-nolink", ip("10.96.0.1"))).hasMessage("no link named tst-nolink");
        assertThatThrownBy(() -> ifaces.removeAddress("tst-nolink", ip("10.96.0.1"))).hasMessage("no link named tst-nolink");
        assertThatThrownBy(() -> ifaces.syncAddresses("tst-nolink", Set.of(ip("10.96.0.1"))))
            .hasMessage("no link named tst-nolink");
        assertThatThrownBy(() -> ifaces.ensureDummyLink("kube-ipvs0-far-too-long")).hasMessageContaining("at most 15");

        ifaces.ensureDummyLink(LINK);
        InetAddress mapped = mapped();
        assertThatThrownBy(() -> ifaces.addAddress(LINK, mapped)).hasMessageContaining("wrong family");
        assertThatThrownBy(() -> ifaces.addAddress(LINK, ip("ff02::1"))).hasMessageContaining("multicast");
        assertThat(IpCommand.addresses(LINK)).isEmpty();
    }

    private static InetAddress mapped() {
        try {
            return Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 96, 0, 1}, -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void discoversEveryAddressThatIpShowsInThisNamespace() {
        IpCommand.batch("link add tst-veth0 type veth peer name tst-veth1",
            "addr add 192.168.77.1/24 dev tst-veth0",
            "addr add fd77::1/64 dev tst-veth0 nodad",
            "link set tst-veth0 up",
            "link set tst-veth1 up");
        ifaces.ensureDummyLink(LINK);
        ifaces.addAddress(LINK, ip("10.96.0.10"));

        List<String> discovered = new ArrayList<>();
        for (NodeAddress a : ifaces.nodeAddresses()) {
            discovered.add(a.linkName() + " " + io.ipvsproxier.ipvs.Addresses.text(a.address()) + "/" + a.prefixLength());
        }

        List<String> shown = IpCommand.entries(IpCommand.ok("ip", "-o", "addr"));
        assertThat(discovered).containsExactlyInAnyOrderElementsOf(shown)
            .contains("tst-veth0 192.168.77.1/24", "tst-veth0 fd77::1/64", LINK + " 10.96.0.10/32", "lo 127.0.0.1/8");
    }

    @Test
    void discoversAddressesOfVethLinksInsideAnotherNamespace() {
        IpCommand.batch("netns add tst-disc");
        try {
            IpCommand.batchIn("tst-disc",
                "link set lo up",
                "link add eth0 type veth peer name eth1",
                "addr add 10.0.3.15/24 dev eth0",
                "addr add 10.0.3.16/24 dev eth0",
                "addr add 172.18.0.2/16 dev eth1",
                "addr add fd00:3::15/64 dev eth0 nodad",
                "link set eth0 up",
                "link set eth1 up");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

            String probe = IpCommand.ok("ip", "netns", "exec", "tst-disc", java, "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), NodeAddressProbe.class.getName());

            List<String> discovered = probe.lines().filter(l -> l.matches("\\S+ [0-9a-f.:]+/\\d+")).toList();
            List<String> shown = IpCommand.entries(IpCommand.ok("ip", "-n", "tst-disc", "-o", "addr"));
            assertThat(discovered).containsExactlyInAnyOrderElementsOf(shown)
                .contains("eth0 10.0.3.15/24", "eth0 10.0.3.16/24", "eth1 172.18.0.2/16", "eth0 fd00:3::15/64", "lo 127.0.0.1/8")
                .noneMatch(l -> l.startsWith(LINK));
        } finally {
            IpCommand.run("ip", "netns", "del", "tst-disc");
        }
    }

    @Test
    void deliversAddressEventsForChangesMadeByAnotherProcess() throws Exception {
        ifaces.ensureDummyLink(LINK);
        int index = ifaces.link(LINK).orElseThrow().index();
        BlockingQueue<AddressEvent> events = new LinkedBlockingQueue<>();
        AutoCloseable watch = ifaces.watchAddresses(events::add);
        try {
            IpCommand.batch("addr add 10.97.0.1/32 dev " + LINK,
                "addr add fd00::97/128 dev " + LINK + " nodad",
                "addr del 10.97.0.1/32 dev " + LINK);

            assertThat(next(events, ip("10.97.0.1"))).isEqualTo(new AddressEvent(AddressEvent.Kind.ADDED,
                new NodeAddress(ip("10.97.0.1"), 32, index, LINK, NodeAddress.SCOPE_UNIVERSE, 0x80)));
            AddressEvent v6 = next(events, ip("fd00::97"));
            assertThat(v6.kind()).isEqualTo(AddressEvent.Kind.ADDED);
            assertThat(v6.address().linkName()).isEqualTo(LINK);
            assertThat(v6.address().prefixLength()).isEqualTo(128);
            assertThat(next(events, ip("10.97.0.1")).kind()).isEqualTo(AddressEvent.Kind.REMOVED);
        } finally {
            watch.close();
        }

        events.clear();
        IpCommand.ok("ip", "addr", "add", "10.97.0.2/32", "dev", LINK);
        assertThat(events.poll(1, TimeUnit.SECONDS)).as("no event after the watch was closed").isNull();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("rtnetlink-address-events"));
    }

    @Test
    void skipsAddressEventsOfIgnoredLinks() throws Exception {
        ifaces.ensureDummyLink(LINK);
        ifaces.ensureDummyLink(LINK + "x");
        BlockingQueue<AddressEvent> events = new LinkedBlockingQueue<>();
        AutoCloseable watch = ifaces.watchAddresses(events::add, java.util.Set.of(LINK));
        try {
            IpCommand.batch("addr add 10.97.1.1/32 dev " + LINK, "addr add 10.97.1.2/32 dev " + LINK + "x");
            assertThat(next(events, ip("10.97.1.2")).address().linkName()).isEqualTo(LINK + "x");
            assertThat(events.poll(500, TimeUnit.MILLISECONDS)).as("nothing more").isNull();
            assertThat(events).noneMatch(e -> e.address() != null && LINK.equals(e.address().linkName()));
        } finally {
            watch.close();
            IpCommand.run("ip", "link", "del", LINK + "x");
        }
    }

    /** The next event for {@code address}, skipping others (e.g. link-local addresses of other links). */
    private static AddressEvent next(BlockingQueue<AddressEvent> events, InetAddress address) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            AddressEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && e.address() != null && e.address().address().equals(address)) {
                return e;
            }
        }
        throw new AssertionError("no event for " + address + " within 10 s");
    }
}

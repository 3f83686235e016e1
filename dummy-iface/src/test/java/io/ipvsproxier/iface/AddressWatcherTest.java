package io.ipvsproxier.iface;

import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.NetlinkException;
import io.ipvsproxier.netlink.NetlinkSocket;
import io.ipvsproxier.netlink.SyscallCounter;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event thread against a socket that replays notifications captured from the kernel. */
class AddressWatcherTest {
    /** RTM_NEWADDR 10.96.0.10/32 on index 2 (label kube-ipvs0), captured. */
    private static final String NEW_IPV4 =
        "54000000 1400 0000 00000000 00000000  02 20 80 00 02000000  08000100 0a60000a  08000200 0a60000a"
        + " 0f000300 6b7562652d6970767330 0000  08000800 80000000  14000600 ffffffffffffffff6106000061060000";
    /** The same address removed (RTM_DELADDR). */
    private static final String DEL_IPV4 = NEW_IPV4.replaceFirst("1400 0000", "1500 0000");
    /** RTM_NEWADDR fd00::10/128 on index 2, captured. */
    private static final String NEW_IPV6 =
        "48000000 1400 0000 00000000 00000000  0a 80 82 00 02000000  14000100 fd000000000000000000000000000010"
        + " 14000600 ffffffffffffffff7206000072060000  08000800 82000000";

    private final ScriptedSocket socket = new ScriptedSocket();
    private final BlockingQueue<AddressEvent> events = new LinkedBlockingQueue<>();
    private AddressWatcher watcher;

    /** Replays datagrams (hex) and errnos (Integer); an empty script reads as a receive timeout. */
    private static final class ScriptedSocket implements NetlinkSocket {
        final BlockingQueue<Object> script = new LinkedBlockingQueue<>();
        volatile boolean closed;

        @Override
        public void send(ByteBuffer buf) {
            throw new IllegalStateException("the event socket never sends");
        }

        @Override
        public int receive(ByteBuffer buf) {
            Object next;
            try {
                next = script.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (next == null) {
                throw new NetlinkException("recvfrom(netlink)", Errno.EAGAIN, null);
            }
            if (next instanceof Integer errno) {
                throw new NetlinkException("recvfrom(netlink)", errno, null);
            }
            ByteBuffer datagram = Hex.bytes((String) next);
            buf.clear();
            buf.put(datagram);
            buf.flip();
            return buf.limit();
        }

        @Override
        public int portId() {
            return 1;
        }

        @Override
        public void joinGroup(int group) {
        }

        @Override
        public SyscallCounter counter() {
            return new SyscallCounter();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private void watch(Map<Integer, String> names, java.util.function.IntFunction<String> lookUp) {
        watcher = new AddressWatcher(socket, events::add, Set.of(), names, lookUp, w -> { });
        watcher.start();
    }

    private AddressEvent next() throws InterruptedException {
        AddressEvent e = events.poll(5, TimeUnit.SECONDS);
        assertThat(e).as("an event within 5 s").isNotNull();
        return e;
    }

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
    }

    @Test
    void deliversAdditionsAndRemovalsWithTheLinkName() throws Exception {
        watch(Map.of(2, "kube-ipvs0"), i -> null);
        socket.script.add(NEW_IPV4);
        socket.script.add(NEW_IPV6);
        socket.script.add(DEL_IPV4);

        AddressEvent added = next();
        assertThat(added.kind()).isEqualTo(AddressEvent.Kind.ADDED);
        assertThat(added.address()).isEqualTo(new NodeAddress(InetAddress.getByName("10.96.0.10"), 32, 2, "kube-ipvs0", 0, 0x80));
        AddressEvent ipv6 = next();
        assertThat(ipv6.address().address()).isEqualTo(InetAddress.getByName("fd00::10"));
        assertThat(ipv6.address().linkName()).isEqualTo("kube-ipvs0");
        assertThat(next().kind()).isEqualTo(AddressEvent.Kind.REMOVED);
    }

    @Test
    void looksUpUnknownLinksOnceAndFallsBackToTheIpv4Label() throws Exception {
        AtomicInteger lookUps = new AtomicInteger();
        watch(Map.of(), i -> {
            lookUps.incrementAndGet();
            return null;
        });
        socket.script.add(NEW_IPV4);
        assertThat(next().address().linkName()).isEqualTo("kube-ipvs0");
        assertThat(lookUps.get()).isEqualTo(1);
    }

    @Test
    void followsLinkRenamesFromLinkNotifications() throws Exception {
        watch(Map.of(2, "old-name"), i -> null);
        socket.script.add(Hex.of(Hex.resource("rtm-newlink-kube-ipvs0.hex")));
        socket.script.add(NEW_IPV6);

        assertThat(next().address().linkName()).isEqualTo("kube-ipvs0");
    }

    @Test
    void asksForAResyncWhenTheKernelDroppedNotifications() throws Exception {
        watch(Map.of(2, "kube-ipvs0"), i -> null);
        socket.script.add(Errno.ENOBUFS);
        socket.script.add(NEW_IPV4);

        assertThat(next()).isEqualTo(AddressEvent.resyncNeeded());
        assertThat(next().kind()).isEqualTo(AddressEvent.Kind.ADDED);
    }

    @Test
    void keepsGoingWhenTheListenerThrows() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        watcher = new AddressWatcher(socket, e -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("listener bug");
            }
            events.add(e);
        }, Set.of(), Map.of(2, "kube-ipvs0"), i -> null, w -> { });
        watcher.start();
        socket.script.add(NEW_IPV4);
        socket.script.add(DEL_IPV4);

        assertThat(next().kind()).isEqualTo(AddressEvent.Kind.REMOVED);
    }

    @Test
    void skipsEventsOfIgnoredLinks() throws Exception {
        watcher = new AddressWatcher(socket, events::add, Set.of("kube-ipvs0"), Map.of(2, "kube-ipvs0"), i -> null, w -> { });
        watcher.start();
        socket.script.add(NEW_IPV4);
        socket.script.add(DEL_IPV4);
        assertThat(events.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void closingStopsTheThreadAndClosesTheSocket() {
        AtomicInteger stopped = new AtomicInteger();
        watcher = new AddressWatcher(socket, events::add, Set.of(), Map.of(), i -> null, w -> stopped.incrementAndGet());
        watcher.start();
        assertThat(watcher.running()).isTrue();

        watcher.close();

        assertThat(watcher.running()).isFalse();
        assertThat(socket.closed).isTrue();
        assertThat(stopped.get()).isEqualTo(1);
    }
}

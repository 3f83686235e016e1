package io.ipvsproxier.proxier.reconcile;

import static io.ipvsproxier.proxier.testing.TestPlans.ip;

import io.ipvsproxier.iface.AddressEvent;
import io.ipvsproxier.iface.InMemoryInterfaces;
import io.ipvsproxier.iface.Link;
import io.ipvsproxier.iface.NodeAddress;
import io.ipvsproxier.ipvs.Addresses;
import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.proxier.testing.FakeIpvs;
import io.ipvsproxier.proxier.testing.ManualClock;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A reconciler over a fake IPVS table and in-memory links: a node with lo (127.0.0.1) and eth0 (192.168.1.10/24).
 * {@link #journal} records, in order, every batch and every address change on kube-ipvs0, to check ordering.
 */
final class ReconcilerFixture {
    static final String LINK = ReconcilerConfig.DEFAULT_DUMMY_LINK;
    static final String NODE_IP = "192.168.1.10";

    final ManualClock clock = new ManualClock();
    final FakeIpvs ipvs = new FakeIpvs();
    final InMemoryInterfaces ifaces = new InMemoryInterfaces();
    final List<String> journal = new ArrayList<>();
    final Reconciler reconciler;

    ReconcilerFixture() {
        this(ReconcilerConfig.defaults());
    }

    ReconcilerFixture(ReconcilerConfig config) {
        ifaces.addLink("lo", null, Link.IFF_UP | Link.IFF_LOOPBACK);
        ifaces.assignAddress("lo", ip("127.0.0.1"), 8, NodeAddress.SCOPE_HOST);
        ifaces.addLink("eth0", null, Link.IFF_UP);
        ifaces.assignAddress("eth0", ip(NODE_IP), 24, NodeAddress.SCOPE_UNIVERSE);
        ifaces.watchAddresses(e -> {
            if (LINK.equals(e.address().linkName())) {
                journal.add((e.kind() == AddressEvent.Kind.ADDED ? "bind " : "unbind ")
                        + Addresses.text(e.address().address()));
            }
        });
        ipvs.onApply(ops -> {
            for (IpvsOperation op : ops) {
                journal.add(OperationKind.of(op) + " " + op.serviceKey());
            }
        });
        reconciler = new Reconciler(ipvs, ifaces, clock, config);
    }

    /** Addresses on kube-ipvs0 now (none when the link is missing). */
    Set<InetAddress> bound() {
        return ifaces.link(LINK).isPresent() ? ifaces.addresses(LINK) : Set.of();
    }

    /** Puts an address on kube-ipvs0 the way a previous run of the proxier left it. */
    void bindDirectly(String address) {
        ifaces.ensureDummyLink(LINK);
        ifaces.addAddress(LINK, ip(address));
    }

    /** Forgets the recorded writes, reads and journal. */
    void resetRecording() {
        ipvs.resetRecording();
        journal.clear();
    }

    int indexOf(String entry) {
        int i = journal.indexOf(entry);
        if (i < 0) {
            throw new AssertionError("'" + entry + "' not in journal " + journal);
        }
        return i;
    }
}

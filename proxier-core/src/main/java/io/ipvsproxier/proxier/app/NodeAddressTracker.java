package io.ipvsproxier.proxier.app;

import io.ipvsproxier.iface.AddressEvent;
import io.ipvsproxier.iface.Interfaces;
import io.ipvsproxier.proxier.plan.Cidr;
import io.ipvsproxier.proxier.plan.NodeFacts;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's NodePort addresses: read with one address dump at start and again whenever the kernel
 * reports an address change on a link other than the dummy one, so NodePorts follow a node IP change
 * without polling. A change asks for a full sync.
 */
final class NodeAddressTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeAddressTracker.class);
    private final Interfaces interfaces;
    private final String nodeName;
    private final List<Cidr> nodePortCidrs;
    private final String dummyLink;
    private final Runnable onChange;
    private final AtomicReference<NodeFacts> current = new AtomicReference<>();
    private AutoCloseable watch;

    NodeAddressTracker(Interfaces interfaces, String nodeName, List<Cidr> nodePortCidrs, String dummyLink, Runnable onChange) {
        this.interfaces = interfaces;
        this.nodeName = nodeName;
        this.nodePortCidrs = nodePortCidrs;
        this.dummyLink = dummyLink;
        this.onChange = onChange;
    }

    void start() {
        refresh();
        watch = interfaces.watchAddresses(this::onEvent, Set.of(dummyLink)); // our own service addresses
    }

    NodeFacts facts() {
        NodeFacts f = current.get();
        return f != null ? f : refresh();
    }

    private void onEvent(AddressEvent e) {
        NodeFacts before = current.get();
        NodeFacts after = refresh();
        if (before == null || !before.nodePortAddresses().equals(after.nodePortAddresses())) {
            log.info("node addresses for NodePorts changed: {}", after.nodePortAddresses());
            onChange.run();
        }
    }

    private NodeFacts refresh() {
        List<InetAddress> addresses = NodeFacts.nodePortAddresses(interfaces.nodeAddresses(), nodePortCidrs, dummyLink);
        NodeFacts f = new NodeFacts(nodeName, addresses);
        current.set(f);
        return f;
    }

    @Override
    public void close() throws Exception {
        if (watch != null) {
            watch.close();
        }
    }
}

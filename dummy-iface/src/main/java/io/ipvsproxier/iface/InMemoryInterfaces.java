package io.ipvsproxier.iface;

import io.ipvsproxier.netlink.Errno;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An in-memory {@link Interfaces} for proxier tests: links and their addresses are plain data, node
 * addresses are scripted with {@link #addLink} and {@link #assignAddress}, and the checks and error
 * messages are those of {@link RtnetlinkInterfaces} (bad link names and addresses, "no link named X",
 * an existing link of another kind, a kernel without the dummy driver).
 *
 * <p>Differences from the kernel, on purpose: events are delivered synchronously on the thread that made
 * the change (tests need no waiting), and a sync never loses replies. Kernel refusals of single addresses
 * can be scripted with {@link #refuseAddress}. Thread-safe.
 *
 * <pre>{@code
 * InMemoryInterfaces ifaces = new InMemoryInterfaces();
 * ifaces.addLink("eth0", null, Link.IFF_UP);
 * ifaces.assignAddress("eth0", InetAddress.getByName("192.168.1.10"), 24, NodeAddress.SCOPE_UNIVERSE);
 * // hand ifaces to the proxier, then assert on ifaces.addresses("kube-ipvs0") and ifaces.syncCount()
 * }</pre>
 */
public final class InMemoryInterfaces implements Interfaces {
    /** IFA_F_PERMANENT: what the kernel reports for addresses added by hand. */
    private static final int IFA_F_PERMANENT = 0x80;

    private final Map<String, LinkState> links = new LinkedHashMap<>();
    private final Map<InetAddress, String> refused = new HashMap<>();
    private final List<Consumer<AddressEvent>> listeners = new CopyOnWriteArrayList<>();
    private int nextIndex = 1;
    private boolean dummyDriver = true;
    private boolean closed;
    private int syncs;
    private int discoveries;

    private static final class LinkState {
        Link link;
        final Map<InetAddress, NodeAddress> addresses = new LinkedHashMap<>();

        LinkState(Link link) {
            this.link = link;
        }
    }

    /**
     * Scripts a link of the node, e.g. {@code addLink("eth0", null, Link.IFF_UP)} or {@code addLink("lo", null,
     * Link.IFF_UP | Link.IFF_LOOPBACK)}; returns it with its new index.
     *
     * @throws InterfaceException when the name is invalid or taken
     */
    public Link addLink(String name, String kind, int flags) {
        InterfaceInput.checkLinkName(name);
        synchronized (this) {
            if (links.containsKey(name)) {
                throw new InterfaceException("link " + name + " exists already", Errno.EEXIST, null);
            }
            Link link = new Link(nextIndex++, name, kind, flags);
            links.put(name, new LinkState(link));
            return link;
        }
    }

    /**
     * Scripts a node address with any prefix length and scope (the kernel's RT_SCOPE_*), e.g. 192.168.1.10/24 on
     * eth0; fires {@link AddressEvent.Kind#ADDED}. Replaces an existing entry for the same address on that link.
     */
    public void assignAddress(String linkName, InetAddress address, int prefixLength, int scope) {
        InterfaceInput.checkAddress(address);
        int max = InterfaceInput.hostPrefixLength(address);
        if (prefixLength < 0 || prefixLength > max) {
            throw new InterfaceException("prefix length " + prefixLength + " is out of range 0.." + max, Errno.EINVAL, null);
        }
        NodeAddress added;
        synchronized (this) {
            LinkState state = require(linkName);
            added = new NodeAddress(address, prefixLength, state.link.index(), linkName, scope, flagsFor(address));
            state.addresses.put(address, added);
        }
        fire(new AddressEvent(AddressEvent.Kind.ADDED, added));
    }

    /** Makes the next {@link #ensureDummyLink} of a missing link fail as on a kernel without the dummy driver. */
    public synchronized void setDummyDriverAvailable(boolean available) {
        dummyDriver = available;
    }

    /**
     * Makes adding {@code address} fail as if the kernel refused it with {@code reason}: {@link #addAddress} throws
     * and {@link #syncAddresses} reports it in {@link AddressSyncResult#failed()}. A null reason lifts it.
     */
    public synchronized void refuseAddress(InetAddress address, String reason) {
        if (reason == null) {
            refused.remove(address);
        } else {
            refused.put(address, reason);
        }
    }

    /** How many times {@link #syncAddresses} ran. */
    public synchronized int syncCount() {
        return syncs;
    }

    /** How many times {@link #nodeAddresses} ran (the real one costs a dump each time). */
    public synchronized int nodeAddressesCount() {
        return discoveries;
    }

    /** Listeners registered with {@link #watchAddresses} and not closed yet. */
    public int watcherCount() {
        return listeners.size();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public Link ensureDummyLink(String name) {
        InterfaceInput.checkLinkName(name);
        synchronized (this) {
            LinkState state = links.get(name);
            if (state != null) {
                if (!"dummy".equals(state.link.kind())) {
                    throw InterfaceErrors.notDummy(state.link);
                }
                return state.link;
            }
            if (!dummyDriver) {
                throw InterfaceErrors.noDummyDriver(name, null);
            }
        }
        // BROADCAST|NOARP, down: how the kernel creates a dummy link.
        return addLink(name, "dummy", 0x2 | 0x80);
    }

    @Override
    public synchronized Optional<Link> link(String name) {
        InterfaceInput.checkLinkName(name);
        LinkState state = links.get(name);
        return state == null ? Optional.empty() : Optional.of(state.link);
    }

    @Override
    public void deleteLink(String name) {
        InterfaceInput.checkLinkName(name);
        List<NodeAddress> gone;
        synchronized (this) {
            LinkState state = links.remove(name);
            if (state == null) {
                return;
            }
            gone = new ArrayList<>(state.addresses.values());
        }
        for (NodeAddress a : gone) {
            fire(new AddressEvent(AddressEvent.Kind.REMOVED, a));
        }
    }

    @Override
    public synchronized Set<InetAddress> addresses(String linkName) {
        InterfaceInput.checkLinkName(linkName);
        return Collections.unmodifiableSet(new LinkedHashSet<>(require(linkName).addresses.keySet()));
    }

    @Override
    public void addAddress(String linkName, InetAddress address) {
        InterfaceInput.checkAddress(address);
        InterfaceInput.checkLinkName(linkName);
        NodeAddress added;
        synchronized (this) {
            LinkState state = require(linkName);
            String refusal = refused.get(address);
            if (refusal != null) {
                throw new InterfaceException("add " + address.getHostAddress() + " to " + linkName + ": " + refusal, Errno.EINVAL, null);
            }
            added = addHostAddress(state, address);
        }
        if (added != null) {
            fire(new AddressEvent(AddressEvent.Kind.ADDED, added));
        }
    }

    @Override
    public void removeAddress(String linkName, InetAddress address) {
        InterfaceInput.checkAddress(address);
        InterfaceInput.checkLinkName(linkName);
        NodeAddress removed;
        synchronized (this) {
            removed = require(linkName).addresses.remove(address);
        }
        if (removed != null) {
            fire(new AddressEvent(AddressEvent.Kind.REMOVED, removed));
        }
    }

    /** As the real one: checks, one diff, IPv6 link-local addresses left alone, refusals in {@code failed}. */
    @Override
    public AddressSyncResult syncAddresses(String linkName, Set<InetAddress> wanted) {
        InterfaceInput.checkLinkName(linkName);
        Map<InetAddress, String> failed = new LinkedHashMap<>();
        Set<InetAddress> added = new LinkedHashSet<>();
        Set<InetAddress> removed = new LinkedHashSet<>();
        List<AddressEvent> events = new ArrayList<>();
        synchronized (this) {
            syncs++;
            LinkState state = require(linkName);
            Set<InetAddress> valid = InterfaceInput.usableAddresses(wanted, failed);
            for (InetAddress address : valid) {
                if (state.addresses.containsKey(address)) {
                    continue;
                }
                String refusal = refused.get(address);
                if (refusal != null) {
                    failed.put(address, refusal);
                } else {
                    events.add(new AddressEvent(AddressEvent.Kind.ADDED, addHostAddress(state, address)));
                    added.add(address);
                }
            }
            for (InetAddress address : new ArrayList<>(state.addresses.keySet())) {
                if (!valid.contains(address) && !InterfaceInput.isIpv6LinkLocal(address)) {
                    events.add(new AddressEvent(AddressEvent.Kind.REMOVED, state.addresses.remove(address)));
                    removed.add(address);
                }
            }
        }
        events.forEach(this::fire);
        return new AddressSyncResult(Collections.unmodifiableSet(added), Collections.unmodifiableSet(removed),
            Collections.unmodifiableMap(failed));
    }

    @Override
    public synchronized List<NodeAddress> nodeAddresses() {
        discoveries++;
        List<NodeAddress> out = new ArrayList<>();
        for (LinkState state : links.values()) {
            out.addAll(state.addresses.values());
        }
        return out;
    }

    /** Registers {@code listener}; it is called synchronously, on the thread that changes an address. */
    @Override
    public AutoCloseable watchAddresses(Consumer<AddressEvent> listener, Set<String> ignoredLinks) {
        Set<String> ignored = Set.copyOf(ignoredLinks);
        Consumer<AddressEvent> filtered = e -> {
            if (e.kind() == AddressEvent.Kind.RESYNC_NEEDED || !ignored.contains(e.address().linkName())) {
                listener.accept(e);
            }
        };
        listeners.add(filtered);
        return () -> listeners.remove(filtered);
    }

    @Override
    public synchronized void close() {
        closed = true;
        listeners.clear();
    }

    private LinkState require(String name) {
        LinkState state = links.get(name);
        if (state == null) {
            throw InterfaceErrors.noSuchLink(name);
        }
        return state;
    }

    /** Adds a /32 or /128; returns it, or null when the address was present already. */
    private static NodeAddress addHostAddress(LinkState state, InetAddress address) {
        if (state.addresses.containsKey(address)) {
            return null;
        }
        NodeAddress a = new NodeAddress(address, InterfaceInput.hostPrefixLength(address), state.link.index(),
            state.link.name(), NodeAddress.SCOPE_UNIVERSE, flagsFor(address));
        state.addresses.put(address, a);
        return a;
    }

    private static int flagsFor(InetAddress address) {
        return address instanceof Inet6Address ? IFA_F_PERMANENT | Rtnetlink.IFA_F_NODAD : IFA_F_PERMANENT;
    }

    private void fire(AddressEvent event) {
        for (Consumer<AddressEvent> listener : listeners) {
            listener.accept(event);
        }
    }
}

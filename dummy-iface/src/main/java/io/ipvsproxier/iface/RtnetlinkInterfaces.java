package io.ipvsproxier.iface;

import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.JnrNetlinkSocket;
import io.ipvsproxier.netlink.Netlink;
import io.ipvsproxier.netlink.NetlinkConnection;
import io.ipvsproxier.netlink.NetlinkException;
import io.ipvsproxier.netlink.NetlinkMessage;
import io.ipvsproxier.netlink.NetlinkRequest;
import io.ipvsproxier.netlink.NetlinkSocket;
import io.ipvsproxier.netlink.SyscallCounter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
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
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Interfaces} over rtnetlink (NETLINK_ROUTE), on the project's one netlink layer
 * ({@link NetlinkConnection}). Address changes go out in batches (many messages per send, only the last
 * of each send acknowledged); listings are single dumps; events come from a second socket subscribed to
 * the address multicast groups.
 *
 * <p>Thread-safe: the connection serializes exchanges, so threads may share an instance. Needs
 * CAP_NET_ADMIN for anything that changes links or addresses. Address events cover every link, including
 * the changes made through this instance: a listener interested in node addresses filters out the dummy link.
 */
public final class RtnetlinkInterfaces implements Interfaces {
    private static final Logger log = LoggerFactory.getLogger(RtnetlinkInterfaces.class);
    private static final int EACCES = 13;
    /** Generous because every system call is slow inside User-Mode Linux; a healthy kernel answers at once. */
    public static final Duration DEFAULT_RECEIVE_TIMEOUT = Duration.ofSeconds(10);
    /** How often the event thread wakes up to notice that its handle was closed. */
    static final Duration EVENT_POLL_INTERVAL = Duration.ofMillis(250);

    private final NetlinkConnection connection;
    private final boolean kernelFiltersAddressDumps;
    private final Supplier<NetlinkSocket> eventSockets;
    private final List<AddressWatcher> watchers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    RtnetlinkInterfaces(NetlinkConnection connection, boolean kernelFiltersAddressDumps, Supplier<NetlinkSocket> eventSockets) {
        this.connection = connection;
        this.kernelFiltersAddressDumps = kernelFiltersAddressDumps;
        this.eventSockets = eventSockets;
    }

    /** Opens an rtnetlink socket with strict dump checking, so per-link address dumps are filtered by the kernel. */
    public static RtnetlinkInterfaces open() {
        return open(DEFAULT_RECEIVE_TIMEOUT, true);
    }

    /**
     * Opens an rtnetlink socket.
     *
     * @param kernelFiltering ask the kernel to filter per-link address dumps (NETLINK_GET_STRICT_CHK, Linux
     *     4.20+); when false, or when the kernel lacks it, the full dump is filtered here instead
     */
    public static RtnetlinkInterfaces open(Duration receiveTimeout, boolean kernelFiltering) {
        JnrNetlinkSocket socket;
        try {
            socket = JnrNetlinkSocket.open(Netlink.NETLINK_ROUTE, receiveTimeout);
        } catch (NetlinkException e) {
            throw new InterfaceException("cannot open an rtnetlink socket: " + e.getMessage(), e.errno(), e);
        }
        boolean filtered = false;
        if (kernelFiltering) {
            try {
                socket.enableStrictChecking();
                filtered = true;
            } catch (NetlinkException e) {
                log.info("kernel has no strict rtnetlink dump checking ({}); filtering address dumps in user space", e.errnoName());
            }
        }
        return new RtnetlinkInterfaces(new NetlinkConnection(socket), filtered,
            () -> JnrNetlinkSocket.open(Netlink.NETLINK_ROUTE, EVENT_POLL_INTERVAL));
    }

    /** Whether per-link address dumps are filtered by the kernel (strict checking) rather than here. */
    public boolean kernelFiltersAddressDumps() {
        return kernelFiltersAddressDumps;
    }

    /** Send and receive system calls made on the request socket (not the event sockets). */
    public SyscallCounter syscalls() {
        return connection.socket().counter();
    }

    @Override
    public Link ensureDummyLink(String name) {
        InterfaceInput.checkLinkName(name);
        Optional<Link> existing = findLink(name);
        if (existing.isPresent()) {
            return requireDummy(existing.get());
        }
        try {
            connection.call(RtnetlinkCodec.createDummyLink(name));
            log.info("created dummy link {}", name);
        } catch (NetlinkException e) {
            if (e.errno() == Errno.EOPNOTSUPP) {
                throw InterfaceErrors.noDummyDriver(name, e);
            }
            if (e.errno() != Errno.EEXIST) {
                throw failure(e);
            }
            // Created by someone else between the lookup and the create: fine if it is a dummy.
        }
        Link link = findLink(name).orElseThrow(() ->
            new InterfaceException("link " + name + " disappeared right after it was created", Errno.ENODEV, null));
        return requireDummy(link);
    }

    @Override
    public Optional<Link> link(String name) {
        InterfaceInput.checkLinkName(name);
        return findLink(name);
    }

    @Override
    public void deleteLink(String name) {
        InterfaceInput.checkLinkName(name);
        try {
            connection.call(RtnetlinkCodec.deleteLink(name));
            log.info("deleted link {}", name);
        } catch (NetlinkException e) {
            if (e.errno() != Errno.ENODEV) {
                throw failure(e);
            }
        }
    }

    @Override
    public Set<InetAddress> addresses(String linkName) {
        Link link = requireLink(linkName);
        return Collections.unmodifiableSet(currentAddresses(link).keySet());
    }

    @Override
    public void addAddress(String linkName, InetAddress address) {
        InterfaceInput.checkAddress(address);
        Link link = requireLink(linkName);
        RtnetlinkCodec.AddressChange add = RtnetlinkCodec.addAddress(link.index(), link.name(), address);
        try {
            connection.call(add);
        } catch (NetlinkException e) {
            if (!add.alreadyDone(e.errno())) {
                throw new InterfaceException(add.describe() + ": " + explain(add, e.errno(), e.kernelMessage()), e.errno(), e);
            }
        }
    }

    @Override
    public void removeAddress(String linkName, InetAddress address) {
        InterfaceInput.checkAddress(address);
        Link link = requireLink(linkName);
        RtnetlinkCodec.AddressChange remove =
            RtnetlinkCodec.removeAddress(link.index(), link.name(), address, InterfaceInput.hostPrefixLength(address));
        try {
            connection.call(remove);
        } catch (NetlinkException e) {
            if (!remove.alreadyDone(e.errno())) {
                throw new InterfaceException(remove.describe() + ": " + explain(remove, e.errno(), e.kernelMessage()), e.errno(), e);
            }
            // IPv6 deletes match the prefix length as well: the address may be there with another one.
            Integer prefix = currentAddresses(link).get(address);
            if (prefix != null && prefix != remove.prefixLength()) {
                callTolerating(RtnetlinkCodec.removeAddress(link.index(), link.name(), address, prefix));
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One dump, a diff, then one batch of adds and deletes. IPv6 link-local addresses the kernel assigns
     * itself when the link is up are never removed. Addresses the checks refuse, and those the kernel
     * refuses, land in {@link AddressSyncResult#failed()} while the rest still apply. If replies were lost
     * (ENOBUFS), a second dump settles what happened.
     *
     * @throws InterfaceException when the link does not exist or the kernel cannot be asked at all
     */
    @Override
    public AddressSyncResult syncAddresses(String linkName, Set<InetAddress> wanted) {
        Map<InetAddress, String> failed = new LinkedHashMap<>();
        Set<InetAddress> valid = InterfaceInput.usableAddresses(wanted, failed);
        if (valid.size() + failed.size() < wanted.size()) {
            log.warn("sync of {} ignored a null address", linkName);
        }
        Link link = requireLink(linkName);
        Map<InetAddress, Integer> current = currentAddresses(link);
        List<RtnetlinkCodec.AddressChange> changes = new ArrayList<>();
        for (InetAddress address : valid) {
            if (!current.containsKey(address)) {
                changes.add(RtnetlinkCodec.addAddress(link.index(), link.name(), address));
            }
        }
        for (Map.Entry<InetAddress, Integer> present : current.entrySet()) {
            InetAddress address = present.getKey();
            if (!valid.contains(address) && !InterfaceInput.isIpv6LinkLocal(address)) {
                changes.add(RtnetlinkCodec.removeAddress(link.index(), link.name(), address, present.getValue()));
            }
        }
        Set<InetAddress> added = new LinkedHashSet<>();
        Set<InetAddress> removed = new LinkedHashSet<>();
        if (!changes.isEmpty()) {
            BatchResult result = batch(changes);
            Map<InetAddress, Integer> after = result.stateUnknown() ? currentAddresses(link) : null;
            for (BatchResult.Outcome outcome : result.outcomes()) {
                RtnetlinkCodec.AddressChange change = changes.get(outcome.index());
                boolean done = switch (outcome.status()) {
                    case OK, ALREADY_DONE -> true;
                    case FAILED -> false;
                    case UNKNOWN -> after.containsKey(change.address()) == change.add();
                };
                if (done) {
                    (change.add() ? added : removed).add(change.address());
                } else {
                    failed.put(change.address(), reason(change, outcome));
                }
            }
        }
        if (!failed.isEmpty()) {
            log.warn("sync of {} addresses on {}: {} added, {} removed, {} failed, e.g. {}", valid.size(), linkName,
                added.size(), removed.size(), failed.size(), failed.entrySet().iterator().next());
        } else if (!added.isEmpty() || !removed.isEmpty()) {
            log.debug("sync of {} addresses on {}: {} added, {} removed", valid.size(), linkName, added.size(), removed.size());
        }
        return new AddressSyncResult(Collections.unmodifiableSet(added), Collections.unmodifiableSet(removed),
            Collections.unmodifiableMap(failed));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One RTM_GETADDR dump for the addresses of all links, plus one RTM_GETLINK dump for the link names
     * (IPv6 address messages carry only the link index).
     */
    @Override
    public List<NodeAddress> nodeAddresses() {
        Map<Integer, String> names = linkNames();
        return dump(RtnetlinkCodec.dumpAddresses(0), m -> RtnetlinkCodec.decodeAddress(m, names::get));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The listener runs on a daemon thread of its own, one event at a time. {@link AddressEvent.Kind#ADDED}
     * may repeat for an address whose flags change. When the kernel had to drop events (the socket's queue
     * overflowed), the listener gets {@link AddressEvent.Kind#RESYNC_NEEDED} and should re-read the
     * addresses it cares about.
     */
    @Override
    public AutoCloseable watchAddresses(Consumer<AddressEvent> listener, Set<String> ignoredLinks) {
        if (closed) {
            throw new InterfaceException("interfaces already closed", 0, null);
        }
        NetlinkSocket socket;
        try {
            socket = eventSockets.get();
        } catch (NetlinkException e) {
            throw new InterfaceException("cannot open an rtnetlink event socket: " + e.getMessage(), e.errno(), e);
        }
        try {
            socket.joinGroup(Rtnetlink.RTNLGRP_IPV4_IFADDR);
            socket.joinGroup(Rtnetlink.RTNLGRP_IPV6_IFADDR);
            // Link events keep the index -> name map of the watcher current (renames, new links).
            socket.joinGroup(Rtnetlink.RTNLGRP_LINK);
            // Joined before the names are read, so no link that appears meanwhile goes unnoticed.
            Map<Integer, String> names = linkNames();
            AddressWatcher watcher = new AddressWatcher(socket, listener, Set.copyOf(ignoredLinks), names, this::linkNameOf,
                watchers::remove);
            watchers.add(watcher);
            watcher.start();
            return watcher;
        } catch (RuntimeException e) {
            socket.close();
            if (e instanceof NetlinkException ne) {
                throw new InterfaceException("cannot subscribe to address events: " + ne.getMessage(), ne.errno(), ne);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AddressWatcher watcher : watchers) {
            watcher.close();
        }
        connection.close();
    }

    private static Link requireDummy(Link link) {
        if (!"dummy".equals(link.kind())) {
            throw InterfaceErrors.notDummy(link);
        }
        return link;
    }

    private Link requireLink(String name) {
        InterfaceInput.checkLinkName(name);
        return findLink(name).orElseThrow(() -> InterfaceErrors.noSuchLink(name));
    }

    /** RTM_GETLINK by name: one small reply (ENODEV when absent), however many links the node has. */
    private Optional<Link> findLink(String name) {
        return lookUp(RtnetlinkCodec.getLink(name));
    }

    private Optional<Link> lookUp(NetlinkRequest getLink) {
        try {
            for (NetlinkMessage m : connection.call(getLink)) {
                if (m.type() == Rtnetlink.RTM_NEWLINK) {
                    return Optional.of(RtnetlinkCodec.decodeLink(m));
                }
            }
            return Optional.empty();
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENODEV) {
                return Optional.empty();
            }
            throw failure(e);
        }
    }

    /** Index to name of every link, from one link dump. */
    private Map<Integer, String> linkNames() {
        Map<Integer, String> names = new HashMap<>();
        for (Link link : dump(RtnetlinkCodec.dumpLinks(), RtnetlinkCodec::decodeLink)) {
            names.put(link.index(), link.name());
        }
        return names;
    }

    /** The current name of link {@code index}, or null when it no longer exists. */
    private String linkNameOf(int index) {
        return lookUp(RtnetlinkCodec.getLink(index)).map(Link::name).orElse(null);
    }

    /** The link's addresses with their prefix lengths (needed to delete IPv6 addresses), in kernel order. */
    private Map<InetAddress, Integer> currentAddresses(Link link) {
        int filter = kernelFiltersAddressDumps ? link.index() : 0;
        Map<InetAddress, Integer> out = new LinkedHashMap<>();
        for (NodeAddress a : dump(RtnetlinkCodec.dumpAddresses(filter), m -> RtnetlinkCodec.decodeAddress(m, i -> link.name()))) {
            // Without kernel filtering the dump holds every link's addresses.
            if (a.linkIndex() == link.index()) {
                out.put(a.address(), a.prefixLength());
            }
        }
        return out;
    }

    /**
     * Runs a dump and decodes its parts (null results are skipped). The connection restarts a dump the kernel
     * marks as interrupted, so the list is one consistent snapshot.
     */
    private <T> List<T> dump(NetlinkRequest request, Function<NetlinkMessage, T> decoder) {
        List<T> out = new ArrayList<>();
        try {
            connection.dump(request, m -> {
                T decoded = decoder.apply(m);
                if (decoded != null) {
                    out.add(decoded);
                }
            });
        } catch (NetlinkException e) {
            throw failure(e);
        }
        return out;
    }

    private BatchResult batch(List<RtnetlinkCodec.AddressChange> changes) {
        try {
            return connection.batch(changes, true);
        } catch (NetlinkException e) {
            throw failure(e);
        }
    }

    private void callTolerating(RtnetlinkCodec.AddressChange change) {
        try {
            connection.call(change);
        } catch (NetlinkException e) {
            if (!change.alreadyDone(e.errno())) {
                throw new InterfaceException(change.describe() + ": " + explain(change, e.errno(), e.kernelMessage()), e.errno(), e);
            }
        }
    }

    /** Why the kernel refused one address change of a batch. */
    private static String reason(RtnetlinkCodec.AddressChange change, BatchResult.Outcome outcome) {
        if (outcome.status() == BatchResult.Status.UNKNOWN) {
            return "kernel state unknown: replies were lost (ENOBUFS)";
        }
        return explain(change, outcome.errno(), outcome.kernelMessage());
    }

    /** The errno of a refused address change, in words an operator can act on. */
    private static String explain(RtnetlinkCodec.AddressChange change, int errno, String kernelMessage) {
        if (errno == EACCES && change.add() && change.address() instanceof Inet6Address) {
            // The kernel refuses IPv6 addresses on a link whose IPv6 is switched off, without an extended-ACK text.
            return "EACCES (Permission denied): IPv6 is disabled on " + change.linkName()
                + " (sysctl net.ipv6.conf." + change.linkName() + ".disable_ipv6 is 1)";
        }
        String text = Errno.name(errno) + " (" + Errno.message(errno) + ")";
        return kernelMessage != null && !kernelMessage.isEmpty() ? text + ": " + kernelMessage : text;
    }

    /** The kernel's refusal as an {@link InterfaceException}; the message names the request and the errno. */
    private static InterfaceException failure(NetlinkException e) {
        String hint = e.errno() == Errno.EPERM ? " (changing links and addresses needs CAP_NET_ADMIN: run as root)" : "";
        return new InterfaceException(e.getMessage() + hint, e.errno(), e);
    }

    @Override
    public String toString() {
        return "RtnetlinkInterfaces[" + (kernelFiltersAddressDumps ? "kernel-filtered dumps" : "client-filtered dumps") + "]";
    }
}

package io.ipvsproxier.iface;

import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.NetlinkException;
import io.ipvsproxier.netlink.NetlinkMessage;
import io.ipvsproxier.netlink.NetlinkMessages;
import io.ipvsproxier.netlink.NetlinkSocket;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads address (and link) notifications from a socket subscribed to the rtnetlink multicast groups and
 * hands address additions and removals to a listener, on a daemon thread of its own.
 *
 * <p>The socket has a short receive timeout, so the thread notices {@link #close()} within one poll
 * interval; the thread itself closes the socket when it stops, so its descriptor can never be closed (and
 * reused) under a pending receive.
 */
final class AddressWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AddressWatcher.class);
    /** Notifications are small, but a 64 KiB buffer can never truncate a datagram. */
    private static final int RECEIVE_BUFFER_BYTES = 64 * 1024;
    private static final long JOIN_MILLIS = RtnetlinkInterfaces.EVENT_POLL_INTERVAL.toMillis() * 4 + 1000;

    private final NetlinkSocket socket;
    private final Consumer<AddressEvent> listener;
    /** Links whose address events are skipped before they are decoded. */
    private final Set<String> ignoredLinks;
    /** Link index to name; touched only by the event thread. */
    private final Map<Integer, String> linkNames;
    private final IntFunction<String> lookUpLinkName;
    private final Consumer<AddressWatcher> onStopped;
    private final Thread thread;
    private volatile boolean closing;

    AddressWatcher(NetlinkSocket socket, Consumer<AddressEvent> listener, Set<String> ignoredLinks,
                   Map<Integer, String> linkNames, IntFunction<String> lookUpLinkName, Consumer<AddressWatcher> onStopped) {
        this.socket = socket;
        this.listener = listener;
        this.ignoredLinks = ignoredLinks;
        this.linkNames = new HashMap<>(linkNames);
        this.lookUpLinkName = lookUpLinkName;
        this.onStopped = onStopped;
        this.thread = new Thread(this::run, "rtnetlink-address-events");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Whether the event thread is still running. */
    boolean running() {
        return thread.isAlive();
    }

    /** Stops delivering events; waits (briefly) for the event thread unless called from a listener. */
    @Override
    public void close() {
        closing = true;
        if (Thread.currentThread() != thread) {
            try {
                thread.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocateDirect(RECEIVE_BUFFER_BYTES);
        try {
            while (!closing) {
                List<NetlinkMessage> messages;
                try {
                    socket.receive(buf);
                    messages = NetlinkMessages.parse(buf);
                } catch (NetlinkException e) {
                    if (e.errno() == Errno.EAGAIN) {
                        continue; // the poll interval passed: look at the closing flag again
                    }
                    if (closing) {
                        break;
                    }
                    if (e.errno() == Errno.ENOBUFS) {
                        log.warn("the kernel dropped address notifications (receive queue full); asking the listener to resync");
                    } else {
                        log.error("reading address notifications failed; asking the listener to resync", e);
                        pauseAfterError();
                    }
                    deliver(AddressEvent.resyncNeeded());
                    continue;
                }
                for (NetlinkMessage m : messages) {
                    handle(m);
                }
            }
        } finally {
            socket.close();
            onStopped.accept(this);
        }
    }

    private void handle(NetlinkMessage m) {
        try {
            switch (m.type()) {
                case Rtnetlink.RTM_NEWLINK -> {
                    Link link = RtnetlinkCodec.decodeLink(m);
                    linkNames.put(link.index(), link.name());
                }
                // Address removals of a deleted link are sent before the link removal itself.
                case Rtnetlink.RTM_DELLINK -> linkNames.remove(RtnetlinkCodec.decodeLink(m).index());
                case Rtnetlink.RTM_NEWADDR, Rtnetlink.RTM_DELADDR -> {
                    String name = linkName(RtnetlinkCodec.addressLinkIndex(m), m);
                    if (name != null && ignoredLinks.contains(name)) {
                        return;
                    }
                    NodeAddress address = RtnetlinkCodec.decodeAddress(m, index -> name);
                    if (address != null) {
                        deliver(new AddressEvent(m.type() == Rtnetlink.RTM_NEWADDR
                            ? AddressEvent.Kind.ADDED : AddressEvent.Kind.REMOVED, address));
                    }
                }
                default -> { }
            }
        } catch (NetlinkException e) {
            log.warn("undecodable rtnetlink notification of type {}; asking the listener to resync", m.type(), e);
            deliver(AddressEvent.resyncNeeded());
        }
    }

    private String linkName(int index, NetlinkMessage m) {
        String name = linkNames.get(index);
        if (name != null) {
            return name;
        }
        try {
            name = lookUpLinkName.apply(index);
        } catch (RuntimeException e) {
            log.debug("cannot look up the name of link #{}", index, e);
        }
        if (name != null) {
            linkNames.put(index, name);
            return name;
        }
        // The link is already gone; an IPv4 address still carries its label (link name, or name:alias).
        String label = RtnetlinkCodec.addressLabel(m);
        return label == null ? null : label.split(":", 2)[0];
    }

    private void deliver(AddressEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            log.warn("address event listener failed on {}", event, e);
        }
    }

    private void pauseAfterError() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            closing = true;
        }
    }
}

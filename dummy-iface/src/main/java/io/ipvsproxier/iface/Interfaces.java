package io.ipvsproxier.iface;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The node's links and addresses, as the proxier needs them: the dummy link that holds service
 * addresses (kube-ipvs0), its addresses, node address discovery and address-change events.
 * The production implementation speaks rtnetlink; {@link InMemoryInterfaces} stands in for tests.
 */
public interface Interfaces extends AutoCloseable {

    /**
     * Makes sure a link of kind dummy named {@code name} exists, creating it (down, as kube-proxy leaves it)
     * when missing; an existing link is left alone.
     *
     * @throws InterfaceException when the kernel has no dummy driver (naming the module), or a link of that
     *     name exists with another kind
     */
    Link ensureDummyLink(String name);

    Optional<Link> link(String name);

    /** Deletes the link (and with it its addresses); absent is fine. */
    void deleteLink(String name);

    /** The addresses on link {@code name}. */
    Set<InetAddress> addresses(String linkName);

    /** Adds an address as /32 or /128 (IPv6 without duplicate address detection); present already is fine. */
    void addAddress(String linkName, InetAddress address);

    /** Removes an address; absent already is fine. */
    void removeAddress(String linkName, InetAddress address);

    /** Makes the link's addresses exactly {@code wanted}, with as few sends as possible. */
    AddressSyncResult syncAddresses(String linkName, Set<InetAddress> wanted);

    /** Every address of every link, from a single dump. */
    List<NodeAddress> nodeAddresses();

    /**
     * Delivers address additions and removals on any link until the returned handle is closed. Events are
     * delivered on a background thread.
     */
    default AutoCloseable watchAddresses(Consumer<AddressEvent> listener) {
        return watchAddresses(listener, Set.of());
    }

    /**
     * Like {@link #watchAddresses(Consumer)}, but events of addresses on the links named in {@code ignoredLinks}
     * are neither decoded nor delivered: a proxier binding 10,000 service addresses to its dummy link would
     * otherwise handle 10,000 events about its own work.
     */
    AutoCloseable watchAddresses(Consumer<AddressEvent> listener, Set<String> ignoredLinks);

    @Override
    void close();
}

package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.iface.AddressSyncResult;
import io.ipvsproxier.iface.Interfaces;
import io.ipvsproxier.ipvs.Addresses;
import java.net.InetAddress;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Keeps the addresses of the dummy link (kube-ipvs0) in step with the plan, and remembers what is bound so that
 * incremental syncs never list the link's addresses (kubernetes #88212: listing them each sync cost most of a core
 * at 2,000 Services). Every address on the link is the proxier's: stale ones are removed without asking.
 */
final class AddressBinder {
    private final Interfaces interfaces;
    private final String link;
    private final Set<InetAddress> bound = new HashSet<>();

    AddressBinder(Interfaces interfaces, String link) {
        this.interfaces = interfaces;
        this.link = link;
    }

    String link() {
        return link;
    }

    Set<InetAddress> bound() {
        return Collections.unmodifiableSet(bound);
    }

    boolean isBound(InetAddress a) {
        return bound.contains(a);
    }

    /** Creates the link when missing and reads its addresses. */
    void ensureLinkAndRead() {
        interfaces.ensureDummyLink(link);
        bound.clear();
        bound.addAll(interfaces.addresses(link));
    }

    /**
     * Adds every address of {@code wanted} the link lacks, in one exchange, removing nothing. Returns how many were
     * added; failures go to {@code failed} (address, reason).
     */
    int bindMissing(Set<InetAddress> wanted, BiConsumer<InetAddress, String> failed) {
        if (bound.containsAll(wanted)) {
            return 0;
        }
        Set<InetAddress> target = new HashSet<>(bound);
        target.addAll(wanted);
        return sync(target, failed);
    }

    /** Removes every bound address outside {@code keep}, in one exchange. Returns how many were removed. */
    int unbindAllBut(Set<InetAddress> keep, BiConsumer<InetAddress, String> failed) {
        if (keep.containsAll(bound)) {
            return 0;
        }
        Set<InetAddress> target = new HashSet<>(bound);
        target.retainAll(keep);
        return sync(target, failed);
    }

    /** Binds one address (incremental syncs touch one or two). */
    boolean bind(InetAddress a, BiConsumer<InetAddress, String> failed) {
        try {
            interfaces.addAddress(link, a);
            bound.add(a);
            return true;
        } catch (RuntimeException e) {
            failed.accept(a, "binding " + Addresses.text(a) + " on " + link + ": " + e.getMessage());
            return false;
        }
    }

    boolean unbind(InetAddress a, BiConsumer<InetAddress, String> failed) {
        try {
            interfaces.removeAddress(link, a);
            bound.remove(a);
            return true;
        } catch (RuntimeException e) {
            failed.accept(a, "unbinding " + Addresses.text(a) + " from " + link + ": " + e.getMessage());
            return false;
        }
    }

    /** Forgets what is bound (after the link was deleted). */
    void forget() {
        bound.clear();
    }

    private int sync(Set<InetAddress> target, BiConsumer<InetAddress, String> failed) {
        AddressSyncResult result;
        try {
            result = interfaces.syncAddresses(link, target);
        } catch (RuntimeException e) {
            // Nothing is known about what happened: read the link again so the next step works from the truth.
            failed.accept(null, "setting the addresses of " + link + ": " + e.getMessage());
            try {
                bound.clear();
                bound.addAll(interfaces.addresses(link));
            } catch (RuntimeException again) {
                failed.accept(null, "reading the addresses of " + link + ": " + again.getMessage());
            }
            return 0;
        }
        bound.addAll(result.added());
        bound.removeAll(result.removed());
        for (Map.Entry<InetAddress, String> f : result.failed().entrySet()) {
            failed.accept(f.getKey(), (target.contains(f.getKey()) ? "binding " : "unbinding ")
                    + Addresses.text(f.getKey()) + " on " + link + ": " + f.getValue());
        }
        return result.added().size() + result.removed().size();
    }
}

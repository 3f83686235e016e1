package io.ipvsproxier.proxier.k8s;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The objects an informer listed at start, until the first full sync has planned them. fabric8 reports an informer
 * synced once its store holds the list, and delivers the list's ADD notifications afterwards: with 10,000 Services
 * and 10,000 EndpointSlices, for seconds, on the one event thread, while the first sync runs. That sync reads every
 * object from the store, so those notifications carry nothing new: handled as changes, they would cost as much again
 * and queue an incremental sync of every Service right after the full one.
 *
 * <p>Objects are matched by identity, not equality: a newer version of a listed object is a new object, and its
 * notification is a real change.
 */
final class InitialListFilter {
    private final Set<Object> listed = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile boolean active;

    /** Remembers the objects the informers' stores held when they reported synced. */
    void remember(Collection<?> objects) {
        synchronized (listed) {
            listed.addAll(objects);
            active = !listed.isEmpty();
        }
    }

    /** Whether {@code object}'s ADD notification is one of the initial list's (each is reported once). */
    boolean covers(Object object) {
        if (!active) {
            return false;
        }
        synchronized (listed) {
            return listed.remove(object);
        }
    }

    /** The first full sync has planned everything: from now on every notification is a change. */
    void forget() {
        synchronized (listed) {
            listed.clear();
            active = false;
        }
    }

    int size() {
        synchronized (listed) {
            return listed.size();
        }
    }
}

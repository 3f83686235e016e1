package io.ipvsproxier.proxier.lab;

import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock's CRUD dispatcher with one difference that matters at scale: a watch that starts from a resource
 * version is sent only the objects that are newer than that version.
 *
 * <p>The mock opens every watch by sending an ADDED event for each stored object, whatever resource version the
 * watch asked to start from. A real API server sends only what changed after that version. An informer lists, then
 * watches from the list's version, so with the stock mock it received and parsed everything twice, and the mock
 * serialized everything twice: with 10,000 Services and 10,000 EndpointSlices in the lab, seconds of CPU on both
 * sides that no real cluster costs a node. Here a watch from version V opens with the objects stored at a version
 * above V (changed since the list, sent as ADDED as the mock does); a watch without a version (or "0") still opens
 * with the whole state, as on a real server. Later changes go out as before.
 *
 * <p>The mock has no hook for this, so the watch's opening action is replaced by reflection on the pinned mock
 * version; a mock whose internals differ fails at start-up with a clear error instead of silently replaying.
 */
final class ResumingWatchDispatcher extends KubernetesCrudDispatcher {
    private static final Pattern START_VERSION = Pattern.compile("[?&]resourceVersion=(\\d+)(?:&|$)");
    private static final Pattern OBJECT_VERSION = Pattern.compile("\"resourceVersion\"\\s*:\\s*\"(\\d+)\"");

    private static final Field ON_OPEN_ACTION;
    private static final Method ATTRIBUTE_MATCHES;
    private static final Method SEND;
    private static final Field LOCK;

    static {
        try {
            Class<?> listener = Class.forName("io.fabric8.kubernetes.client.server.mock.WatchEventsListener");
            ON_OPEN_ACTION = accessible(listener.getDeclaredField("onOpenAction"));
            ATTRIBUTE_MATCHES = accessible(listener.getDeclaredMethod("attributeMatches", AttributeSet.class));
            SEND = accessible(listener.getDeclaredMethod("sendWebSocketResponse", String.class, Watcher.Action.class));
            LOCK = accessible(KubernetesCrudDispatcher.class.getDeclaredField("lock"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this fabric8 mock server's watch internals are not the expected ones: " + e, e);
        }
    }

    private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
        member.setAccessible(true);
        return member;
    }

    @Override
    public MockResponse handleWatch(String path) {
        MockResponse response = super.handleWatch(path);
        long from = startVersion(path);
        WebSocketListener listener = response.getWebSocketListener();
        if (from > 0 && listener != null) {
            try {
                ON_OPEN_ACTION.set(listener, (Consumer<Object>) l -> openWithObjectsNewerThan(l, from));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot resume the watch " + path, e);
            }
        }
        return response;
    }

    /** What the mock does on open, restricted to objects stored at a version above {@code from}. */
    private void openWithObjectsNewerThan(Object listener, long from) {
        try {
            Lock read = ((ReadWriteLock) LOCK.get(this)).readLock();
            read.lock();
            try {
                List<String> newer = new ArrayList<>();
                for (Map.Entry<AttributeSet, String> e : map.entrySet()) {
                    if (objectVersion(e.getValue()) > from && (Boolean) ATTRIBUTE_MATCHES.invoke(listener, e.getKey())) {
                        newer.add(e.getValue());
                    }
                }
                for (String object : newer) {
                    SEND.invoke(listener, object, Watcher.Action.ADDED);
                }
            } finally {
                read.unlock();
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot open a resumed watch", e);
        }
    }

    /** The watch's resourceVersion parameter; 0 when there is none. */
    static long startVersion(String path) {
        Matcher m = START_VERSION.matcher(path);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The resource version of a stored object (its JSON text); 0 when it has none. */
    static long objectVersion(String json) {
        Matcher m = OBJECT_VERSION.matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}

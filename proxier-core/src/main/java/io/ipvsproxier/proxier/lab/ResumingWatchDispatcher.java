package io.ipvsproxier.proxier.lab;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mock's CRUD dispatcher with one difference that matters at scale: a watch that starts from a resource
 * version is not sent the objects it already has.
 *
 * <p>The mock answers every new watch with an ADDED event for each stored object, whatever resource version the
 * watch asked to start from. A real API server sends only what changed after that version. An informer lists, then
 * watches from the list's version, so with the mock it receives everything twice and handles every object as an
 * update: with 10,000 Services and 10,000 EndpointSlices in the lab that is seconds of work for the mock and for the
 * proxier, and work no real cluster causes. Here the replayed ADDED events whose object is not newer than the
 * watch's starting version are dropped; every later change (which always gets a newer version) still goes out. A
 * watch without a resource version (or with "0") still starts with the whole state, as on a real server.
 */
final class ResumingWatchDispatcher extends KubernetesCrudDispatcher {
    private static final Pattern START_VERSION = Pattern.compile("[?&]resourceVersion=(\\d+)(?:&|$)");
    private static final Pattern EVENT_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"(\\w+)\"");
    private static final Pattern OBJECT_VERSION = Pattern.compile("\"resourceVersion\"\\s*:\\s*\"(\\d+)\"");

    @Override
    public MockResponse handleWatch(String path) {
        MockResponse response = super.handleWatch(path);
        long from = startVersion(path);
        WebSocketListener listener = response.getWebSocketListener();
        if (from <= 0 || listener == null) {
            return response;
        }
        return response.withWebSocketUpgrade(new SkipKnownObjects(listener, from));
    }

    /** The watch's resourceVersion parameter; 0 when there is none. */
    static long startVersion(String path) {
        Matcher m = START_VERSION.matcher(path);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Whether a watch that started at {@code from} already has the object of this (text) event. */
    static boolean alreadyKnown(String event, long from) {
        Matcher type = EVENT_TYPE.matcher(event);
        if (!type.find() || !"ADDED".equals(type.group(1))) {
            return false;
        }
        Matcher version = OBJECT_VERSION.matcher(event);
        return version.find() && Long.parseLong(version.group(1)) <= from;
    }

    /** Passes everything through, except the events the watch already has. */
    private static final class SkipKnownObjects extends WebSocketListener {
        private final WebSocketListener delegate;
        private final long from;

        SkipKnownObjects(WebSocketListener delegate, long from) {
            this.delegate = delegate;
            this.from = from;
        }

        private WebSocket filtered(WebSocket socket) {
            return new WebSocket() {
                @Override
                public RecordedRequest request() {
                    return socket.request();
                }

                @Override
                public boolean send(String text) {
                    return alreadyKnown(text, from) || socket.send(text);
                }

                @Override
                public boolean send(byte[] bytes) {
                    return socket.send(bytes);
                }

                @Override
                public boolean close(int code, String reason) {
                    return socket.close(code, reason);
                }
            };
        }

        @Override
        public void onBeforeAccept(WebSocket socket, Response response) {
            delegate.onBeforeAccept(filtered(socket), response);
        }

        @Override
        public void onOpen(WebSocket socket, Response response) {
            delegate.onOpen(filtered(socket), response);
        }

        @Override
        public void onMessage(WebSocket socket, String text) {
            delegate.onMessage(filtered(socket), text);
        }

        @Override
        public void onMessage(WebSocket socket, ByteString bytes) {
            delegate.onMessage(filtered(socket), bytes);
        }

        @Override
        public void onMessage(WebSocket socket, byte[] bytes) {
            delegate.onMessage(filtered(socket), bytes);
        }

        @Override
        public void onClosing(WebSocket socket, int code, String reason) {
            delegate.onClosing(filtered(socket), code, reason);
        }

        @Override
        public void onClosed(WebSocket socket, int code, String reason) {
            delegate.onClosed(filtered(socket), code, reason);
        }

        @Override
        public void onFailure(WebSocket socket, Throwable t, Response response) {
            delegate.onFailure(filtered(socket), t, response);
        }
    }
}

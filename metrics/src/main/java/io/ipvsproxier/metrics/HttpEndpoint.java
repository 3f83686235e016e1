package io.ipvsproxier.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server on the JDK's {@code com.sun.net.httpserver} (no extra dependency): a few exact paths,
 * 404 for the rest, handlers on a couple of daemon threads so that a slow client of one endpoint never
 * blocks the proxier.
 */
final class HttpEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);

    private final HttpServer server;
    private final ExecutorService executor;

    HttpEndpoint(InetSocketAddress bind, String name, int threads, Map<String, HttpHandler> handlers) throws IOException {
        server = HttpServer.create(bind, 64);
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name + "-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        // Contexts match by prefix; "/" catches what no exact path takes, so "/metricsfoo" is a 404, not a scrape.
        server.createContext("/", exchange -> {
            try (exchange) {
                HttpHandler h = handlers.get(exchange.getRequestURI().getPath());
                if (h == null) {
                    respond(exchange, 404, "text/plain; charset=utf-8", "404 page not found\n");
                } else {
                    h.handle(exchange);
                }
            } catch (IOException | RuntimeException e) {
                // the client went away, or a handler broke: this request only
                log.debug("{} request {} failed: {}", name, exchange.getRequestURI(), e.toString());
            }
        });
        server.start();
    }

    /** The bound address (with the real port when 0 was asked for). */
    InetSocketAddress address() {
        return server.getAddress();
    }

    static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length == 0 ? -1 : bytes.length);
        if (!head && bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

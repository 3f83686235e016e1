package io.ipvsproxier.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Serves {@code /metrics} (Prometheus text format 0.0.4, gzip when the scraper asks for it) on
 * {@code --metrics-bind-address} (default {@code 127.0.0.1:10249}, as kube-proxy), plus kube-proxy's
 * small extras on the same port: {@code /healthz} answers {@code ok} and {@code /proxyMode} answers
 * {@code ipvs}. The exposition is rendered into one byte array (never a String) and sent with a
 * Content-Length: with 10,000 virtual servers it is 15 MB of text, 0.6 MB gzipped.
 */
public final class MetricsServer implements AutoCloseable {
    /** kube-proxy's default {@code --metrics-bind-address}. */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1:10249";
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpEndpoint endpoint;

    private MetricsServer(HttpEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Binds (port 0 picks a free port) and starts serving. */
    public static MetricsServer start(InetSocketAddress bind, ProxierMetrics metrics) throws IOException {
        java.util.concurrent.atomic.AtomicInteger lastSize = new java.util.concurrent.atomic.AtomicInteger();
        return new MetricsServer(new HttpEndpoint(bind, "metrics", 2, Map.of(
            "/metrics", exchange -> {
                boolean gzip = acceptsGzip(exchange.getRequestHeaders().get("Accept-Encoding"));
                byte[] body = render(metrics, gzip, lastSize);
                exchange.getResponseHeaders().set("Content-Type", TEXT_FORMAT);
                if (gzip) {
                    exchange.getResponseHeaders().set("Content-Encoding", "gzip");
                }
                if ("HEAD".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                // A fixed length, written in one go. Streamed (chunked), the JDK server writes 4 KiB chunks: with
                // 10,000 virtual servers that is thousands of send(2) calls per scrape, which cost seconds where
                // system calls are dear.
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            },
            "/healthz", exchange -> HttpEndpoint.respond(exchange, 200, "text/plain; charset=utf-8", "ok"),
            "/proxyMode", exchange -> HttpEndpoint.respond(exchange, 200, "text/plain; charset=utf-8", "ipvs"))));
    }

    /**
     * gzip at the fastest level: the exposition is repetitive text that compresses ~30:1 even so, and the
     * default level costs several times the CPU for a few percent less.
     */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    /** The exposition, gzipped when asked; {@code lastSize} remembers the plain size to allocate right the next time. */
    static byte[] render(ProxierMetrics metrics, boolean gzip, java.util.concurrent.atomic.AtomicInteger lastSize) throws IOException {
        Buffer plain = new Buffer(Math.max(64 * 1024, lastSize.get() + lastSize.get() / 8));
        metrics.scrape(plain);
        lastSize.set(plain.size());
        if (!gzip) {
            return plain.bytes();
        }
        Buffer zipped = new Buffer(Math.max(4096, plain.size() / 16));
        try (OutputStream z = new FastGzip(zipped)) {
            z.write(plain.array(), 0, plain.size());
        }
        return zipped.bytes();
    }

    /** A byte array output stream that hands out its array without a copy when it is exactly full. */
    private static final class Buffer extends java.io.ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }

        byte[] bytes() {
            return count == buf.length ? buf : toByteArray();
        }
    }

    static boolean acceptsGzip(List<String> acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String header : acceptEncoding) {
            for (String part : header.split(",")) {
                String[] codingAndParams = part.trim().split(";");
                if (codingAndParams[0].trim().equalsIgnoreCase("gzip")) {
                    return !(codingAndParams.length > 1 && codingAndParams[1].trim().replace(" ", "").matches("q=0(\\.0*)?"));
                }
            }
        }
        return false;
    }

    public InetSocketAddress address() {
        return endpoint.address();
    }

    @Override
    public void close() {
        endpoint.close();
    }
}

package io.ipvsproxier.metrics;

import io.ipvsproxier.ipvs.Addresses;
import io.ipvsproxier.ipvs.IpvsStats;
import io.ipvsproxier.ipvs.ServiceEntry;
import io.ipvsproxier.ipvs.ServiceKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per virtual server traffic from the kernel's IPVS counters, exported at scrape time: connections,
 * packets and bytes in and out as counters, and the kernel estimator's per-second rates as gauges, labelled
 * {@code namespace, service, port_name, protocol, vip, port}. The kernel folds its per-CPU counters into the
 * totals it reports on its estimator's tick, every 2 seconds, so the counters move in steps of up to 2 s.
 *
 * <p>Each scrape reads the whole table with <em>one</em> dump (the supplier, typically
 * {@code ipvs::services} on an IPVS client of its own, so that scrapes never share a socket with the sync
 * loop), never one call per Service. Dumps younger than {@code cacheFor} are reused, so that several
 * scrapers at once (or one retrying) cost the kernel one dump.
 *
 * <p>It writes its part of the text exposition itself ({@link #writeTo(OutputStream)}, called by
 * {@link ProxierMetrics#scrape(OutputStream)}) instead of going through the Prometheus client's snapshots:
 * with 10,000 virtual servers a scrape has 100,000 samples, and the client's per-sample objects, label
 * validation and sorting cost seconds of CPU where writing precomputed label blocks costs milliseconds. Each
 * virtual server's label block is built once and reused while its owner stays the same.
 *
 * <p>Virtual servers the labeler does not know (other tools' virtual servers, or ours between a delete and
 * the next sync) are not exported: they have no Service to name them by, and exporting them would let
 * unrelated tools add series. Their number is exported as {@value MetricNames#IPVS_STATS_FOREIGN_VIRTUAL_SERVERS}.
 * A failed dump yields no per virtual server samples for that scrape (stale numbers would lie) and counts in
 * {@value MetricNames#IPVS_STATS_DUMP_ERRORS_TOTAL}.
 */
public final class IpvsStatsCollector {
    private static final Logger log = LoggerFactory.getLogger(IpvsStatsCollector.class);

    /** One metric family: exposition name (a counter's with {@code _total}), help, type, and the figure it shows. */
    private record Family(String name, String help, boolean counter, ToLongFunction<IpvsStats> value) {
        byte[] header() {
            return ("# HELP " + name + " " + help + "\n# TYPE " + name + (counter ? " counter\n" : " gauge\n"))
                .getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final List<Family> FAMILIES = List.of(
        new Family(MetricNames.VS_CONNECTIONS_TOTAL, "Connections scheduled by the IPVS virtual server", true, IpvsStats::connections),
        new Family(MetricNames.VS_PACKETS_IN_TOTAL, "Packets from clients to the IPVS virtual server", true, IpvsStats::packetsIn),
        new Family(MetricNames.VS_PACKETS_OUT_TOTAL, "Packets from the IPVS virtual server to clients", true, IpvsStats::packetsOut),
        new Family(MetricNames.VS_BYTES_IN_TOTAL, "Bytes from clients to the IPVS virtual server", true, IpvsStats::bytesIn),
        new Family(MetricNames.VS_BYTES_OUT_TOTAL, "Bytes from the IPVS virtual server to clients", true, IpvsStats::bytesOut),
        new Family(MetricNames.VS_CONNECTIONS_PER_SECOND, "Kernel estimate of connections per second", false, IpvsStats::connectionsPerSecond),
        new Family(MetricNames.VS_PACKETS_IN_PER_SECOND, "Kernel estimate of incoming packets per second", false, IpvsStats::packetsInPerSecond),
        new Family(MetricNames.VS_PACKETS_OUT_PER_SECOND, "Kernel estimate of outgoing packets per second", false, IpvsStats::packetsOutPerSecond),
        new Family(MetricNames.VS_BYTES_IN_PER_SECOND, "Kernel estimate of incoming bytes per second", false, IpvsStats::bytesInPerSecond),
        new Family(MetricNames.VS_BYTES_OUT_PER_SECOND, "Kernel estimate of outgoing bytes per second", false, IpvsStats::bytesOutPerSecond));

    private static final byte[][] HEADERS = FAMILIES.stream().map(Family::header).toArray(byte[][]::new);
    private static final byte[][] NAMES = FAMILIES.stream().map(f -> f.name().getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

    private final Supplier<? extends Collection<ServiceEntry>> dump;
    private final Function<ServiceKey, Optional<VirtualServerLabels>> labeler;
    private final long cacheForMillis;
    private final Clock clock;

    // guarded by this: scrapes are serialised so that concurrent ones share a dump
    private List<ServiceEntry> cached;
    private long cachedAtMillis;
    private long dumps;
    private long dumpErrors;
    private double lastDumpSeconds;
    private boolean failing;
    private Map<ServiceKey, LabelBlock> labelBlocks = new HashMap<>();

    /** A virtual server's label block, {@code {namespace="...",...}}, for the owner it was built for. */
    private record LabelBlock(VirtualServerLabels owner, byte[] bytes) {}

    /**
     * @param dump     reads every virtual server with its counters in one go ({@code ipvs::services})
     * @param labeler  the Service port a virtual server belongs to, or empty for one that is not ours; called once
     *                 per virtual server per scrape, so it should be a map lookup
     * @param cacheFor how long a dump answers scrapes (0 = a dump per scrape)
     * @param clock    for the cache's age only
     */
    public IpvsStatsCollector(Supplier<? extends Collection<ServiceEntry>> dump,
                              Function<ServiceKey, Optional<VirtualServerLabels>> labeler,
                              Duration cacheFor, Clock clock) {
        this.dump = Objects.requireNonNull(dump, "dump");
        this.labeler = Objects.requireNonNull(labeler, "labeler");
        this.cacheForMillis = cacheFor.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Dumps made so far (a benchmark or test divides by scrapes). */
    public synchronized long dumps() {
        return dumps;
    }

    /** Writes this collector's metric families in the Prometheus text format 0.0.4. */
    public synchronized void writeTo(OutputStream out) throws IOException {
        List<ServiceEntry> entries = entries();
        int n = entries.size();
        byte[][] blocks = new byte[n][];
        IpvsStats[] stats = new IpvsStats[n];
        int owned = 0;
        Map<ServiceKey, LabelBlock> next = new HashMap<>(Math.max(16, n * 4 / 3));
        for (ServiceEntry e : entries) {
            Optional<VirtualServerLabels> owner;
            try {
                owner = labeler.apply(e.key());
            } catch (RuntimeException ex) {
                // one bad lookup must not cost the whole scrape
                log.warn("cannot label IPVS virtual server {}: {}", e.key(), ex.toString());
                owner = Optional.empty();
            }
            if (owner.isEmpty()) {
                continue;
            }
            LabelBlock block = labelBlocks.get(e.key());
            if (block == null || !block.owner().equals(owner.get())) {
                block = new LabelBlock(owner.get(), labelBlock(e.key(), owner.get()));
            }
            next.put(e.key(), block);
            blocks[owned] = block.bytes();
            stats[owned] = e.stats();
            owned++;
        }
        labelBlocks = next; // forget virtual servers that are gone

        TextWriter w = new TextWriter(out);
        for (int f = 0; f < FAMILIES.size(); f++) {
            ToLongFunction<IpvsStats> value = FAMILIES.get(f).value();
            w.bytes(HEADERS[f]);
            for (int i = 0; i < owned; i++) {
                w.bytes(NAMES[f]);
                w.bytes(blocks[i]);
                w.ascii(' ');
                w.unsignedLong(value.applyAsLong(stats[i]));
                w.ascii('\n');
            }
        }
        w.bytes(("# HELP " + MetricNames.IPVS_STATS_DUMPS_TOTAL + " IPVS dumps made to answer scrapes\n# TYPE "
            + MetricNames.IPVS_STATS_DUMPS_TOTAL + " counter\n" + MetricNames.IPVS_STATS_DUMPS_TOTAL + " " + dumps + "\n"
            + "# HELP " + MetricNames.IPVS_STATS_DUMP_ERRORS_TOTAL + " IPVS dumps for scrapes that failed\n# TYPE "
            + MetricNames.IPVS_STATS_DUMP_ERRORS_TOTAL + " counter\n" + MetricNames.IPVS_STATS_DUMP_ERRORS_TOTAL + " " + dumpErrors + "\n"
            + "# HELP " + MetricNames.IPVS_STATS_DUMP_DURATION + " Duration of the last IPVS stats dump\n# TYPE "
            + MetricNames.IPVS_STATS_DUMP_DURATION + " gauge\n" + MetricNames.IPVS_STATS_DUMP_DURATION + " " + lastDumpSeconds + "\n"
            + "# HELP " + MetricNames.IPVS_STATS_FOREIGN_VIRTUAL_SERVERS + " Virtual servers in the last dump that belong to no Service of this proxier\n# TYPE "
            + MetricNames.IPVS_STATS_FOREIGN_VIRTUAL_SERVERS + " gauge\n" + MetricNames.IPVS_STATS_FOREIGN_VIRTUAL_SERVERS + " " + (n - owned) + "\n")
            .getBytes(StandardCharsets.UTF_8));
        w.flush();
    }

    private List<ServiceEntry> entries() {
        long now = clock.millis();
        if (cached != null && now - cachedAtMillis < cacheForMillis && now >= cachedAtMillis) {
            return cached;
        }
        long start = System.nanoTime();
        try {
            dumps++;
            cached = List.copyOf(dump.get());
            cachedAtMillis = now;
            lastDumpSeconds = (System.nanoTime() - start) / 1e9;
            if (failing) {
                log.info("IPVS stats dump works again ({} virtual servers)", cached.size());
                failing = false;
            }
            return cached;
        } catch (RuntimeException e) {
            dumpErrors++;
            cached = null;
            lastDumpSeconds = (System.nanoTime() - start) / 1e9;
            if (!failing) {
                // once per failure streak: a scrape every 15 s must not flood the log
                log.warn("IPVS stats dump failed; scrapes carry no per virtual server traffic until it works: {}", e.toString());
                failing = true;
            }
            return List.of();
        }
    }

    /** {@code {namespace="..",port="..",port_name="..",protocol="..",service="..",vip=".."}}, labels sorted by name. */
    static byte[] labelBlock(ServiceKey key, VirtualServerLabels owner) {
        String protocol;
        String vip;
        String port;
        if (key.isFwmark()) {
            protocol = "";
            vip = key.toString();
            port = "";
        } else {
            protocol = key.protocol().name();
            vip = Addresses.text(key.address());
            port = Integer.toString(key.port());
        }
        StringBuilder sb = new StringBuilder(128).append('{');
        label(sb, MetricNames.LABEL_NAMESPACE, owner.namespace()).append(',');
        label(sb, MetricNames.LABEL_PORT, port).append(',');
        label(sb, MetricNames.LABEL_PORT_NAME, owner.portName()).append(',');
        label(sb, MetricNames.LABEL_PROTOCOL, protocol).append(',');
        label(sb, MetricNames.LABEL_SERVICE, owner.service()).append(',');
        label(sb, MetricNames.LABEL_VIP, vip).append('}');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** name="value" with the text format's escapes (backslash, double quote, line feed). */
    private static StringBuilder label(StringBuilder sb, String name, String value) {
        sb.append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.append('"');
    }

    /** A buffered writer of ASCII and bytes, with an allocation-free unsigned long formatter. */
    private static final class TextWriter {
        private final OutputStream out;
        private final byte[] buf = new byte[64 * 1024];
        private final byte[] digits = new byte[20];
        private int pos;

        TextWriter(OutputStream out) {
            this.out = out;
        }

        void bytes(byte[] b) throws IOException {
            if (b.length > buf.length - pos) {
                flush();
                if (b.length > buf.length) {
                    out.write(b);
                    return;
                }
            }
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        void ascii(char c) throws IOException {
            if (pos == buf.length) {
                flush();
            }
            buf[pos++] = (byte) c;
        }

        /** IPVS counters are unsigned 64-bit: a Java long above 2^63 is negative and must print as its unsigned value. */
        void unsignedLong(long v) throws IOException {
            if (v < 0) {
                bytes(Long.toUnsignedString(v).getBytes(StandardCharsets.US_ASCII));
                return;
            }
            int i = digits.length;
            do {
                digits[--i] = (byte) ('0' + (v % 10));
                v /= 10;
            } while (v != 0);
            int len = digits.length - i;
            if (len > buf.length - pos) {
                flush();
            }
            System.arraycopy(digits, i, buf, pos, len);
            pos += len;
        }

        void flush() throws IOException {
            if (pos > 0) {
                out.write(buf, 0, pos);
                pos = 0;
            }
        }
    }
}

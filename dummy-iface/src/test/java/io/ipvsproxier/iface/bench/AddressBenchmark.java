package io.ipvsproxier.iface.bench;

import io.ipvsproxier.iface.AddressSyncResult;
import io.ipvsproxier.iface.RtnetlinkInterfaces;
import io.ipvsproxier.netlink.SyscallCounter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Binds N IPv4 /32 addresses (10.100.0.0 onward) to a dummy link and removes them again, with this library
 * ({@link RtnetlinkInterfaces#syncAddresses}: one dump, then batches) and with {@code ip -batch} running the
 * same add/del commands; lists them with both; prints times, ratios and the system calls the library made.
 * Needs root and a kernel with the dummy driver: run it through {@code bin/bench-addresses}.
 *
 * <p>Arguments: {@code [--count N] [--rounds N] [--link NAME]} (defaults 20000, 2, kube-ipvs0). Each round
 * binds, lists and unbinds with both tools; with several rounds the best time of each is printed too, which
 * filters out the noise of other work on the machine.
 */
public final class AddressBenchmark {
    private static final int WARM_UP_ADDRESSES = 2000;

    private final String link;
    private final int count;
    private final int rounds;
    private final List<String> notes = new ArrayList<>();

    private AddressBenchmark(String link, int count, int rounds) {
        this.link = link;
        this.count = count;
        this.rounds = rounds;
    }

    public static void main(String[] args) throws Exception {
        String link = "kube-ipvs0";
        int count = 20_000;
        int rounds = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--link" -> link = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException(
                    "unknown argument " + args[i] + "; use [--count N] [--rounds N] [--link NAME]");
            }
        }
        if (count < 1 || count > 65_536) {
            throw new IllegalArgumentException("--count must be 1..65536 (addresses come from 10.100.0.0/16)");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1");
        }
        new AddressBenchmark(link, count, rounds).run();
    }

    private record Timed<T>(T value, long nanos) {
        double seconds() {
            return nanos / 1e9;
        }
    }

    private static <T> Timed<T> time(Supplier<T> work) {
        long t0 = System.nanoTime();
        T value = work.get();
        return new Timed<>(value, System.nanoTime() - t0);
    }

    /** One round's times in seconds; the list times are the faster of the two listings each tool made. */
    private record Round(double libBind, double libList, double libUnbind, double ipBind, double ipList, double ipUnbind) {}

    private void run() throws IOException {
        Set<InetAddress> addresses = range(10, 100, count);
        Path addFile = Files.createTempFile("bench-ip-add", ".batch");
        Path delFile = Files.createTempFile("bench-ip-del", ".batch");
        Path emptyFile = Files.createTempFile("bench-ip-empty", ".batch");
        try (RtnetlinkInterfaces filtered = RtnetlinkInterfaces.open();
             RtnetlinkInterfaces unfiltered = RtnetlinkInterfaces.open(RtnetlinkInterfaces.DEFAULT_RECEIVE_TIMEOUT, false)) {
            writeBatch(addFile, "address add", addresses);
            writeBatch(delFile, "address del", addresses);
            filtered.ensureDummyLink(link);
            require(filtered.syncAddresses(link, Set.of()));

            // Warm-up: lets the JIT compile the encode/decode paths, as they would be in a long-running proxier.
            Set<InetAddress> warmUp = range(10, 99, WARM_UP_ADDRESSES);
            for (int i = 0; i < 3; i++) {
                require(filtered.syncAddresses(link, warmUp));
                filtered.addresses(link);
                unfiltered.addresses(link);
                require(filtered.syncAddresses(link, Set.of()));
            }
            double ipStartup = Math.min(ipBatch(emptyFile).seconds(), ipBatch(emptyFile).seconds());

            SyscallCounter c = filtered.syscalls();
            List<Round> results = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                // --- the library
                long s0 = c.sends();
                long r0 = c.receives();
                Timed<AddressSyncResult> libBind = time(() -> filtered.syncAddresses(link, addresses));
                require(libBind.value());
                expectCount(libBind.value().added().size(), "addresses the library bound");
                String bindCalls = (c.sends() - s0) + " sends / " + (c.receives() - r0) + " receives";

                s0 = c.sends();
                r0 = c.receives();
                Timed<Set<InetAddress>> libList = time(() -> filtered.addresses(link));
                expectCount(libList.value().size(), "addresses the library listed");
                String listCalls = (c.sends() - s0) + " sends / " + (c.receives() - r0) + " receives";
                Timed<Integer> ipListOfLib = time(this::ipListCount);
                expectCount(ipListOfLib.value(), "addresses ip listed after the library bound them");
                if (round == 1) {
                    compareListings(filtered, unfiltered);
                }

                s0 = c.sends();
                r0 = c.receives();
                Timed<AddressSyncResult> libUnbind = time(() -> filtered.syncAddresses(link, Set.of()));
                require(libUnbind.value());
                expectCount(libUnbind.value().removed().size(), "addresses the library unbound");
                String unbindCalls = (c.sends() - s0) + " sends / " + (c.receives() - r0) + " receives";

                // --- ip -batch with the same commands
                Timed<Integer> ipBind = ipBatch(addFile);
                expectCount(filtered.addresses(link).size(), "addresses ip -batch bound");
                Timed<Integer> ipList = time(this::ipListCount);
                expectCount(ipList.value(), "addresses ip listed");
                Timed<Set<InetAddress>> libListOfIp = time(() -> filtered.addresses(link));
                Timed<Integer> ipUnbind = ipBatch(delFile);
                expectCount(count - filtered.addresses(link).size(), "addresses ip -batch unbound");

                results.add(new Round(libBind.seconds(), Math.min(libList.seconds(), libListOfIp.seconds()), libUnbind.seconds(),
                    ipBind.seconds() , Math.min(ipList.seconds(), ipListOfLib.seconds()), ipUnbind.seconds()));
                if (round == 1) {
                    notes.add(String.format(Locale.ROOT, "library system calls: bind %s (a link lookup, an address dump, then"
                        + " the batch), list %s (a link lookup and one address dump), unbind %s", bindCalls, listCalls, unbindCalls));
                }
            }

            System.out.printf(Locale.ROOT, "%d IPv4 /32 addresses on %s, %d round(s) in one kernel boot (kernel %s)%n",
                count, link, rounds, System.getProperty("os.version"));
            for (int i = 0; i < results.size(); i++) {
                table("round " + (i + 1), results.get(i));
            }
            Round best = new Round(
                results.stream().mapToDouble(Round::libBind).min().orElseThrow(),
                results.stream().mapToDouble(Round::libList).min().orElseThrow(),
                results.stream().mapToDouble(Round::libUnbind).min().orElseThrow(),
                results.stream().mapToDouble(Round::ipBind).min().orElseThrow(),
                results.stream().mapToDouble(Round::ipList).min().orElseThrow(),
                results.stream().mapToDouble(Round::ipUnbind).min().orElseThrow());
            if (results.size() > 1) {
                table("best of " + results.size(), best);
            }
            System.out.printf(Locale.ROOT, "ip start-up alone (ip -batch of an empty file): %.3f s; best ratios without it:"
                    + " bind %.1fx, unbind %.1fx%n", ipStartup,
                (best.ipBind() - ipStartup) / best.libBind(), (best.ipUnbind() - ipStartup) / best.libUnbind());
            notes.forEach(System.out::println);
            System.out.println("ip -batch sends one request per command and waits for its ACK before the next one.");
        } finally {
            Files.deleteIfExists(addFile);
            Files.deleteIfExists(delFile);
            Files.deleteIfExists(emptyFile);
        }
    }

    /** Kernel-filtered per-link dumps (strict checking) against a full dump filtered here, alternating. */
    private void compareListings(RtnetlinkInterfaces filtered, RtnetlinkInterfaces unfiltered) {
        expectCount(unfiltered.addresses(link).size(), "addresses the library listed (full dump, filtered here)");
        List<Double> kernelFiltered = new ArrayList<>();
        List<Double> clientFiltered = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            kernelFiltered.add(time(() -> filtered.addresses(link)).seconds());
            clientFiltered.add(time(() -> unfiltered.addresses(link)).seconds());
        }
        notes.add(String.format(Locale.ROOT, "library list, median of 5: kernel-filtered dump (strict checking) %.3f s,"
            + " full dump filtered here %.3f s", median(kernelFiltered), median(clientFiltered)));
        Timed<Integer> discovery = time(() -> filtered.nodeAddresses().size());
        notes.add(String.format(Locale.ROOT, "node address discovery (a link dump + one address dump of all links): %.3f s,"
            + " %d addresses", discovery.seconds(), discovery.value()));
    }

    private void table(String title, Round r) {
        System.out.printf(Locale.ROOT, "%n%-22s %11s %13s %13s%n", title, "library", "ip -batch", "ip / library");
        row("bind " + count, r.libBind(), r.ipBind());
        row("list " + count, r.libList(), r.ipList());
        row("unbind " + count, r.libUnbind(), r.ipUnbind());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static void row(String what, double library, double ip) {
        System.out.printf(Locale.ROOT, "%-22s %9.3f s %11.3f s %12.1fx%n", what, library, ip, ip / library);
    }

    private void expectCount(int actual, String what) {
        if (actual != count) {
            throw new IllegalStateException(what + ": " + actual + ", expected " + count);
        }
    }

    private static void require(AddressSyncResult r) {
        if (!r.ok()) {
            throw new IllegalStateException("sync failed for " + r.failed().size() + " addresses, e.g. " + r.failed().entrySet().iterator().next());
        }
    }

    /** {@code ip -o addr show dev LINK}, counting its lines (one per address). */
    private int ipListCount() {
        Process p = start("ip", "-o", "addr", "show", "dev", link);
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            finish(p, "ip -o addr show");
            return (int) out.lines().filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Timed<Integer> ipBatch(Path file) {
        return time(() -> {
            Process p = start("ip", "-batch", file.toString());
            try {
                p.getInputStream().transferTo(System.err);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            finish(p, "ip -batch " + file);
            return 0;
        });
    }

    private static Process start(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        }
    }

    private static void finish(Process p, String what) {
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed with status " + (p.isAlive() ? "(still running)" : p.exitValue()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void writeBatch(Path file, String command, Set<InetAddress> addresses) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (InetAddress a : addresses) {
            sb.append(command).append(' ').append(a.getHostAddress()).append("/32 dev ").append(link).append('\n');
        }
        Files.writeString(file, sb);
    }

    /** {@code a.b.0.0} + 0 .. n-1. */
    private static Set<InetAddress> range(int a, int b, int n) {
        Set<InetAddress> out = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            try {
                out.add(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) (i >> 8), (byte) i}));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}

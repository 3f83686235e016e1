package io.ipvsproxier.proxier.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where the lab's CPU went during a window, from {@code /proc}: every native thread of this JVM and of another process (the API
 * server) by name (the collector and compiler threads included, which {@code ThreadMXBean} does not list), and the machine's user, system, softirq and idle time. The lab kernel has one CPU, so the
 * parts add up to the window's wall time and show what the proxier waited for.
 */
final class CpuAccount {
    /** USER_HZ: the unit of the tick counts in /proc. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long otherPid;
    private final Map<String, Long> threads;
    private final Map<String, Long> other;
    private final long[] machine;

    private CpuAccount(long otherPid, Map<String, Long> threads, Map<String, Long> other, long[] machine) {
        this.otherPid = otherPid;
        this.threads = threads;
        this.other = other;
        this.machine = machine;
    }

    /** A snapshot now, of this JVM and of process {@code otherPid}. */
    static CpuAccount take(long otherPid) {
        return new CpuAccount(otherPid, threadsOf("self"), threadsOf(Long.toString(otherPid)), machineTicks());
    }

    /** What was used between {@code this} snapshot and now, in one line. */
    String since(String otherName) {
        CpuAccount now = take(otherPid);
        Map<String, Long> delta = delta(threads, now.threads);
        Map<String, Long> otherDelta = delta(other, now.other);
        long[] m = new long[machine.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = now.machine[i] - machine[i];
        }
        return String.format(Locale.ROOT, "CPU s in the window: this JVM %s; %s %s; lab user %.2f, system %.2f, "
                + "softirq %.2f, idle %.2f",
            summary(delta), otherName, summary(otherDelta),
            (m[0] + m[1]) / TICKS_PER_SECOND, m[2] / TICKS_PER_SECOND, m[6] / TICKS_PER_SECOND,
            (m[3] + m[4]) / TICKS_PER_SECOND);
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new HashMap<>();
        after.forEach((name, ticks) -> delta.merge(name, ticks - before.getOrDefault(name, 0L), Long::sum));
        return delta;
    }

    /** "total (the busiest threads)", in seconds. */
    private static String summary(Map<String, Long> delta) {
        String top = delta.entrySet().stream().filter(e -> e.getValue() > 0)
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
            .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / TICKS_PER_SECOND))
            .collect(Collectors.joining(", "));
        // A pool that shrank (the JIT retires idle compiler threads) shows a negative delta: its gone thread's
        // time is unknown, so it counts as nothing rather than as less than nothing.
        long total = delta.values().stream().mapToLong(Long::longValue).filter(v -> v > 0).sum();
        return String.format(Locale.ROOT, "%.2f (%s)", total / TICKS_PER_SECOND, top);
    }

    /** utime + stime of every thread of a process, summed by name with pool numbers folded; empty once it is gone. */
    private static Map<String, Long> threadsOf(String pid) {
        Map<String, Long> byName = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", pid, "task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                        .replaceAll("[-#]?\\d+$", "*");
                    byName.merge(name, ticksOf(stat), Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between the listing and the read
                }
            });
        } catch (IOException e) {
            return byName;
        }
        return byName;
    }

    /** Fields 14 and 15 of a stat line (utime, stime), counted after the parenthesised command name. */
    private static long ticksOf(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The first line of /proc/stat: user nice system idle iowait irq softirq steal. */
    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long[] t = new long[8];
            for (int i = 0; i < t.length; i++) {
                t[i] = Long.parseLong(f[i + 1]);
            }
            return t;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat", e);
        }
    }
}

package io.ipvsproxier.ipvsctl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Wall-clock time spent per phase of a run (opening netlink, kernel requests, parsing, formatting, output). */
final class Timings {
    private final Map<String, Long> nanos = new LinkedHashMap<>();

    <T> T time(String phase, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            add(phase, System.nanoTime() - start);
        }
    }

    void time(String phase, Runnable work) {
        long start = System.nanoTime();
        try {
            work.run();
        } finally {
            add(phase, System.nanoTime() - start);
        }
    }

    /** Nanoseconds spent in {@code phase} so far. */
    long total(String phase) {
        return nanos.getOrDefault(phase, 0L);
    }

    void add(String phase, long elapsed) {
        nanos.merge(phase, elapsed, Long::sum);
    }

    /** {@code open 1234 ms, kernel 56 ms, ...} in the order the phases first ran. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : nanos.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append(' ').append(e.getValue() / 1_000_000).append(" ms");
        }
        return sb.toString();
    }
}

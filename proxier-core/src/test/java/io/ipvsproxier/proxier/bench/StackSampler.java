package io.ipvsproxier.proxier.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A sampling profiler for the benchmark's own JVM (JFR's sampler sees little inside User-Mode Linux): every 20 ms it
 * takes the stacks of the runnable threads and counts their top frames, so a report says where the CPU went during
 * the cold start. Enabled with {@code -Dbench.profile=true}.
 */
final class StackSampler implements Runnable {
    private static final int DEPTH = 6;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<String, Integer> counts = new HashMap<>();
    private final Thread thread = new Thread(this, "stack-sampler");
    private volatile boolean running = true;
    private int samples;

    static StackSampler start() {
        StackSampler s = new StackSampler();
        s.thread.setDaemon(true);
        s.thread.start();
        return s;
    }

    @Override
    public void run() {
        long self = Thread.currentThread().getId();
        while (running) {
            for (ThreadInfo t : threads.dumpAllThreads(false, false, DEPTH)) {
                if (t.getThreadId() == self || t.getThreadState() != Thread.State.RUNNABLE || t.getStackTrace().length == 0) {
                    continue;
                }
                StackTraceElement top = t.getStackTrace()[0];
                if (top.isNativeMethod()) {
                    continue; // mostly waiting in a system call (receive, poll, accept)
                }
                StringBuilder key = new StringBuilder(t.getThreadName().replaceAll("-\\d+$", "-*")).append(": ");
                for (int i = 0; i < t.getStackTrace().length; i++) {
                    StackTraceElement f = t.getStackTrace()[i];
                    key.append(i == 0 ? "" : " < ").append(f.getClassName().replaceAll("^.*\\.", "")).append('.').append(f.getMethodName());
                }
                counts.merge(key.toString(), 1, Integer::sum);
                samples++;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    String stopAndReport(int top) {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "stack samples (" + samples + " runnable, in Java code):\n" + counts.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
            .map(e -> String.format("  %5d  %s", e.getValue(), e.getKey())).collect(Collectors.joining("\n"));
    }
}

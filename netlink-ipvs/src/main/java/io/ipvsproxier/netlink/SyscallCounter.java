package io.ipvsproxier.netlink;

import java.util.concurrent.atomic.LongAdder;

/** Send and receive system calls made on a socket; read by benchmarks and metrics. */
public final class SyscallCounter {
    private final LongAdder sends = new LongAdder();
    private final LongAdder receives = new LongAdder();

    void countSend() {
        sends.increment();
    }

    void countReceive() {
        receives.increment();
    }

    public long sends() {
        return sends.sum();
    }

    public long receives() {
        return receives.sum();
    }
}

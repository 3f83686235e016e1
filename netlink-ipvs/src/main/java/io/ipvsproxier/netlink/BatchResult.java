package io.ipvsproxier.netlink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The outcome of every operation of a batch, in the order they were given. */
public final class BatchResult {

    /** What happened to one operation. */
    public enum Status {
        /** The kernel accepted it. */
        OK,
        /** The kernel refused it with an errno that means its state already was the wanted one. */
        ALREADY_DONE,
        /** The kernel refused it. */
        FAILED,
        /** Replies were lost (ENOBUFS) or the batch broke off: the kernel's state is unknown; re-dump. */
        UNKNOWN
    }

    /** The outcome of the operation at {@code index}; errno and message are set for FAILED and ALREADY_DONE. */
    public record Outcome(int index, Status status, int errno, String kernelMessage) {
        public boolean succeeded() {
            return status == Status.OK || status == Status.ALREADY_DONE;
        }
    }

    private final List<? extends NetlinkRequest> requests;
    private final Outcome[] outcomes;
    private final long sends;
    private final long receives;

    BatchResult(List<? extends NetlinkRequest> requests, Outcome[] outcomes, long sends, long receives) {
        this.requests = requests;
        this.outcomes = outcomes;
        this.sends = sends;
        this.receives = receives;
    }

    public List<Outcome> outcomes() {
        return Collections.unmodifiableList(java.util.Arrays.asList(outcomes));
    }

    public Outcome outcome(int index) {
        return outcomes[index];
    }

    public NetlinkRequest request(int index) {
        return requests.get(index);
    }

    public int size() {
        return outcomes.length;
    }

    /** Operations that neither succeeded nor were already done. */
    public List<Outcome> failures() {
        List<Outcome> out = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (!o.succeeded()) {
                out.add(o);
            }
        }
        return out;
    }

    public boolean allSucceeded() {
        for (Outcome o : outcomes) {
            if (!o.succeeded()) {
                return false;
            }
        }
        return true;
    }

    /** True when some replies were lost: the caller must re-read kernel state before trusting it. */
    public boolean stateUnknown() {
        for (Outcome o : outcomes) {
            if (o.status() == Status.UNKNOWN) {
                return true;
            }
        }
        return false;
    }

    public long count(Status status) {
        long n = 0;
        for (Outcome o : outcomes) {
            if (o.status() == status) {
                n++;
            }
        }
        return n;
    }

    /** send(2) calls the batch made. */
    public long sends() {
        return sends;
    }

    /** recv(2) calls the batch made. */
    public long receives() {
        return receives;
    }

    /** One line per failure: {@code add dest ...: EEXIST (File exists)}. */
    public String describeFailures() {
        StringBuilder sb = new StringBuilder();
        for (Outcome o : failures()) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(requests.get(o.index()).describe()).append(": ");
            if (o.status() == Status.UNKNOWN) {
                sb.append("kernel state unknown (replies lost, ENOBUFS)");
            } else {
                sb.append(Errno.name(o.errno())).append(" (").append(Errno.message(o.errno())).append(')');
                if (o.kernelMessage() != null) {
                    sb.append(": ").append(o.kernelMessage());
                }
            }
        }
        return sb.toString();
    }
}

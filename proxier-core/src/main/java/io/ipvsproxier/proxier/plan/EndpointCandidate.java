package io.ipvsproxier.proxier.plan;

import io.ipvsproxier.ipvs.RealServer;
import java.util.Objects;

/**
 * One endpoint address:port of a Service port, with the EndpointSlice conditions that decide whether it becomes
 * a real server. {@code serving} defaults to {@code ready} and {@code terminating} to false, as the API defines.
 */
record EndpointCandidate(RealServer.Endpoint endpoint, boolean ready, boolean serving, boolean terminating, boolean local) {
    // Written out: the record's generated equals/hashCode run through method-handle chains that the C1-only JIT
    // does not inline, and planning compares candidates for every endpoint of every Service.
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof EndpointCandidate c && ready == c.ready && serving == c.serving
            && terminating == c.terminating && local == c.local && Objects.equals(endpoint, c.endpoint);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(endpoint) * 31 + (ready ? 8 : 0) + (serving ? 4 : 0) + (terminating ? 2 : 0) + (local ? 1 : 0);
    }

    /** Serving but on its way out: used only when no endpoint is ready (KEP-1669). */
    boolean servingTerminating() {
        return serving && terminating;
    }

    /**
     * The copy to keep when one endpoint is listed twice (in two slices while the EndpointSlice controller moves
     * it): the more usable one, so that a stale copy never drops a working backend; and local if either copy
     * says so, as kube-proxy's EndpointSliceCache favours the local copy.
     */
    EndpointCandidate merge(EndpointCandidate other) {
        EndpointCandidate better = other.rank() > rank() ? other : this;
        return new EndpointCandidate(endpoint, better.ready, better.serving, better.terminating, local || other.local);
    }

    private int rank() {
        return ready ? 2 : servingTerminating() ? 1 : 0;
    }
}

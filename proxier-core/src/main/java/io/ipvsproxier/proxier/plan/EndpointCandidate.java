package io.ipvsproxier.proxier.plan;

import io.ipvsproxier.ipvs.RealServer;

/**
 * One endpoint address:port of a Service port, with the EndpointSlice conditions that decide whether it becomes
 * a real server. {@code serving} defaults to {@code ready} and {@code terminating} to false, as the API defines.
 */
record EndpointCandidate(RealServer.Endpoint endpoint, boolean ready, boolean serving, boolean terminating, boolean local) {

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

package io.ipvsproxier.netlink;

import java.util.List;

/** Builds {@link BatchResult}s for tests outside the netlink package (its constructor is package-private). */
public final class TestBatchResults {
    private TestBatchResults() {}

    public static BatchResult of(List<? extends NetlinkRequest> requests, List<BatchResult.Outcome> outcomes, long sends) {
        return new BatchResult(requests, outcomes.toArray(BatchResult.Outcome[]::new), sends, sends);
    }
}

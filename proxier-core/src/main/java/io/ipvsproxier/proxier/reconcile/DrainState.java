package io.ipvsproxier.proxier.reconcile;

import java.time.Instant;

/**
 * A removed real server waiting at weight 0 for its connections to end: since when, and when it is deleted
 * whatever its connections.
 */
public record DrainState(Instant since, Instant deadline) {
}

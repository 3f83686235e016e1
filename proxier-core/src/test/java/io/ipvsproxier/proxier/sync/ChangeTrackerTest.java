package io.ipvsproxier.proxier.sync;

import static io.ipvsproxier.proxier.testing.TestPlans.ref;
import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.proxier.plan.ServiceRef;
import io.ipvsproxier.proxier.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChangeTrackerTest {
    static final ServiceRef WEB = ref("default/web");
    static final ServiceRef DNS = ref("kube-system/dns");

    final ManualClock clock = new ManualClock();
    final ChangeTracker tracker = new ChangeTracker(clock);

    @Test
    void countsPendingServicesAndTotalEvents() {
        tracker.serviceChanged(WEB);
        tracker.serviceChanged(WEB);
        tracker.endpointSliceChanged(WEB, null);
        tracker.endpointSliceChanged(DNS, null);
        tracker.endpointSliceChanged(DNS, null);

        assertThat(tracker.pendingServiceChanges()).isEqualTo(1);
        assertThat(tracker.pendingEndpointChanges()).isEqualTo(2);
        assertThat(tracker.totalServiceChanges()).isEqualTo(2);
        assertThat(tracker.totalEndpointChanges()).isEqualTo(3);
        assertThat(tracker.hasPending()).isTrue();
    }

    @Test
    void stampsTheFirstAndLastQueueTimes() {
        Instant t0 = clock.instant();
        assertThat(tracker.firstPendingQueuedAt()).isEmpty();

        tracker.serviceChanged(WEB);
        clock.advance(Duration.ofMillis(300));
        tracker.endpointSliceChanged(DNS, null);

        assertThat(tracker.firstPendingQueuedAt()).contains(t0);
        assertThat(tracker.lastQueuedAt()).contains(t0.plusMillis(300));
    }

    @Test
    void takeHandsOverEverythingAndLeavesNothingPending() {
        Instant trigger = clock.instant().minusSeconds(2);
        Instant t0 = clock.instant();
        tracker.serviceChanged(WEB);
        tracker.endpointSliceChanged(DNS, trigger);
        tracker.endpointSliceChanged(WEB, null);

        PendingChanges taken = tracker.take();

        assertThat(taken.serviceChanges()).containsExactly(WEB);
        assertThat(taken.endpointChanges()).containsExactlyInAnyOrder(WEB, DNS);
        assertThat(taken.services()).containsExactlyInAnyOrder(WEB, DNS);
        assertThat(taken.firstQueuedAt()).isEqualTo(t0);
        assertThat(taken.triggerTimes()).containsExactly(new TriggerTime(DNS, trigger));
        assertThat(taken.fullSyncRequested()).isFalse();
        assertThat(tracker.hasPending()).isFalse();
        assertThat(tracker.pendingServiceChanges()).isZero();
        assertThat(tracker.pendingEndpointChanges()).isZero();
        assertThat(tracker.firstPendingQueuedAt()).isEmpty();
        assertThat(tracker.totalEndpointChanges()).isEqualTo(2);
        assertThat(tracker.take().isEmpty()).isTrue();
    }

    @Test
    void requeuePutsBackWhatAFailedSyncTookKeepingTheOldestQueueTime() {
        Instant t0 = clock.instant();
        tracker.endpointSliceChanged(WEB, t0.minusSeconds(1));
        PendingChanges taken = tracker.take();
        clock.advance(Duration.ofSeconds(1));
        tracker.serviceChanged(DNS);

        tracker.requeue(taken);

        PendingChanges again = tracker.take();
        assertThat(again.endpointChanges()).containsExactly(WEB);
        assertThat(again.serviceChanges()).containsExactly(DNS);
        assertThat(again.firstQueuedAt()).isEqualTo(t0);
        assertThat(again.triggerTimes()).hasSize(1);
        assertThat(tracker.totalEndpointChanges()).isEqualTo(1);
    }

    @Test
    void aNodeChangeAsksForAFullSync() {
        tracker.nodeChanged();

        assertThat(tracker.fullSyncRequested()).isTrue();
        assertThat(tracker.hasPending()).isTrue();
        assertThat(tracker.take().fullSyncRequested()).isTrue();
        assertThat(tracker.fullSyncRequested()).isFalse();
    }

    @Test
    void everyChangeWakesTheListener() {
        AtomicInteger wakes = new AtomicInteger();
        tracker.onChange(wakes::incrementAndGet);

        tracker.serviceChanged(WEB);
        tracker.endpointSliceChanged(WEB, null);
        tracker.nodeChanged();

        assertThat(wakes).hasValue(3);
    }
}

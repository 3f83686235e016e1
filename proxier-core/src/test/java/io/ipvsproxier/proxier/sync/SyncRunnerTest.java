package io.ipvsproxier.proxier.sync;

import static io.ipvsproxier.proxier.testing.TestPlans.clusterIp;
import static io.ipvsproxier.proxier.testing.TestPlans.plan;
import static io.ipvsproxier.proxier.testing.TestPlans.ref;
import static io.ipvsproxier.proxier.testing.TestPlans.rs;
import static io.ipvsproxier.proxier.testing.TestPlans.tcp;
import static io.ipvsproxier.proxier.testing.TestPlans.vs;
import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.NetlinkException;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import io.ipvsproxier.proxier.reconcile.SyncKind;
import io.ipvsproxier.proxier.reconcile.SyncReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyncRunnerTest {
    static final Duration PERIOD = Duration.ofSeconds(30);
    static final ServiceRef WEB = ref("default/web");
    static final ServiceRef API = ref("default/api");
    static final ServiceRef DNS = ref("kube-system/dns");
    static final ServiceKey WEB_KEY = tcp("10.96.0.10", 80);
    static final ServiceKey API_KEY = tcp("10.96.0.20", 80);
    static final RealServer A = rs("10.244.1.5", 8080);
    static final RealServer B = rs("10.244.2.7", 8080);

    static ServicePlan web(RealServer... rss) {
        return plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rss));
    }

    static ServicePlan api(RealServer... rss) {
        return plan(API, clusterIp(API, vs(API_KEY, "rr"), rss));
    }

    SyncRunnerFixture started(Duration minSyncPeriod) {
        SyncRunnerFixture f = new SyncRunnerFixture(minSyncPeriod, PERIOD);
        f.plans.plans.put(WEB, web(A));
        f.plans.plans.put(API, api(A));
        f.runner.markInitialSynced();
        assertThat(f.runner.runDue().map(SyncReport::kind)).contains(SyncKind.FULL);
        f.ipvs.resetRecording();
        return f;
    }

    @Test
    void nothingRunsBeforeTheInitialSync() {
        SyncRunnerFixture f = new SyncRunnerFixture(Duration.ZERO, PERIOD);
        f.changes.serviceChanged(WEB);
        f.clock.advance(Duration.ofMinutes(5));

        assertThat(f.runner.nextRunAt()).isEmpty();
        assertThat(f.runner.runDue()).isEmpty();
        assertThat(f.plans.planAllCalls).isZero();
        assertThat(f.plans.planned).isEmpty();
        assertThat(f.ipvs.dumpCount()).isZero();
    }

    @Test
    void theFirstSyncIsFullAndCoversTheChangesQueuedBeforeIt() {
        SyncRunnerFixture f = new SyncRunnerFixture(Duration.ZERO, PERIOD);
        f.plans.plans.put(WEB, web(A));
        f.changes.serviceChanged(WEB);
        f.changes.endpointSliceChanged(WEB, null);

        f.runner.markInitialSynced();
        assertThat(f.runner.nextRunAt()).contains(f.clock.instant());
        Optional<SyncReport> report = f.runner.runDue();

        assertThat(report.map(SyncReport::kind)).contains(SyncKind.FULL);
        assertThat(f.plans.planAllCalls).isEqualTo(1);
        assertThat(f.plans.planned).isEmpty();
        assertThat(f.last().changes().services()).containsExactly(WEB);
        assertThat(f.changes.hasPending()).isFalse();
        assertThat(f.ipvs.keys()).containsExactly(WEB_KEY);
        assertThat(f.runner.nextRunAt()).contains(f.clock.instant().plus(PERIOD));
        assertThat(f.runner.runDue()).isEmpty();
    }

    @Test
    void withoutAMinSyncPeriodEveryChangeSyncsAtOnceAndOnlyItsService() {
        SyncRunnerFixture f = started(Duration.ZERO);
        f.plans.plans.put(WEB, web(A, B));
        f.changes.endpointSliceChanged(WEB, null);

        assertThat(f.runner.nextRunAt()).contains(f.clock.instant());
        SyncReport report = f.runner.runDue().orElseThrow();

        assertThat(report.kind()).isEqualTo(SyncKind.INCREMENTAL);
        assertThat(f.plans.planned).containsExactly(Set.of(WEB));
        assertThat(f.ipvs.batches()).hasSize(1);
        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.AddDestination(WEB_KEY, B));
        assertThat(f.ipvs.dumpCount()).isZero();
        assertThat(f.last().changes().endpointChanges()).containsExactly(WEB);
        assertThat(f.changes.hasPending()).isFalse();
    }

    @Test
    void aMinSyncPeriodCoalescesABurstIntoOneSync() {
        SyncRunnerFixture f = started(Duration.ofSeconds(1));
        Instant t0 = f.clock.instant();
        f.plans.plans.put(WEB, web(A, B));
        f.plans.plans.put(API, api(A, B));

        f.clock.advance(Duration.ofMillis(100));
        f.changes.endpointSliceChanged(WEB, null);
        f.clock.advance(Duration.ofMillis(100));
        f.changes.endpointSliceChanged(API, null);
        f.clock.advance(Duration.ofMillis(100));
        f.changes.serviceChanged(DNS);

        assertThat(f.runner.nextRunAt()).contains(t0.plusSeconds(1));
        f.clock.set(t0.plusMillis(500));
        assertThat(f.runner.runDue()).isEmpty();

        f.clock.set(t0.plusSeconds(1));
        SyncReport report = f.runner.runDue().orElseThrow();
        assertThat(report.kind()).isEqualTo(SyncKind.INCREMENTAL);
        assertThat(report.servicesSynced()).isEqualTo(3);
        assertThat(f.plans.planned).containsExactly(Set.of(WEB, API, DNS));
        assertThat(f.ipvs.batches()).hasSize(1);
        assertThat(f.last().changes().firstQueuedAt()).isEqualTo(t0.plusMillis(100));

        // The next change waits for the period again.
        f.clock.advance(Duration.ofMillis(200));
        f.changes.serviceChanged(WEB);
        assertThat(f.runner.nextRunAt()).contains(t0.plusSeconds(2));
        assertThat(f.runner.runDue()).isEmpty();
    }

    @Test
    void aFullSyncRunsEverySyncPeriodWhateverIncrementalSyncsRanAndHealsDrift() {
        SyncRunnerFixture f = started(Duration.ZERO);
        Instant t0 = f.clock.instant();

        f.clock.advance(Duration.ofSeconds(10));
        f.plans.plans.put(WEB, web(A, B));
        f.changes.endpointSliceChanged(WEB, null);
        assertThat(f.runner.runDue().map(SyncReport::kind)).contains(SyncKind.INCREMENTAL);
        assertThat(f.runner.nextRunAt()).contains(t0.plus(PERIOD));

        f.ipvs.clearTable();
        f.clock.set(t0.plus(PERIOD).minusMillis(1));
        assertThat(f.runner.runDue()).isEmpty();
        f.clock.set(t0.plus(PERIOD));
        assertThat(f.runner.runDue().map(SyncReport::kind)).contains(SyncKind.FULL);
        assertThat(f.ipvs.keys()).containsExactlyInAnyOrder(WEB_KEY, API_KEY);
        assertThat(f.ipvs.realServers(WEB_KEY)).hasSize(2);
        assertThat(f.runner.nextRunAt()).contains(t0.plus(PERIOD).plus(PERIOD));
    }

    @Test
    void lostRepliesInAnIncrementalSyncBringAFullSyncAtOnce() {
        SyncRunnerFixture f = started(Duration.ZERO);
        f.clock.advance(Duration.ofSeconds(5));
        f.plans.plans.put(WEB, web(A, B));
        f.changes.endpointSliceChanged(WEB, null);
        f.ipvs.loseRepliesInNextBatchFrom(0);

        SyncReport lost = f.runner.runDue().orElseThrow();
        assertThat(lost.kind()).isEqualTo(SyncKind.INCREMENTAL);
        assertThat(lost.resyncRequested()).isTrue();

        assertThat(f.runner.nextRunAt()).contains(f.clock.instant());
        assertThat(f.runner.runDue().map(SyncReport::kind)).contains(SyncKind.FULL);
        assertThat(f.ipvs.dumpCount()).isEqualTo(1);
    }

    @Test
    void failingFullSyncsAreRetriedWithBackoffUpToTheSyncPeriod() {
        SyncRunnerFixture f = new SyncRunnerFixture(Duration.ZERO, Duration.ofSeconds(5));
        f.runner.markInitialSynced();
        Instant t0 = f.clock.instant();

        f.plans.failNext = new IllegalStateException("informer cache broken");
        assertThat(f.runner.runDue()).isEmpty();
        assertThat(f.errors).containsExactly(SyncKind.FULL);
        assertThat(f.runner.nextRunAt()).contains(t0.plusSeconds(1));

        f.clock.set(t0.plusSeconds(1));
        f.ipvs.failNextDump(new NetlinkException("dump", Errno.ENOMEM, null));
        assertThat(f.runner.runDue().map(SyncReport::resyncRequested)).contains(true);
        assertThat(f.runner.nextRunAt()).contains(t0.plusSeconds(3));

        f.clock.set(t0.plusSeconds(3));
        f.plans.failNext = new IllegalStateException("still broken");
        f.runner.runDue();
        assertThat(f.runner.nextRunAt()).contains(t0.plusSeconds(7));

        f.clock.set(t0.plusSeconds(7));
        f.plans.failNext = new IllegalStateException("still broken");
        f.runner.runDue();
        assertThat(f.runner.nextRunAt()).contains(t0.plusSeconds(12)); // capped at the 5 s sync period

        f.clock.set(t0.plusSeconds(12));
        SyncReport ok = f.runner.runDue().orElseThrow();
        assertThat(ok.ok()).isTrue();
        assertThat(f.runner.nextRunAt()).contains(t0.plusSeconds(17));
    }

    @Test
    void aFailedIncrementalSyncKeepsItsChangesForTheFullSyncThatFollows() {
        SyncRunnerFixture f = started(Duration.ZERO);
        f.clock.advance(Duration.ofSeconds(5));
        f.plans.plans.put(WEB, web(A, B));
        f.changes.endpointSliceChanged(WEB, f.clock.instant().minusSeconds(1));
        f.plans.failNext = new IllegalStateException("planner bug");

        assertThat(f.runner.runDue()).isEmpty();
        assertThat(f.errors).containsExactly(SyncKind.INCREMENTAL);
        assertThat(f.changes.pendingEndpointChanges()).isEqualTo(1);

        SyncReport full = f.runner.runDue().orElseThrow();
        assertThat(full.kind()).isEqualTo(SyncKind.FULL);
        assertThat(f.last().changes().endpointChanges()).containsExactly(WEB);
        assertThat(f.last().changes().triggerTimes()).hasSize(1);
        assertThat(f.ipvs.realServers(WEB_KEY)).hasSize(2);
    }

    @Test
    void drainChecksRunWhileRealServersDrainAndStopAfterwards() {
        SyncRunnerFixture f = started(Duration.ZERO);
        f.plans.plans.put(WEB, web(A, B));
        f.changes.endpointSliceChanged(WEB, null);
        f.runner.runDue();
        f.ipvs.setConnections(WEB_KEY, B.endpoint(), 2, 0);

        f.clock.advance(Duration.ofSeconds(3));
        f.plans.plans.put(WEB, web(A));
        f.changes.endpointSliceChanged(WEB, null);
        SyncReport removed = f.runner.runDue().orElseThrow();
        assertThat(removed.drainingRealServers()).isEqualTo(1);
        Instant firstCheck = f.clock.instant().plusSeconds(5);
        assertThat(f.runner.nextRunAt()).contains(firstCheck);

        f.clock.set(firstCheck);
        SyncReport check = f.runner.runDue().orElseThrow();
        assertThat(check.kind()).isEqualTo(SyncKind.DRAIN_CHECK);
        assertThat(f.ipvs.realServers(WEB_KEY)).containsKey(B.endpoint());
        assertThat(f.runner.nextRunAt()).contains(firstCheck.plusSeconds(5));

        f.ipvs.setConnections(WEB_KEY, B.endpoint(), 0, 0);
        f.clock.set(firstCheck.plusSeconds(5));
        SyncReport done = f.runner.runDue().orElseThrow();
        assertThat(done.kind()).isEqualTo(SyncKind.DRAIN_CHECK);
        assertThat(f.ipvs.realServers(WEB_KEY)).containsOnlyKeys(A.endpoint());
        assertThat(f.last().changes()).isEqualTo(PendingChanges.NONE);
        // Nothing drains: the next thing due is the periodic full sync.
        assertThat(f.runner.nextRunAt().orElseThrow()).isAfter(firstCheck.plusSeconds(20));
    }

    @Test
    void aNodeChangeBringsAFullSyncRespectingTheMinSyncPeriod() {
        SyncRunnerFixture f = started(Duration.ofSeconds(10));
        Instant t0 = f.clock.instant();

        f.clock.advance(Duration.ofSeconds(1));
        f.changes.nodeChanged();

        assertThat(f.runner.nextRunAt()).contains(t0.plusSeconds(10));
        f.clock.set(t0.plusSeconds(10));
        assertThat(f.runner.runDue().map(SyncReport::kind)).contains(SyncKind.FULL);
        assertThat(f.plans.planned).isEmpty();
        assertThat(f.last().changes().fullSyncRequested()).isTrue();
    }

    @Test
    void requestFullSyncAsksForOne() {
        SyncRunnerFixture f = started(Duration.ZERO);
        f.clock.advance(Duration.ofSeconds(2));

        f.runner.requestFullSync();

        assertThat(f.runner.runDue().map(SyncReport::kind)).contains(SyncKind.FULL);
    }

    @Test
    void listenerFailuresDoNotStopSyncing() {
        SyncRunnerFixture f = new SyncRunnerFixture(Duration.ZERO, PERIOD);
        SyncRunner runner = new SyncRunner(f.changes, f.plans, f.reconciler, f.clock, Duration.ZERO, PERIOD,
                (report, changes) -> {
                    throw new IllegalStateException("metrics broken");
                });
        runner.markInitialSynced();

        assertThat(runner.runDue()).isPresent();
        f.changes.serviceChanged(WEB);
        assertThat(runner.runDue()).isPresent();
    }
}

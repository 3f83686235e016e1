package io.ipvsproxier.proxier.reconcile;

import static io.ipvsproxier.proxier.testing.TestPlans.clusterIp;
import static io.ipvsproxier.proxier.testing.TestPlans.ip;
import static io.ipvsproxier.proxier.testing.TestPlans.plan;
import static io.ipvsproxier.proxier.testing.TestPlans.plans;
import static io.ipvsproxier.proxier.testing.TestPlans.ref;
import static io.ipvsproxier.proxier.testing.TestPlans.rs;
import static io.ipvsproxier.proxier.testing.TestPlans.tcp;
import static io.ipvsproxier.proxier.testing.TestPlans.vs;
import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.NetlinkException;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcilerFailureTest {
    static final ServiceRef GOOD = ref("default/good");
    static final ServiceRef BAD = ref("default/bad");
    static final ServiceKey GOOD_KEY = tcp("10.96.0.10", 80);
    static final ServiceKey BAD_KEY = tcp("10.96.0.66", 80);

    final ReconcilerFixture f = new ReconcilerFixture();

    static Map<ServiceRef, ServicePlan> both(String badScheduler) {
        return plans(
                plan(GOOD, clusterIp(GOOD, vs(GOOD_KEY, "rr"), rs("10.244.1.5", 8080), rs("10.244.1.6", 8080))),
                plan(BAD, clusterIp(BAD, vs(BAD_KEY, badScheduler), rs("10.244.6.6", 8080), rs("10.244.6.7", 8080))));
    }

    @Test
    void aRefusedRealServerFailsOnlyItsServiceAndIsRetriedByTheNextFullSync() {
        IpvsOperation refused = new IpvsOperation.AddDestination(BAD_KEY, rs("10.244.6.6", 8080));
        f.ipvs.refuse(refused::equals, Errno.EINVAL);

        SyncReport report = f.reconciler.fullSync(both("rr"));

        assertThat(f.ipvs.batches()).hasSize(1);
        assertThat(f.ipvs.realServers(GOOD_KEY)).hasSize(2);
        assertThat(f.ipvs.realServers(BAD_KEY)).containsOnlyKeys(rs("10.244.6.7", 8080).endpoint());
        assertThat(report.failedOperations()).isEqualTo(1);
        assertThat(report.failuresByService()).containsOnlyKeys(BAD);
        assertThat(report.failuresByService().get(BAD)).singleElement().asString()
                .contains("add real server 10.244.6.6:8080").contains("EINVAL");
        assertThat(report.failures()).singleElement().extracting(SyncFailure::virtualServer).isEqualTo(BAD_KEY);
        assertThat(f.reconciler.programmed(BAD).orElseThrow().lastSyncFailures()).hasSize(1);
        assertThat(f.reconciler.programmed(GOOD).orElseThrow().lastSyncFailures()).isEmpty();

        f.ipvs.clearRefusals();
        f.ipvs.resetRecording();
        SyncReport retry = f.reconciler.fullSync(both("rr"));

        assertThat(f.ipvs.writes()).containsExactly(refused);
        assertThat(f.ipvs.realServers(BAD_KEY)).hasSize(2);
        assertThat(retry.ok()).isTrue();
        assertThat(f.reconciler.programmed(BAD).orElseThrow().lastSyncFailures()).isEmpty();
    }

    @Test
    void anUnknownSchedulerFailsOnlyItsService() {
        SyncReport report = f.reconciler.fullSync(both("nosuch"));

        assertThat(f.ipvs.keys()).containsExactly(GOOD_KEY);
        assertThat(f.ipvs.realServers(GOOD_KEY)).hasSize(2);
        assertThat(report.failuresByService()).containsOnlyKeys(BAD);
        assertThat(report.failuresByService().get(BAD).get(0)).contains("add virtual server").contains("ENOENT");
        assertThat(report.resyncRequested()).isFalse();

        // Fixed in the Service: the next sync adds it.
        f.reconciler.syncServices(Map.of(BAD, both("rr").get(BAD)));
        assertThat(f.ipvs.keys()).contains(BAD_KEY);
        assertThat(f.ipvs.realServers(BAD_KEY)).hasSize(2);
    }

    @Test
    void lostRepliesAskForAFullResyncWhichConverges() {
        f.ipvs.loseRepliesInNextBatchFrom(2);

        SyncReport report = f.reconciler.fullSync(both("rr"));

        assertThat(report.resyncRequested()).isTrue();
        assertThat(report.failures()).anyMatch(x -> x.message().contains("unknown outcome"));

        f.ipvs.resetRecording();
        SyncReport again = f.reconciler.fullSync(both("rr"));
        assertThat(again.ok()).isTrue();
        // The kernel had done everything: the re-read finds nothing left to write.
        assertThat(f.ipvs.writeCount()).isZero();
        assertThat(f.ipvs.realServers(BAD_KEY)).hasSize(2);
    }

    @Test
    void aFailedDumpChangesNothingAndAsksForAResync() {
        f.ipvs.failNextDump(new NetlinkException("dump services", Errno.ENOMEM, null));

        SyncReport report = f.reconciler.fullSync(both("rr"));

        assertThat(report.resyncRequested()).isTrue();
        assertThat(report.failures()).singleElement().asString().contains("reading the IPVS table").contains("ENOMEM");
        assertThat(f.ipvs.writeCount()).isZero();
        assertThat(f.reconciler.hasKernelState()).isFalse();
    }

    @Test
    void aRefusedAddressIsReportedForTheServicesOnItAndTheRestIsProgrammed() {
        f.ifaces.refuseAddress(ip("10.96.0.66"), "Cannot assign requested address");

        SyncReport report = f.reconciler.fullSync(both("rr"));

        assertThat(f.bound()).containsExactly(ip("10.96.0.10"));
        assertThat(report.failuresByService()).containsOnlyKeys(BAD);
        assertThat(report.failuresByService().get(BAD).get(0)).contains("10.96.0.66").contains("Cannot assign");
        assertThat(f.ipvs.keys()).contains(GOOD_KEY, BAD_KEY);
    }

    @Test
    void aFailedDeleteKeepsTheAddressBoundUntilARetrySucceeds() {
        f.reconciler.fullSync(both("rr"));
        f.ipvs.refuse(op -> op instanceof IpvsOperation.DeleteService, Errno.EBUSY);

        SyncReport report = f.reconciler.syncServices(Map.of(BAD, ServicePlan.empty(BAD)));

        assertThat(report.failuresByService()).containsOnlyKeys(BAD);
        assertThat(f.ipvs.keys()).contains(BAD_KEY);
        assertThat(f.bound()).contains(ip("10.96.0.66"));

        f.ipvs.clearRefusals();
        Map<ServiceRef, ServicePlan> onlyGood = both("rr");
        onlyGood.remove(BAD);
        f.reconciler.fullSync(onlyGood);
        assertThat(f.ipvs.keys()).containsExactly(GOOD_KEY);
        assertThat(f.bound()).containsExactly(ip("10.96.0.10"));
    }

    @Test
    void aBrokenPlanIsReportedAndTheRestOfItProgrammed() {
        ServicePlan twice = plan(BAD,
                clusterIp(BAD, vs(BAD_KEY, "rr"), rs("10.244.6.6", 8080), rs("10.244.6.6", 8080)),
                clusterIp(BAD, vs(BAD_KEY, "lc"), rs("10.244.6.7", 8080)));

        SyncReport report = f.reconciler.fullSync(Map.of(BAD, twice));

        assertThat(f.ipvs.server(BAD_KEY).scheduler()).isEqualTo("rr");
        assertThat(f.ipvs.realServers(BAD_KEY)).hasSize(1);
        assertThat(report.failuresByService().get(BAD)).hasSize(2);
    }
}

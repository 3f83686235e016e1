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
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceFlags;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReconcilerIncrementalTest {
    static final ServiceRef WEB = ref("default/web");
    static final ServiceRef API = ref("default/api");
    static final ServiceKey WEB_KEY = tcp("10.96.0.10", 80);
    static final ServiceKey API_KEY = tcp("10.96.0.20", 443);

    final ReconcilerFixture f = new ReconcilerFixture();

    @BeforeEach
    void programTwoServices() {
        f.reconciler.fullSync(plans(
                plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080))),
                plan(API, clusterIp(API, vs(API_KEY, "rr"), rs("10.244.3.3", 8443)))));
        f.resetRecording();
    }

    @Test
    void anEndpointChangeTouchesOnlyThatServicesVirtualServerWithoutReadingTheKernel() {
        SyncReport report = f.reconciler.syncServices(Map.of(WEB,
                plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080), rs("10.244.2.7", 8080)))));

        assertThat(f.ipvs.batches()).hasSize(1);
        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.AddDestination(WEB_KEY, rs("10.244.2.7", 8080)));
        assertThat(f.ipvs.writes()).allMatch(op -> op.serviceKey().equals(WEB_KEY));
        assertThat(f.ipvs.dumpCount()).isZero();
        assertThat(f.ipvs.destinationReads()).isZero();
        assertThat(f.ifaces.syncCount()).isEqualTo(1); // the full sync's bind only
        assertThat(report.kind()).isEqualTo(SyncKind.INCREMENTAL);
        assertThat(report.servicesSynced()).isEqualTo(1);
        assertThat(report.virtualServers()).isEqualTo(2);
        assertThat(report.realServers()).isEqualTo(3);
    }

    @Test
    void anUnchangedPlanWritesNothing() {
        SyncReport report = f.reconciler.syncServices(Map.of(WEB,
                plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080)))));

        assertThat(f.ipvs.writeCount()).isZero();
        assertThat(report.batches()).isZero();
    }

    @Test
    void aSchedulerChangeIsOneUpdateInPlace() {
        f.reconciler.syncServices(Map.of(WEB, plan(WEB, clusterIp(WEB, vs(WEB_KEY, "wlc"), rs("10.244.1.5", 8080)))));

        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.UpdateService(vs(WEB_KEY, "wlc")));
        assertThat(f.ipvs.server(WEB_KEY).scheduler()).isEqualTo("wlc");
        assertThat(f.ipvs.realServers(WEB_KEY)).hasSize(1);
    }

    @Test
    void persistenceAndSchedulerFlagChangesAreUpdatesInPlaceToo() {
        VirtualServer sticky = vs(WEB_KEY, "sh").withFlags(ServiceFlags.SCHED2).withPersistence(10800);

        f.reconciler.syncServices(Map.of(WEB, plan(WEB, clusterIp(WEB, sticky, rs("10.244.1.5", 8080)))));

        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.UpdateService(sticky));
        assertThat(f.ipvs.server(WEB_KEY)).isEqualTo(sticky);
    }

    @Test
    void aWeightChangeIsOneUpdateDestination() {
        RealServer heavier = RealServer.masq(ip("10.244.1.5"), 8080, 3);

        f.reconciler.syncServices(Map.of(WEB, plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), heavier))));

        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.UpdateDestination(WEB_KEY, heavier));
    }

    @Test
    void aNewServiceBindsItsAddressBeforeItsVirtualServerIsAdded() {
        ServiceRef db = ref("default/db");
        ServiceKey dbKey = tcp("10.96.0.30", 5432);

        SyncReport report = f.reconciler.syncServices(Map.of(db, plan(db, clusterIp(db, vs(dbKey, "rr"), rs("10.244.4.4", 5432)))));

        assertThat(f.bound()).contains(ip("10.96.0.30"));
        assertThat(f.indexOf("bind 10.96.0.30")).isLessThan(f.indexOf("ADD_SERVICE TCP 10.96.0.30:5432"));
        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.AddService(vs(dbKey, "rr")),
                new IpvsOperation.AddDestination(dbKey, rs("10.244.4.4", 5432)));
        assertThat(report.addressesBound()).isEqualTo(1);
    }

    @Test
    void aDeletedServiceLosesItsVirtualServerThenItsAddress() {
        SyncReport report = f.reconciler.syncServices(Map.of(WEB, ServicePlan.empty(WEB)));

        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.DeleteService(WEB_KEY));
        assertThat(f.ipvs.keys()).containsExactly(API_KEY);
        assertThat(f.bound()).containsExactly(ip("10.96.0.20"));
        assertThat(f.indexOf("DELETE_SERVICE TCP 10.96.0.10:80")).isLessThan(f.indexOf("unbind 10.96.0.10"));
        assertThat(report.addressesUnbound()).isEqualTo(1);
        assertThat(f.reconciler.services()).containsExactly(API);
    }

    @Test
    void aSharedAddressStaysBoundWhileAnotherServiceUsesIt() {
        ServiceRef metrics = ref("default/web-metrics");
        ServiceKey metricsKey = tcp("10.96.0.10", 9090);
        f.reconciler.syncServices(Map.of(metrics, plan(metrics, clusterIp(metrics, vs(metricsKey, "rr"), rs("10.244.1.5", 9090)))));

        f.reconciler.syncServices(Map.of(WEB, ServicePlan.empty(WEB)));

        assertThat(f.ipvs.keys()).contains(metricsKey).doesNotContain(WEB_KEY);
        assertThat(f.bound()).contains(ip("10.96.0.10"));
    }

    @Test
    void aPortChangeAddsTheNewVirtualServerAndDeletesTheOldOneInOneBatch() {
        ServiceKey newKey = tcp("10.96.0.10", 8080);

        f.reconciler.syncServices(Map.of(WEB, plan(WEB, clusterIp(WEB, vs(newKey, "rr"), rs("10.244.1.5", 8080)))));

        assertThat(f.ipvs.batches()).hasSize(1);
        assertThat(f.ipvs.writes()).containsExactly(
                new IpvsOperation.AddService(vs(newKey, "rr")),
                new IpvsOperation.AddDestination(newKey, rs("10.244.1.5", 8080)),
                new IpvsOperation.DeleteService(WEB_KEY));
        assertThat(f.bound()).contains(ip("10.96.0.10"));
    }

    @Test
    void driftBetweenFullSyncsIsHealedByTheNextFullSync() {
        f.ipvs.remove(API_KEY);
        // The cache still believes API is there: an unrelated incremental sync does not notice.
        f.reconciler.syncServices(Map.of(WEB, plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080)))));
        assertThat(f.ipvs.keys()).doesNotContain(API_KEY);

        f.reconciler.fullSync(plans(
                plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080))),
                plan(API, clusterIp(API, vs(API_KEY, "rr"), rs("10.244.3.3", 8443)))));
        assertThat(f.ipvs.keys()).contains(API_KEY);
        assertThat(f.ipvs.realServers(API_KEY)).hasSize(1);
    }

    @Test
    void incrementalSyncBeforeAnyFullSyncAsksForOne() {
        ReconcilerFixture fresh = new ReconcilerFixture();

        SyncReport report = fresh.reconciler.syncServices(Map.of(WEB, plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr")))));

        assertThat(report.resyncRequested()).isTrue();
        assertThat(fresh.ipvs.writeCount()).isZero();
        assertThat(fresh.reconciler.hasKernelState()).isFalse();
    }
}

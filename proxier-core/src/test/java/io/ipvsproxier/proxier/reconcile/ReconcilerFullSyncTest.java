package io.ipvsproxier.proxier.reconcile;

import static io.ipvsproxier.proxier.testing.TestPlans.clusterIp;
import static io.ipvsproxier.proxier.testing.TestPlans.ip;
import static io.ipvsproxier.proxier.testing.TestPlans.nodePort;
import static io.ipvsproxier.proxier.testing.TestPlans.plan;
import static io.ipvsproxier.proxier.testing.TestPlans.plans;
import static io.ipvsproxier.proxier.testing.TestPlans.ref;
import static io.ipvsproxier.proxier.testing.TestPlans.rs;
import static io.ipvsproxier.proxier.testing.TestPlans.tcp;
import static io.ipvsproxier.proxier.testing.TestPlans.udp;
import static io.ipvsproxier.proxier.testing.TestPlans.vs;
import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.IpvsTimeouts;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcilerFullSyncTest {
    static final ServiceRef WEB = ref("default/web");
    static final ServiceRef DNS = ref("kube-system/dns");
    static final ServiceKey WEB_KEY = tcp("10.96.0.10", 80);
    static final ServiceKey WEB_NODEPORT = tcp(ReconcilerFixture.NODE_IP, 30080);
    static final ServiceKey DNS_KEY = udp("10.96.0.53", 53);

    final ReconcilerFixture f = new ReconcilerFixture();

    static Map<ServiceRef, ServicePlan> desired() {
        return plans(
                plan(WEB,
                        clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080), rs("10.244.2.7", 8080)),
                        nodePort(WEB, vs(WEB_NODEPORT, "rr"), rs("10.244.1.5", 8080), rs("10.244.2.7", 8080))),
                plan(DNS, clusterIp(DNS, vs(DNS_KEY, "rr"), rs("10.244.1.9", 53))));
    }

    /** What a previous run of the proxier left: exactly the desired state. */
    void kernelAsDesired() {
        f.ipvs.put(vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080), rs("10.244.2.7", 8080));
        f.ipvs.put(vs(WEB_NODEPORT, "rr"), rs("10.244.1.5", 8080), rs("10.244.2.7", 8080));
        f.ipvs.put(vs(DNS_KEY, "rr"), rs("10.244.1.9", 53));
        f.bindDirectly("10.96.0.10");
        f.bindDirectly("10.96.0.53");
        f.resetRecording();
    }

    @Test
    void adoptingAKernelThatAlreadyMatchesWritesNothing() {
        kernelAsDesired();

        SyncReport report = f.reconciler.fullSync(desired());

        assertThat(f.ipvs.writeCount()).isZero();
        assertThat(f.ipvs.batches()).isEmpty();
        assertThat(f.ipvs.flushCount()).isZero();
        assertThat(f.ifaces.syncCount()).isZero();
        assertThat(f.journal).isEmpty();
        assertThat(report.kind()).isEqualTo(SyncKind.FULL);
        assertThat(report.totalOperations()).isZero();
        assertThat(report.batches()).isZero();
        assertThat(report.ok()).isTrue();
        assertThat(report.virtualServers()).isEqualTo(3);
        assertThat(report.realServers()).isEqualTo(5);
        assertThat(report.boundAddresses()).isEqualTo(2);
        assertThat(report.servicesSynced()).isEqualTo(2);
    }

    @Test
    void firstSyncOnAnEmptyKernelBindsAddressesThenProgramsEverythingInOneBatch() {
        SyncReport report = f.reconciler.fullSync(desired());

        assertThat(f.ipvs.batches()).hasSize(1);
        assertThat(report.batches()).isEqualTo(1);
        assertThat(f.ipvs.keys()).containsExactlyInAnyOrder(WEB_KEY, WEB_NODEPORT, DNS_KEY);
        assertThat(f.ipvs.realServers(WEB_KEY)).hasSize(2);
        assertThat(f.ipvs.realServers(DNS_KEY).values()).containsExactly(rs("10.244.1.9", 53));
        // NodePorts live on node addresses: only ClusterIPs go on the dummy link.
        assertThat(f.bound()).containsExactlyInAnyOrder(ip("10.96.0.10"), ip("10.96.0.53"));
        assertThat(f.indexOf("bind 10.96.0.10")).isLessThan(f.indexOf("ADD_SERVICE TCP 10.96.0.10:80"));
        assertThat(f.indexOf("bind 10.96.0.53")).isLessThan(f.indexOf("ADD_SERVICE UDP 10.96.0.53:53"));
        assertThat(f.indexOf("ADD_SERVICE TCP 10.96.0.10:80")).isLessThan(f.indexOf("ADD_DESTINATION TCP 10.96.0.10:80"));
        assertThat(report.operations(OperationKind.ADD_SERVICE)).isEqualTo(3);
        assertThat(report.operations(OperationKind.ADD_DESTINATION)).isEqualTo(5);
        assertThat(report.addressesBound()).isEqualTo(2);
        assertThat(report.ok()).isTrue();

        f.resetRecording();
        SyncReport again = f.reconciler.fullSync(desired());
        assertThat(f.ipvs.writeCount()).isZero();
        assertThat(again.totalOperations()).isZero();
    }

    @Test
    void fullSyncHealsATableEmptiedByIpvsadmClear() {
        kernelAsDesired();
        f.reconciler.fullSync(desired());
        f.ipvs.clearTable();

        SyncReport report = f.reconciler.fullSync(desired());

        assertThat(f.ipvs.keys()).containsExactlyInAnyOrder(WEB_KEY, WEB_NODEPORT, DNS_KEY);
        assertThat(f.ipvs.realServers(WEB_NODEPORT)).hasSize(2);
        assertThat(f.ipvs.batches()).hasSize(1);
        assertThat(report.operations(OperationKind.ADD_SERVICE)).isEqualTo(3);
        assertThat(report.operations(OperationKind.ADD_DESTINATION)).isEqualTo(5);
        assertThat(report.totalOperations()).isEqualTo(8);
    }

    @Test
    void fullSyncRestoresAChangedWeightWithOneUpdate() {
        kernelAsDesired();
        f.reconciler.fullSync(desired());
        f.ipvs.replaceDestination(WEB_KEY, RealServer.masq(ip("10.244.2.7"), 8080, 7));

        f.reconciler.fullSync(desired());

        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.UpdateDestination(WEB_KEY, rs("10.244.2.7", 8080)));
        assertThat(f.ipvs.realServers(WEB_KEY).get(rs("10.244.2.7", 8080).endpoint()).weight()).isEqualTo(1);
    }

    @Test
    void fullSyncRebindsARemovedAddressWithoutTouchingIpvs() {
        kernelAsDesired();
        f.reconciler.fullSync(desired());
        f.ifaces.removeAddress(ReconcilerFixture.LINK, ip("10.96.0.53"));

        SyncReport report = f.reconciler.fullSync(desired());

        assertThat(f.bound()).contains(ip("10.96.0.53"));
        assertThat(f.ipvs.writeCount()).isZero();
        assertThat(report.addressesBound()).isEqualTo(1);
    }

    @Test
    void fullSyncRecreatesADeletedDummyLink() {
        kernelAsDesired();
        f.reconciler.fullSync(desired());
        f.ifaces.deleteLink(ReconcilerFixture.LINK);

        f.reconciler.fullSync(desired());

        assertThat(f.ifaces.link(ReconcilerFixture.LINK)).isPresent();
        assertThat(f.bound()).containsExactlyInAnyOrder(ip("10.96.0.10"), ip("10.96.0.53"));
    }

    @Test
    void aServiceGoneFromTheFullPlanIsDeletedBeforeItsAddressIsUnbound() {
        kernelAsDesired();
        f.reconciler.fullSync(desired());
        f.resetRecording();

        Map<ServiceRef, ServicePlan> withoutDns = desired();
        withoutDns.remove(DNS);
        SyncReport report = f.reconciler.fullSync(withoutDns);

        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.DeleteService(DNS_KEY));
        assertThat(f.bound()).containsExactly(ip("10.96.0.10"));
        assertThat(f.indexOf("DELETE_SERVICE UDP 10.96.0.53:53")).isLessThan(f.indexOf("unbind 10.96.0.53"));
        assertThat(report.addressesUnbound()).isEqualTo(1);
    }

    @Test
    void timeoutsAreSetOnceAtTheFirstFullSync() {
        ReconcilerFixture g = new ReconcilerFixture(ReconcilerConfig.defaults().withTimeouts(new IpvsTimeouts(3600, 0, 0)));

        g.reconciler.fullSync(desired());
        g.reconciler.fullSync(desired());

        assertThat(g.ipvs.timeoutSets()).containsExactly(new IpvsTimeouts(3600, 0, 0));
        assertThat(g.ipvs.timeouts()).isEqualTo(new IpvsTimeouts(3600, 120, 300));
    }

    @Test
    void zeroTimeoutsLeaveTheKernelAlone() {
        f.reconciler.fullSync(desired());

        assertThat(f.ipvs.timeoutSets()).isEmpty();
    }

    @Test
    void twoServicesWantingOneVirtualServerProgramTheFirstAndReportTheOther() {
        ServiceRef a = ref("a/one");
        ServiceRef b = ref("b/two");
        ServiceKey shared = tcp("203.0.113.7", 443);
        Map<ServiceRef, ServicePlan> both = plans(
                plan(b, clusterIp(b, vs(shared, "lc"), rs("10.244.9.9", 443))),
                plan(a, clusterIp(a, vs(shared, "rr"), rs("10.244.1.1", 443))));

        SyncReport report = f.reconciler.fullSync(both);

        assertThat(f.ipvs.server(shared).scheduler()).isEqualTo("rr");
        assertThat(f.ipvs.realServers(shared).values()).containsExactly(rs("10.244.1.1", 443));
        assertThat(report.failuresByService()).containsOnlyKeys(b);
        assertThat(report.failuresByService().get(b).get(0)).contains("also wanted by Service a/one");

        // When the winner goes, the other one's configuration takes its place, in place.
        f.resetRecording();
        f.reconciler.syncServices(Map.of(a, ServicePlan.empty(a)));
        assertThat(f.ipvs.server(shared).scheduler()).isEqualTo("lc");
        assertThat(f.ipvs.realServers(shared)).containsOnlyKeys(rs("10.244.9.9", 443).endpoint(),
                rs("10.244.1.1", 443).endpoint());
        assertThat(f.ipvs.writes()).doesNotContain(new IpvsOperation.DeleteService(shared));
        assertThat(f.bound()).contains(ip("203.0.113.7"));
    }
}

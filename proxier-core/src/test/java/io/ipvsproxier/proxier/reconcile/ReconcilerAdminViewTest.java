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
import io.ipvsproxier.proxier.plan.AddressKind;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcilerAdminViewTest {
    static final ServiceRef WEB = ref("default/web");
    static final ServiceKey WEB_KEY = tcp("10.96.0.10", 80);
    static final ServiceKey STALE = tcp("10.96.0.99", 80);

    final ReconcilerFixture f = new ReconcilerFixture();

    Map<ServiceRef, ServicePlan> web() {
        return plans(plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080), rs("10.244.2.7", 8080))));
    }

    @Test
    void pendingDiffListsWhatAFullSyncWouldDoWithoutDoingIt() {
        f.ipvs.put(vs(WEB_KEY, "wlc"), rs("10.244.1.5", 8080));
        f.ipvs.put(vs(STALE, "rr"));
        f.bindDirectly("10.96.0.99");
        f.resetRecording();

        PendingDiff diff = f.reconciler.pendingDiff(web());

        assertThat(diff.operations()).containsExactly(
                new IpvsOperation.UpdateService(vs(WEB_KEY, "rr")),
                new IpvsOperation.AddDestination(WEB_KEY, rs("10.244.2.7", 8080)),
                new IpvsOperation.DeleteService(STALE));
        assertThat(diff.addressesToBind()).containsExactly(ip("10.96.0.10"));
        assertThat(diff.addressesToUnbind()).containsExactly(ip("10.96.0.99"));
        assertThat(f.ipvs.writeCount()).isZero();
        assertThat(f.bound()).containsExactly(ip("10.96.0.99"));

        f.reconciler.fullSync(web());
        assertThat(f.reconciler.pendingDiff(web()).isEmpty()).isTrue();
        assertThat(f.reconciler.pendingDiff().isEmpty()).isTrue();
    }

    @Test
    void pendingDiffWithoutArgumentsComparesTheLastPlansWithTheKernelNow() {
        f.reconciler.fullSync(web());
        f.ipvs.clearTable();

        PendingDiff diff = f.reconciler.pendingDiff();

        assertThat(diff.operations()).hasSize(3);
        assertThat(diff.operations().get(0)).isEqualTo(new IpvsOperation.AddService(vs(WEB_KEY, "rr")));
    }

    @Test
    void programmedShowsWantedAndKernelStateWithDrains() {
        f.reconciler.fullSync(web());
        f.ipvs.setConnections(WEB_KEY, rs("10.244.2.7", 8080).endpoint(), 4, 2);
        f.reconciler.syncServices(Map.of(WEB, plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080)))));
        // Counts are those of the last read: the drain check reads them.
        f.clock.advance(java.time.Duration.ofSeconds(5));
        f.reconciler.checkDrains();

        ProgrammedService p = f.reconciler.programmed(WEB).orElseThrow();

        assertThat(p.service()).isEqualTo(WEB);
        assertThat(p.virtualServers()).singleElement().satisfies(v -> {
            assertThat(v.key()).isEqualTo(WEB_KEY);
            assertThat(v.kind()).isEqualTo(AddressKind.CLUSTER_IP);
            assertThat(v.programmed()).isEqualTo(v.wanted());
            assertThat(v.programmedBy()).isEqualTo(WEB);
            assertThat(v.addressBound()).isTrue();
            assertThat(v.realServers()).hasSize(2);
            assertThat(v.realServers().get(0).inSync()).isTrue();
            assertThat(v.realServers().get(0).drain()).isNull();
            assertThat(v.realServers().get(1).wanted()).isNull();
            assertThat(v.realServers().get(1).programmed().weight()).isZero();
            assertThat(v.realServers().get(1).activeConnections()).isEqualTo(4);
            assertThat(v.realServers().get(1).inactiveConnections()).isEqualTo(2);
            assertThat(v.realServers().get(1).drain()).isNotNull();
        });
        assertThat(f.reconciler.programmed(ref("default/none"))).isEmpty();
    }
}

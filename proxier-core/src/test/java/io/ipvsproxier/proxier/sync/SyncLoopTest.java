package io.ipvsproxier.proxier.sync;

import static io.ipvsproxier.proxier.testing.TestPlans.clusterIp;
import static io.ipvsproxier.proxier.testing.TestPlans.plan;
import static io.ipvsproxier.proxier.testing.TestPlans.ref;
import static io.ipvsproxier.proxier.testing.TestPlans.rs;
import static io.ipvsproxier.proxier.testing.TestPlans.tcp;
import static io.ipvsproxier.proxier.testing.TestPlans.vs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ipvsproxier.iface.InMemoryInterfaces;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.proxier.plan.ServiceRef;
import io.ipvsproxier.proxier.reconcile.Reconciler;
import io.ipvsproxier.proxier.reconcile.ReconcilerConfig;
import io.ipvsproxier.proxier.reconcile.SyncKind;
import io.ipvsproxier.proxier.testing.FakeIpvs;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The thread around the runner, on the real clock: it starts on the initial sync and wakes on changes. */
class SyncLoopTest {
    static final ServiceRef WEB = ref("default/web");
    static final ServiceKey WEB_KEY = tcp("10.96.0.10", 80);

    @Test
    void syncsOnTheInitialSyncAndOnChangesOnItsOwnThread() {
        Clock clock = Clock.systemUTC();
        FakeIpvs ipvs = new FakeIpvs();
        ChangeTracker changes = new ChangeTracker(clock);
        SyncRunnerFixture.MapPlanSource plans = new SyncRunnerFixture.MapPlanSource();
        plans.plans.put(WEB, plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080))));
        List<SyncKind> kinds = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        Reconciler reconciler = new Reconciler(ipvs, new InMemoryInterfaces(), clock, ReconcilerConfig.defaults());
        SyncRunner runner = new SyncRunner(changes, plans, reconciler, clock, Duration.ZERO, Duration.ofMinutes(10),
                (report, covered) -> {
                    kinds.add(report.kind());
                    threads.add(Thread.currentThread().getName());
                });

        try (SyncLoop loop = new SyncLoop(runner, changes, clock)) {
            loop.start();
            changes.serviceChanged(WEB);
            assertThat(kinds).isEmpty();

            loop.markInitialSynced();
            await().atMost(Duration.ofSeconds(10)).until(() -> kinds.contains(SyncKind.FULL));
            assertThat(ipvs.realServers(WEB_KEY)).hasSize(1);

            plans.plans.put(WEB, plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080), rs("10.244.2.7", 8080))));
            changes.endpointSliceChanged(WEB, null);
            await().atMost(Duration.ofSeconds(10)).until(() -> kinds.contains(SyncKind.INCREMENTAL));
            assertThat(ipvs.realServers(WEB_KEY)).hasSize(2);
        }
        assertThat(threads).containsOnly("ipvs-sync");
    }
}

package io.ipvsproxier.proxier.sync;

import io.ipvsproxier.iface.InMemoryInterfaces;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import io.ipvsproxier.proxier.reconcile.Reconciler;
import io.ipvsproxier.proxier.reconcile.ReconcilerConfig;
import io.ipvsproxier.proxier.reconcile.SyncKind;
import io.ipvsproxier.proxier.reconcile.SyncReport;
import io.ipvsproxier.proxier.testing.FakeIpvs;
import io.ipvsproxier.proxier.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A sync runner over a real reconciler, a fake IPVS table, a manual clock and a map of plans. */
final class SyncRunnerFixture {

    /** Plans from a map that tests edit; records what was planned. */
    static final class MapPlanSource implements PlanSource {
        final Map<ServiceRef, ServicePlan> plans = new HashMap<>();
        final List<Set<ServiceRef>> planned = new ArrayList<>();
        int planAllCalls;
        RuntimeException failNext;

        @Override
        public Map<ServiceRef, ServicePlan> planAll() {
            planAllCalls++;
            throwIfAsked();
            return new HashMap<>(plans);
        }

        @Override
        public Map<ServiceRef, ServicePlan> plan(Set<ServiceRef> services) {
            planned.add(new TreeSet<>(services));
            throwIfAsked();
            Map<ServiceRef, ServicePlan> out = new HashMap<>();
            for (ServiceRef ref : services) {
                out.put(ref, plans.getOrDefault(ref, ServicePlan.empty(ref)));
            }
            return out;
        }

        private void throwIfAsked() {
            RuntimeException e = failNext;
            failNext = null;
            if (e != null) {
                throw e;
            }
        }
    }

    record Sync(SyncReport report, PendingChanges changes) {}

    final ManualClock clock = new ManualClock();
    final FakeIpvs ipvs = new FakeIpvs();
    final InMemoryInterfaces ifaces = new InMemoryInterfaces();
    final ChangeTracker changes = new ChangeTracker(clock);
    final MapPlanSource plans = new MapPlanSource();
    final List<Sync> syncs = new ArrayList<>();
    final List<SyncKind> errors = new ArrayList<>();
    final Reconciler reconciler = new Reconciler(ipvs, ifaces, clock, ReconcilerConfig.defaults());
    final SyncRunner runner;

    SyncRunnerFixture(Duration minSyncPeriod, Duration syncPeriod) {
        runner = new SyncRunner(changes, plans, reconciler, clock, minSyncPeriod, syncPeriod, new SyncListener() {
            @Override
            public void onSync(SyncReport report, PendingChanges covered) {
                syncs.add(new Sync(report, covered));
            }

            @Override
            public void onSyncError(SyncKind kind, RuntimeException error) {
                errors.add(kind);
            }
        });
    }

    SyncKind lastKind() {
        return syncs.get(syncs.size() - 1).report().kind();
    }

    Sync last() {
        return syncs.get(syncs.size() - 1);
    }
}

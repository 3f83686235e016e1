package io.ipvsproxier.proxier.app;

import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.metrics.HealthState;
import io.ipvsproxier.metrics.IpFamily;
import io.ipvsproxier.metrics.ProxierMetrics;
import io.ipvsproxier.proxier.k8s.ServiceEventRecorder;
import io.ipvsproxier.proxier.plan.Rejection;
import io.ipvsproxier.proxier.reconcile.SyncFailure;
import io.ipvsproxier.proxier.reconcile.SyncKind;
import io.ipvsproxier.proxier.reconcile.SyncReport;
import io.ipvsproxier.proxier.sync.ChangeTracker;
import io.ipvsproxier.proxier.sync.PendingChanges;
import io.ipvsproxier.proxier.sync.SyncListener;
import io.ipvsproxier.proxier.sync.TriggerTime;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every sync into metrics, health and reports of rejected Service parts. Runs on the sync thread. */
final class SyncObserver implements SyncListener {
    private static final Logger log = LoggerFactory.getLogger(SyncObserver.class);
    private final ProxierMetrics metrics;
    private final HealthState health;
    private final ChangeTracker changes;
    private final ClusterPlanSource plans;
    private final ServiceEventRecorder events;

    SyncObserver(ProxierMetrics metrics, HealthState health, ChangeTracker changes, ClusterPlanSource plans,
                 ServiceEventRecorder events) {
        this.metrics = metrics;
        this.health = health;
        this.changes = changes;
        this.plans = plans;
        this.events = events;
    }

    @Override
    public void onSync(SyncReport report, PendingChanges covered) {
        Instant end = report.startedAt().plus(report.duration());
        if (report.kind() != SyncKind.DRAIN_CHECK) {
            metrics.recordSync(report.duration(), end);
            health.updated();
        }
        metrics.ipvsCounts(report.virtualServers(), report.realServers(), report.drainingRealServers());
        metrics.netlinkSendsPerSync(report.netlinkSends());
        metrics.serviceChangesPending(changes.pendingServiceChanges());
        metrics.endpointChangesPending(changes.pendingEndpointChanges());
        for (TriggerTime t : covered.triggerTimes()) {
            metrics.networkProgramming(familyOf(t), t.time(), end);
        }
        for (SyncFailure f : report.failures()) {
            log.warn("sync failure: {}", f);
        }
        if (!report.failures().isEmpty()) {
            metrics.syncFailure("kernel_refused", report.duration());
        }
        reportRejections();
        for (IpFamily family : metrics.families()) {
            metrics.noLocalEndpoints(family, "internal", plans.noLocalEndpoints("internal"));
            metrics.noLocalEndpoints(family, "external", plans.noLocalEndpoints("external"));
        }
    }

    @Override
    public void onSyncError(SyncKind kind, RuntimeException error) {
        log.error("{} sync failed; its changes are queued again", kind, error);
        metrics.syncFailure("exception", java.time.Duration.ZERO);
    }

    private void reportRejections() {
        List<Rejection> all = plans.rejections();
        Map<String, Integer> byReason = new TreeMap<>();
        for (Rejection r : all) {
            events.report(r);
            byReason.merge(r.reason(), 1, Integer::sum);
        }
        events.retainOnly(new HashSet<>(all));
        metrics.rejectedServicePorts(byReason);
    }

    private IpFamily familyOf(TriggerTime t) {
        return plans.latest(t.service())
            .flatMap(p -> p.virtualServers().stream().findFirst())
            .map(vs -> vs.server().key().family() == ServiceKey.AF_INET6 ? IpFamily.IPV6 : IpFamily.IPV4)
            .orElse(IpFamily.IPV4);
    }
}

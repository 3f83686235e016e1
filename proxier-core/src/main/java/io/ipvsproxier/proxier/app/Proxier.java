package io.ipvsproxier.proxier.app;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ipvsproxier.iface.Interfaces;
import io.ipvsproxier.ipvs.Ipvs;
import io.ipvsproxier.metrics.BindAddress;
import io.ipvsproxier.metrics.HealthServer;
import io.ipvsproxier.metrics.HealthState;
import io.ipvsproxier.metrics.IpFamily;
import io.ipvsproxier.metrics.MetricsServer;
import io.ipvsproxier.metrics.ProxierMetrics;
import io.ipvsproxier.metrics.VirtualServerLabels;
import io.ipvsproxier.proxier.admin.AdminServer;
import io.ipvsproxier.proxier.admin.ProxierAdminCommands;
import io.ipvsproxier.proxier.cli.ProxierConfig;
import io.ipvsproxier.proxier.k8s.ClusterChangeListener;
import io.ipvsproxier.proxier.k8s.ClusterWatch;
import io.ipvsproxier.proxier.k8s.ServiceEventRecorder;
import io.ipvsproxier.proxier.plan.Cidr;
import io.ipvsproxier.proxier.plan.Planner;
import io.ipvsproxier.proxier.plan.PlannerConfig;
import io.ipvsproxier.proxier.plan.ServiceRef;
import io.ipvsproxier.proxier.reconcile.Reconciler;
import io.ipvsproxier.proxier.reconcile.ReconcilerConfig;
import io.ipvsproxier.proxier.reconcile.SyncKind;
import io.ipvsproxier.proxier.reconcile.SyncReport;
import io.ipvsproxier.proxier.sync.ChangeTracker;
import io.ipvsproxier.proxier.sync.PendingChanges;
import io.ipvsproxier.proxier.sync.SyncListener;
import io.ipvsproxier.proxier.sync.SyncLoop;
import io.ipvsproxier.proxier.sync.SyncRunner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxier: watches the API, plans, reconciles the kernel, and serves metrics, health and the
 * admin socket. Closing it stops all that but leaves the kernel as it is, so a restart drops nothing.
 */
public final class Proxier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Proxier.class);
    /** Traffic metrics re-read the kernel at most this often, however often Prometheus scrapes. */
    private static final Duration STATS_CACHE = Duration.ofSeconds(2);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private ClusterWatch watch;
    private final SyncLoop loop;
    private final NodeAddressTracker nodeAddresses;

    /**
     * {@code statsIpvs} serves the traffic metrics; giving it a socket of its own keeps a scrape's dump from
     * waiting behind a sync's batch (or the other way round). It may be {@code ipvs} itself.
     */
    public Proxier(ProxierConfig config, KubernetesClient client, Ipvs ipvs, Ipvs statsIpvs, Interfaces interfaces, Clock clock)
        throws Exception {
        List<Cidr> nodePortCidrs = parseCidrs(config.nodePortAddresses(), "--nodeport-addresses");
        ProxierMetrics metrics = ProxierMetrics.create(EnumSet.allOf(IpFamily.class));
        Reconciler reconciler = new Reconciler(new MeteredIpvs(ipvs, metrics), interfaces, clock, reconcilerConfig(config));
        Planner planner = new Planner(PlannerConfig.defaults().withDefaultScheduler(config.scheduler()));

        ChangeTracker changes = new ChangeTracker(clock);
        nodeAddresses = new NodeAddressTracker(interfaces, config.nodeName(), nodePortCidrs, config.dummyInterface(),
            changes::requestFullSync);
        resources.add(nodeAddresses);

        HealthState health = new HealthState(clock, config.syncPeriod().multipliedBy(2), () -> nodeEligible(this.watch.node()));
        ClusterChangeListener counted = new ClusterChangeListener() {
            @Override
            public void serviceChanged(ServiceRef service) {
                changes.serviceChanged(service);
                metrics.serviceChange(changes.pendingServiceChanges());
                queued();
            }

            @Override
            public void endpointSliceChanged(ServiceRef service, Instant triggerTime) {
                changes.endpointSliceChanged(service, triggerTime);
                metrics.endpointChange(changes.pendingEndpointChanges());
                queued();
            }

            @Override
            public void nodeChanged() {
                changes.nodeChanged();
                queued();
            }

            private void queued() {
                metrics.syncQueued(clock.instant());
                health.queuedUpdate();
            }
        };
        watch = new ClusterWatch(client, config.nodeName(), counted, Duration.ZERO);
        resources.add(watch);

        ClusterPlanSource plans = new ClusterPlanSource(watch, planner, nodeAddresses::facts);
        ServiceEventRecorder events = new ServiceEventRecorder(client, config.nodeName(), clock);
        resources.add(events);
        SyncObserver observer = new SyncObserver(metrics, health, changes, plans, events);
        SyncRunner runner = new SyncRunner(changes, plans, reconciler, clock, config.minSyncPeriod(), config.syncPeriod(),
            new SyncListener() {
                @Override
                public void onSync(SyncReport report, PendingChanges covered) {
                    if (report.kind() == SyncKind.FULL) {
                        watch.initialListPlanned();
                    }
                    observer.onSync(report, covered);
                }

                @Override
                public void onSyncError(SyncKind kind, RuntimeException error) {
                    observer.onSyncError(kind, error);
                }
            });
        loop = new SyncLoop(runner, changes, clock);
        resources.add(loop);

        metrics.exportIpvsStats(statsIpvs::services, key -> plans.portName(key).map(p ->
            new VirtualServerLabels(p.service().namespace(), p.service().name(), p.port() == null ? "" : p.port())), STATS_CACHE);
        resources.add(MetricsServer.start(BindAddress.parse(config.metricsBindAddress()), metrics));
        resources.add(HealthServer.start(BindAddress.parse(config.healthzBindAddress()), health, metrics));
        resources.add(AdminServer.start(config.adminSocket(), new ProxierAdminCommands(new ProxierAdminCommands.Sources(
            metrics::snapshot, plans::serviceCount, plans::rejections, plans::latest, reconciler::programmed,
            reconciler::pendingDiff, loop::requestFullSync, clock))));
    }

    /**
     * Starts watching and syncing. The first sync waits until Services and EndpointSlices are listed: acting
     * on an empty cache would remove every programmed Service.
     */
    public void start(Duration informerTimeout) throws Exception {
        nodeAddresses.start();
        loop.start();
        watch.startAndAwaitSynced(informerTimeout);
        log.info("Services and EndpointSlices listed; starting to sync");
        loop.markInitialSynced();
    }

    /** Removes every virtual server this proxier owns and the dummy link; foreign and excluded ones stay. */
    public static String cleanup(ProxierConfig config, Ipvs ipvs, Interfaces interfaces, Clock clock) {
        return new Reconciler(ipvs, interfaces, clock, reconcilerConfig(config)).cleanup().summary();
    }

    static ReconcilerConfig reconcilerConfig(ProxierConfig config) {
        return ReconcilerConfig.defaults()
            .withDummyLinkName(config.dummyInterface())
            .withExcludeCidrs(parseCidrs(config.excludeCidrs(), "--ipvs-exclude-cidrs"))
            .withNodePortRange(config.nodePortRange()[0], config.nodePortRange()[1])
            .withDrainTimeout(config.drainTimeout())
            .withTimeouts(config.tcpTimeout(), config.tcpFinTimeout(), config.udpTimeout());
    }

    /** A Node being deleted or tainted for scale-down is not eligible for load-balancer traffic (KEP-3836). */
    static boolean nodeEligible(Optional<Node> node) {
        if (node.isEmpty()) {
            return true;
        }
        Node n = node.get();
        if (n.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        return n.getSpec() == null || n.getSpec().getTaints() == null || n.getSpec().getTaints().stream()
            .noneMatch(t -> "ToBeDeletedByClusterAutoscaler".equals(t.getKey()));
    }

    static List<Cidr> parseCidrs(List<String> texts, String flag) {
        List<Cidr> out = new ArrayList<>();
        for (String t : texts) {
            if (t.isBlank()) {
                continue;
            }
            try {
                out.add(Cidr.parse(t.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.debug("closing {}: {}", resources.get(i), e.toString());
            }
        }
    }
}

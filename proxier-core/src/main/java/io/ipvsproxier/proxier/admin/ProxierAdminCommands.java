package io.ipvsproxier.proxier.admin;

import io.ipvsproxier.metrics.MetricsSnapshot;
import io.ipvsproxier.proxier.plan.Rejection;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import io.ipvsproxier.proxier.reconcile.PendingDiff;
import io.ipvsproxier.proxier.reconcile.ProgrammedService;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The admin commands over the proxier's parts, rendered by {@link AdminText}. The proxier passes method
 * references, e.g.:
 * <pre>{@code
 * new ProxierAdminCommands(new ProxierAdminCommands.Sources(
 *     metrics::snapshot, () -> reconciler.services().size(), plans::currentRejections, plans::currentPlan,
 *     reconciler::programmed, reconciler::pendingDiff, syncLoop::requestFullSync, Clock.systemUTC()));
 * }</pre>
 */
public final class ProxierAdminCommands implements AdminCommands {

    /**
     * Where each answer comes from. All are called on admin threads and must be safe to call concurrently with
     * syncs.
     *
     * @param metrics         the metrics' figures ({@code ProxierMetrics::snapshot})
     * @param serviceCount    how many Services have a plan
     * @param rejections      the rejected Service ports of the current plans
     * @param plan            the current plan of one Service (scheduler source, endpoints left out), if any
     * @param programmed      what is programmed for one Service ({@code Reconciler::programmed})
     * @param diff            what a full sync would write now ({@code Reconciler::pendingDiff})
     * @param requestFullSync asks the sync loop for a full sync soon, without waiting for it
     * @param clock           for "how long ago"
     */
    public record Sources(Supplier<MetricsSnapshot> metrics, Supplier<Integer> serviceCount,
                          Supplier<List<Rejection>> rejections, Function<ServiceRef, Optional<ServicePlan>> plan,
                          Function<ServiceRef, Optional<ProgrammedService>> programmed, Supplier<PendingDiff> diff,
                          Runnable requestFullSync, Clock clock) {
        public Sources {
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(serviceCount, "serviceCount");
            Objects.requireNonNull(rejections, "rejections");
            Objects.requireNonNull(plan, "plan");
            Objects.requireNonNull(programmed, "programmed");
            Objects.requireNonNull(diff, "diff");
            Objects.requireNonNull(requestFullSync, "requestFullSync");
            Objects.requireNonNull(clock, "clock");
        }
    }

    private final Sources sources;

    public ProxierAdminCommands(Sources sources) {
        this.sources = Objects.requireNonNull(sources, "sources");
    }

    @Override
    public String status() {
        return AdminText.status(sources.metrics().get(), sources.serviceCount().get(), sources.rejections().get(),
            sources.clock().instant());
    }

    @Override
    public String explain(ServiceRef service) {
        return AdminText.explain(service, sources.plan().apply(service), sources.programmed().apply(service));
    }

    @Override
    public String diff() {
        return AdminText.diff(sources.diff().get());
    }

    @Override
    public String sync() {
        sources.requestFullSync().run();
        return "full sync requested\n";
    }
}

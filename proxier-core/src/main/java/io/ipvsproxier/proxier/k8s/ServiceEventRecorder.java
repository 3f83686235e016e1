package io.ipvsproxier.proxier.k8s;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ipvsproxier.proxier.plan.Rejection;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a rejected part of a Service once: a log line and a Warning Event on the Service, so that
 * {@code kubectl describe service} shows why an address or port is not served. Events go out on a
 * background thread with a bounded queue: a slow API must never hold up a sync.
 */
public final class ServiceEventRecorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceEventRecorder.class);
    private static final String COMPONENT = "ipvs-proxier";

    private final KubernetesClient client;
    private final String nodeName;
    private final Clock clock;
    private final Set<Rejection> reported = ConcurrentHashMap.newKeySet();
    private final ExecutorService sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(1000), r -> {
            Thread t = new Thread(r, "service-events");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());

    public ServiceEventRecorder(KubernetesClient client, String nodeName, Clock clock) {
        this.client = client;
        this.nodeName = nodeName;
        this.clock = clock;
    }

    /** Logs and records {@code r} unless it was already reported; returns true when it is new. */
    public boolean report(Rejection r) {
        if (!reported.add(r)) {
            return false;
        }
        log.warn("Service {}: {} ({})", r.service(), r.message(), r.reason());
        if (client != null) {
            sender.execute(() -> send(r));
        }
        return true;
    }

    /** Forgets the rejections of services that no longer have them, so a recurrence is reported again. */
    public void retainOnly(Set<Rejection> current) {
        reported.retainAll(current);
    }

    private void send(Rejection r) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        try {
            client.v1().events().inNamespace(r.service().namespace()).resource(new EventBuilder()
                .withNewMetadata()
                    .withName(r.service().name() + "." + UUID.randomUUID().toString().substring(0, 8))
                    .withNamespace(r.service().namespace())
                .endMetadata()
                .withNewInvolvedObject()
                    .withApiVersion("v1").withKind("Service")
                    .withNamespace(r.service().namespace()).withName(r.service().name())
                .endInvolvedObject()
                .withType("Warning")
                .withReason(reasonWord(r.reason()))
                .withMessage(r.message())
                .withNewSource().withComponent(COMPONENT).withHost(nodeName).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(nodeName)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build()).create();
        } catch (RuntimeException e) {
            log.debug("could not record an Event for {}: {}", r.service(), e.toString());
        }
    }

    /** {@code invalid_port} -> {@code InvalidPort}, the CamelCase form Event reasons use. */
    static String reasonWord(String reason) {
        StringBuilder sb = new StringBuilder();
        for (String part : reason.split("[_\\-\\s]+")) {
            if (!part.isEmpty()) {
                sb.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        sender.shutdown();
    }
}

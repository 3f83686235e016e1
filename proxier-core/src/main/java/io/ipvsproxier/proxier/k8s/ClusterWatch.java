package io.ipvsproxier.proxier.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informers for Services, discovery.k8s.io/v1 EndpointSlices and the proxier's own Node, with the label
 * selectors kube-proxy uses: objects owned by another proxy ({@code service.kubernetes.io/service-proxy-name})
 * and headless ones are never even received.
 */
public final class ClusterWatch implements ClusterState, AutoCloseable {
    public static final String SERVICE_PROXY_NAME_LABEL = "service.kubernetes.io/service-proxy-name";
    public static final String HEADLESS_LABEL = "service.kubernetes.io/headless";
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    public static final String TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";
    private static final String BY_SERVICE = "byService";
    private static final Logger log = LoggerFactory.getLogger(ClusterWatch.class);

    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final SharedIndexInformer<Node> nodes;
    private final InitialListFilter initialList = new InitialListFilter();

    /**
     * Creates (but does not start) the informers. {@code resync} re-delivers the cache periodically
     * (0 = never; the proxier's own full resync already heals drift).
     */
    public ClusterWatch(KubernetesClient client, String nodeName, ClusterChangeListener listener, Duration resync) {
        long resyncMs = resync.toMillis();
        this.services = client.services().inAnyNamespace()
            .withoutLabel(SERVICE_PROXY_NAME_LABEL)
            .withoutLabel(HEADLESS_LABEL)
            .runnableInformer(resyncMs);
        this.slices = client.discovery().v1().endpointSlices().inAnyNamespace()
            .withLabel(SERVICE_NAME_LABEL)
            .withoutLabel(SERVICE_PROXY_NAME_LABEL)
            .withoutLabel(HEADLESS_LABEL)
            .runnableInformer(resyncMs);
        this.nodes = client.nodes().withField("metadata.name", nodeName).runnableInformer(resyncMs);
        slices.addIndexers(Map.of(BY_SERVICE, ClusterWatch::serviceKeyOf));
        // Retry forever on API errors, except on model mismatches that no retry can fix.
        for (SharedIndexInformer<?> i : List.of(services, slices, nodes)) {
            i.exceptionHandler((started, t) -> !ExceptionHandler.isDeserializationException(t));
        }
        services.addEventHandler(handler(initialList, s -> listener.serviceChanged(refOf(s))));
        slices.addEventHandler(handler(initialList, s -> {
            ServiceRef ref = serviceRefOf(s);
            if (ref != null) {
                listener.endpointSliceChanged(ref, triggerTime(s));
            }
        }));
        nodes.addEventHandler(handler(null, n -> listener.nodeChanged()));
    }

    /**
     * Starts the informers and waits until Services and EndpointSlices have been listed, as kube-proxy
     * does before its first sync: acting on an empty cache would delete every programmed service.
     */
    public void startAndAwaitSynced(Duration timeout) throws Exception {
        CompletableFuture<Void> svc = services.start().toCompletableFuture();
        CompletableFuture<Void> eps = slices.start().toCompletableFuture();
        nodes.start();
        CompletableFuture.allOf(svc, eps).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        initialList.remember(services.getStore().list());
        initialList.remember(slices.getStore().list());
    }

    /**
     * The first full sync has planned every listed object: from now on each ADD notification is a change. Until
     * then, the initial list's own notifications are not passed on (see {@link InitialListFilter}).
     */
    public void initialListPlanned() {
        initialList.forget();
    }

    public boolean hasSynced() {
        return services.hasSynced() && slices.hasSynced();
    }

    @Override
    public Optional<Service> service(ServiceRef ref) {
        return Optional.ofNullable(services.getStore().getByKey(ref.toString()));
    }

    @Override
    public List<EndpointSlice> endpointSlices(ServiceRef ref) {
        return slices.getIndexer().byIndex(BY_SERVICE, ref.toString());
    }

    @Override
    public List<ServiceRef> services() {
        List<ServiceRef> out = new ArrayList<>();
        for (Service s : services.getStore().list()) {
            out.add(refOf(s));
        }
        return out;
    }

    @Override
    public Optional<Node> node() {
        List<Node> list = nodes.getStore().list();
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    @Override
    public void close() {
        services.close();
        slices.close();
        nodes.close();
    }

    static ServiceRef refOf(HasMetadata o) {
        return new ServiceRef(o.getMetadata().getNamespace(), o.getMetadata().getName());
    }

    /** The Service an EndpointSlice belongs to, from its kubernetes.io/service-name label. */
    static ServiceRef serviceRefOf(EndpointSlice s) {
        Map<String, String> labels = s.getMetadata().getLabels();
        String name = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
        return name == null || name.isEmpty() ? null : new ServiceRef(s.getMetadata().getNamespace(), name);
    }

    private static List<String> serviceKeyOf(EndpointSlice s) {
        ServiceRef ref = serviceRefOf(s);
        return ref == null ? List.of() : List.of(ref.toString());
    }

    static Instant triggerTime(EndpointSlice s) {
        Map<String, String> annotations = s.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(TRIGGER_TIME_ANNOTATION);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            log.debug("EndpointSlice {} has an unparsable {}: {}", refOf(s), TRIGGER_TIME_ANNOTATION, value);
            return null;
        }
    }

    private static <T> ResourceEventHandler<T> handler(InitialListFilter initial, Consumer<T> onChange) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                if (initial == null || !initial.covers(obj)) {
                    onChange.accept(obj);
                }
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                onChange.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                onChange.accept(obj);
            }
        };
    }
}

package io.ipvsproxier.proxier.plan;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.ipvsproxier.ipvs.Addresses;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The endpoints of one Service, from its EndpointSlices, grouped the way kube-proxy's EndpointSliceCache groups
 * them: by address family and by the slice port's (name, protocol), which is how a Service port finds its
 * endpoints. The real-server port is the slice's port number, so a named {@code targetPort} is already resolved
 * by whoever wrote the slice (the EndpointSlice controller, or a person for a Service without selector).
 */
final class EndpointIndex {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /** A Service port as slices refer to it: name ("" when unnamed) and protocol. */
    record PortId(String name, Protocol protocol) {
        // equals/hashCode written out, as in PoolKey below.
        @Override
        public boolean equals(Object o) {
            return this == o || o instanceof PortId p && protocol == p.protocol && Objects.equals(name, p.name);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(name) * 31 + Objects.hashCode(protocol);
        }
    }

    private record PoolKey(int family, PortId port) {
        // Written out: the record's generated equals/hashCode run through method-handle chains that the C1-only JIT
        // does not inline, and every endpoint of every Service looks its pool up.
        @Override
        public boolean equals(Object o) {
            return this == o || o instanceof PoolKey k && family == k.family && Objects.equals(port, k.port);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(port) * 31 + family;
        }
    }

    private final Map<PoolKey, Map<RealServer.Endpoint, EndpointCandidate>> pools = new HashMap<>();

    private EndpointIndex() {}

    /**
     * Reads the slices of {@code service}. Slices of another Service (by namespace or by the
     * {@code kubernetes.io/service-name} label) are ignored, as are FQDN slices and slice ports no Service port
     * asks for. Endpoints that cannot be used at all are reported to {@code excluded}.
     */
    static EndpointIndex build(ServiceRef service, List<EndpointSlice> slices, Set<PortId> servicePorts,
                               Set<Integer> servedFamilies, String nodeName, Consumer<ExcludedEndpoint> excluded) {
        EndpointIndex index = new EndpointIndex();
        List<EndpointSlice> mine = new ArrayList<>();
        for (EndpointSlice s : slices == null ? List.<EndpointSlice>of() : slices) {
            if (s != null && belongsTo(s, service)) {
                mine.add(s);
            }
        }
        // Slice order must not change the result: kube-proxy also walks slices sorted by name.
        mine.sort(Comparator.comparing(s -> Objects.requireNonNullElse(s.getMetadata().getName(), "")));
        for (EndpointSlice slice : mine) {
            index.add(slice, servicePorts, servedFamilies, nodeName, excluded);
        }
        return index;
    }

    /** The endpoints of one Service port and family, in first-seen order. */
    List<EndpointCandidate> pool(int family, PortId port) {
        Map<RealServer.Endpoint, EndpointCandidate> pool = pools.get(new PoolKey(family, port));
        return pool == null ? List.of() : List.copyOf(pool.values());
    }

    private static boolean belongsTo(EndpointSlice slice, ServiceRef service) {
        ObjectMeta meta = slice.getMetadata();
        if (meta == null) {
            return false;
        }
        if (meta.getNamespace() != null && !meta.getNamespace().equals(service.namespace())) {
            return false;
        }
        Map<String, String> labels = meta.getLabels();
        return labels != null && service.name().equals(labels.get(SERVICE_NAME_LABEL));
    }

    private void add(EndpointSlice slice, Set<PortId> servicePorts, Set<Integer> servedFamilies, String nodeName,
                     Consumer<ExcludedEndpoint> excluded) {
        int sliceFamily = IpLiterals.familyOf(slice.getAddressType());
        if (sliceFamily == 0 || slice.getPorts() == null || slice.getEndpoints() == null) {
            return;
        }
        for (EndpointPort port : slice.getPorts()) {
            if (port == null) {
                continue;
            }
            Protocol protocol = ServicePlanner.protocolOf(port.getProtocol());
            PortId id = new PortId(port.getName() == null ? "" : port.getName(), protocol);
            if (protocol == null || !servicePorts.contains(id)) {
                continue;
            }
            for (Endpoint endpoint : slice.getEndpoints()) {
                addEndpoint(endpoint, sliceFamily, id, port.getPort(), servedFamilies, nodeName, excluded);
            }
        }
    }

    private void addEndpoint(Endpoint endpoint, int sliceFamily, PortId id, Integer portNumber, Set<Integer> servedFamilies,
                             String nodeName, Consumer<ExcludedEndpoint> excluded) {
        if (endpoint == null || endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
            return;
        }
        // The API allows up to 100 addresses per endpoint but says they are fungible; kube-proxy uses the first.
        String text = endpoint.getAddresses().get(0);
        InetAddress ip = IpLiterals.parse(text);
        if (ip == null) {
            excluded.accept(new ExcludedEndpoint(String.valueOf(text), "invalid address"));
            return;
        }
        if (ServiceKey.familyOf(ip) != sliceFamily || !servedFamilies.contains(sliceFamily)) {
            excluded.accept(new ExcludedEndpoint(Addresses.text(ip), "wrong family"));
            return;
        }
        if (portNumber == null) {
            excluded.accept(new ExcludedEndpoint(Addresses.text(ip), "no port number"));
            return;
        }
        if (portNumber < 1 || portNumber > 65535) {
            excluded.accept(new ExcludedEndpoint(Addresses.withPort(ip, portNumber), "invalid port"));
            return;
        }
        EndpointConditions conditions = endpoint.getConditions();
        boolean ready = conditions == null || conditions.getReady() == null || conditions.getReady();
        boolean serving = conditions == null || conditions.getServing() == null ? ready : conditions.getServing();
        boolean terminating = conditions != null && Boolean.TRUE.equals(conditions.getTerminating());
        boolean local = !nodeName.isEmpty() && nodeName.equals(endpoint.getNodeName());
        RealServer.Endpoint key = new RealServer.Endpoint(ip, portNumber);
        EndpointCandidate candidate = new EndpointCandidate(key, ready, serving, terminating, local);
        pools.computeIfAbsent(new PoolKey(sliceFamily, id), k -> new LinkedHashMap<>())
                .merge(key, candidate, EndpointCandidate::merge);
    }
}

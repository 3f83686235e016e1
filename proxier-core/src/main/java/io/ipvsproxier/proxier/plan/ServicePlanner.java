package io.ipvsproxier.proxier.plan;

import io.fabric8.kubernetes.api.model.ClientIPConfig;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.ipvsproxier.ipvs.Addresses;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans one Service, once: collects its virtual servers, rejections and left-out endpoints. Each problem costs
 * only the address or port it is about; everything else of the Service is still planned.
 */
final class ServicePlanner {

    static final String SERVICE_PROXY_NAME_LABEL = "service.kubernetes.io/service-proxy-name";
    static final int DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;
    static final int MAX_AFFINITY_TIMEOUT_SECONDS = 86400;

    private static final String INTERNAL_POLICY = "internalTrafficPolicy";
    private static final String EXTERNAL_POLICY = "externalTrafficPolicy";

    /** A Service port that passed validation. {@code nodePort} is 0 when it gets no NodePort virtual servers. */
    private record ValidPort(ServicePortName name, EndpointIndex.PortId id, int port, int nodePort) {}

    /** An external IP or load-balancer IP: served with the external traffic policy. */
    private record ExternalAddress(InetAddress ip, AddressKind kind) {
        int family() {
            return ServiceKey.familyOf(ip);
        }
    }

    private final PlannerConfig config;
    private final NodeFacts node;
    private final ServiceRef ref;
    private final Service service;
    private final List<EndpointSlice> slices;

    private final List<Rejection> rejections = new ArrayList<>();
    private final Set<ExcludedEndpoint> excluded = new LinkedHashSet<>();
    private final Set<String> noLocalEndpoints = new TreeSet<>();
    private final Map<ServiceKey, PlannedVirtualServer> planned = new HashMap<>();
    private final Set<String> reportedCollisions = new HashSet<>();
    /** Chosen once per Service, before its virtual servers are added. */
    private SchedulerChoice scheduler;
    private int persistence;

    ServicePlanner(PlannerConfig config, NodeFacts node, ServiceRef ref, Service service, List<EndpointSlice> slices) {
        this.config = config;
        this.node = node;
        this.ref = ref;
        this.service = service;
        this.slices = slices;
    }

    ServicePlan plan() {
        Map<String, String> labels = service.getMetadata() == null ? null : service.getMetadata().getLabels();
        if (labels != null && labels.containsKey(SERVICE_PROXY_NAME_LABEL)) {
            return ServicePlan.empty(ref); // served by another proxy
        }
        ServiceSpec spec = service.getSpec();
        if (spec == null) {
            reject("no_cluster_ip", "Service has no spec; nothing is programmed for it");
            return result();
        }
        String type = spec.getType() == null ? "ClusterIP" : spec.getType();
        if ("ExternalName".equals(type)) {
            return ServicePlan.empty(ref); // a DNS alias: nothing to balance
        }
        List<String> clusterIpTexts = clusterIpTexts(spec);
        if (clusterIpTexts.stream().anyMatch("None"::equals)) {
            return ServicePlan.empty(ref); // headless: DNS returns the endpoints directly
        }
        if (clusterIpTexts.isEmpty()) {
            reject("no_cluster_ip", "Service has no cluster IP (spec.clusterIP is empty); nothing is programmed for it");
            return result();
        }

        Map<Integer, InetAddress> clusterIps = clusterIps(spec, clusterIpTexts);
        if (clusterIps.isEmpty()) {
            reject("no_cluster_ip", "Service has no usable cluster IP, so nothing is programmed for it: external IPs,"
                    + " load-balancer IPs and NodePorts are served per family of the cluster IPs, as kube-proxy does");
            return result();
        }
        Set<Integer> families = clusterIps.keySet();
        List<ExternalAddress> externalAddresses = new ArrayList<>();
        externalIps(spec, families).forEach(ip -> externalAddresses.add(new ExternalAddress(ip, AddressKind.EXTERNAL_IP)));
        if ("LoadBalancer".equals(type)) {
            loadBalancerIps(service.getStatus(), families)
                    .forEach(ip -> externalAddresses.add(new ExternalAddress(ip, AddressKind.LOAD_BALANCER)));
        }
        boolean hasNodePorts = "NodePort".equals(type) || "LoadBalancer".equals(type);
        scheduler = SchedulerChoice.choose(ref,
                service.getMetadata() == null ? null : service.getMetadata().getAnnotations(), config);
        if (scheduler.rejection() != null) {
            rejections.add(scheduler.rejection());
        }
        persistence = affinityTimeout(spec);
        boolean internalLocal = "Local".equals(spec.getInternalTrafficPolicy());
        boolean externalLocal = "Local".equals(spec.getExternalTrafficPolicy());

        List<ValidPort> ports = validPorts(spec, hasNodePorts);
        Set<EndpointIndex.PortId> portIds = new HashSet<>();
        ports.forEach(p -> portIds.add(p.id()));
        EndpointIndex endpoints = EndpointIndex.build(ref, slices, portIds, families, node.nodeName(), excluded::add);

        for (ValidPort port : ports) {
            for (Map.Entry<Integer, InetAddress> family : clusterIps.entrySet()) {
                int af = family.getKey();
                List<EndpointCandidate> pool = endpoints.pool(af, port.id());

                EndpointSelection internal = EndpointSelection.select(pool, internalLocal, INTERNAL_POLICY);
                use(internal, "internal");
                add(port, family.getValue(), port.port(), AddressKind.CLUSTER_IP, internal);

                List<ExternalAddress> external = externalAddresses.stream().filter(e -> e.family() == af).toList();
                List<InetAddress> nodeIps = port.nodePort() == 0 ? List.of()
                        : node.nodePortAddresses().stream().filter(ip -> ServiceKey.familyOf(ip) == af).toList();
                if (external.isEmpty() && nodeIps.isEmpty()) {
                    continue;
                }
                EndpointSelection ext = EndpointSelection.select(pool, externalLocal, EXTERNAL_POLICY);
                use(ext, "external");
                for (ExternalAddress e : external) {
                    add(port, e.ip(), port.port(), e.kind(), ext);
                }
                for (InetAddress ip : nodeIps) {
                    add(port, ip, port.nodePort(), AddressKind.NODE_PORT, ext);
                }
            }
        }
        return result();
    }

    /** Adds one virtual server; a key already planned for this Service is not planned twice. */
    private void add(ValidPort port, InetAddress ip, int portNumber, AddressKind kind, EndpointSelection selection) {
        ServiceKey key = ServiceKey.of(port.id().protocol(), ip, portNumber);
        PlannedVirtualServer existing = planned.get(key);
        if (existing != null) {
            // The same address listed twice (or an external IP equal to a load-balancer IP) is one virtual
            // server; two Service ports on one protocol and port number is a real conflict worth reporting.
            String pair = existing.portName() + "|" + port.name();
            if (!existing.portName().equals(port.name()) && reportedCollisions.add(pair)) {
                reject("duplicate_virtual_server", "port " + describe(port.name()) + " would use " + key
                        + ", which port " + describe(existing.portName()) + " already uses; only the first is programmed");
            }
            return;
        }
        VirtualServer server = VirtualServer.of(key, scheduler.scheduler()).withFlags(scheduler.flags());
        if (persistence > 0) {
            server = server.withPersistence(persistence);
        }
        List<RealServer> realServers = selection.chosen().stream()
                .map(c -> RealServer.masq(c.endpoint().address(), c.endpoint().port(), 1))
                .toList();
        planned.put(key, new PlannedVirtualServer(server, realServers, kind, port.name(), scheduler.source()));
    }

    private void use(EndpointSelection selection, String policy) {
        excluded.addAll(selection.excluded());
        if (selection.noLocalFallback()) {
            noLocalEndpoints.add(policy);
        }
    }

    private ServicePlan result() {
        List<PlannedVirtualServer> servers = new ArrayList<>(planned.values());
        servers.sort((a, b) -> a.server().key().compareTo(b.server().key()));
        return new ServicePlan(ref, servers, rejections, List.copyOf(excluded), List.copyOf(noLocalEndpoints));
    }

    private static List<String> clusterIpTexts(ServiceSpec spec) {
        List<String> texts = new ArrayList<>();
        if (spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()) {
            spec.getClusterIPs().forEach(t -> {
                if (t != null && !t.isBlank()) {
                    texts.add(t.trim());
                }
            });
        } else if (spec.getClusterIP() != null && !spec.getClusterIP().isBlank()) {
            texts.add(spec.getClusterIP().trim());
        }
        return texts;
    }

    /** At most one cluster IP per family (the first), of a family both the Service and this proxier serve. */
    private Map<Integer, InetAddress> clusterIps(ServiceSpec spec, List<String> texts) {
        Set<Integer> declared = new TreeSet<>();
        List<String> declaredNames = spec.getIpFamilies() == null ? List.of() : spec.getIpFamilies();
        declaredNames.forEach(n -> {
            int af = IpLiterals.familyOf(n);
            if (af != 0) {
                declared.add(af);
            }
        });
        Map<Integer, InetAddress> ips = new TreeMap<>();
        for (String text : texts) {
            InetAddress ip = IpLiterals.parse(text);
            if (ip == null) {
                reject("invalid_ip", "cluster IP \"" + text + "\" is not an IP address; it is not programmed");
                continue;
            }
            int af = ServiceKey.familyOf(ip);
            String shown = Addresses.text(ip);
            if (!declared.isEmpty() && !declared.contains(af)) {
                reject("wrong_family", "cluster IP " + shown + " is " + IpLiterals.familyName(af) + " but spec.ipFamilies is "
                        + declaredNames + "; it is not programmed");
            } else if (!enabled(af)) {
                reject("wrong_family", "cluster IP " + shown + " is " + IpLiterals.familyName(af)
                        + ", a family this proxier does not serve; it is not programmed");
            } else if (ips.containsKey(af)) {
                reject("wrong_family", "cluster IP " + shown + " is a second " + IpLiterals.familyName(af) + " cluster IP (the first is "
                        + Addresses.text(ips.get(af)) + "); it is not programmed");
            } else {
                ips.put(af, ip);
            }
        }
        return ips;
    }

    private List<InetAddress> externalIps(ServiceSpec spec, Set<Integer> families) {
        Set<InetAddress> ips = new LinkedHashSet<>();
        for (String text : spec.getExternalIPs() == null ? List.<String>of() : spec.getExternalIPs()) {
            InetAddress ip = familyChecked(text, "external IP", families);
            if (ip != null) {
                ips.add(ip);
            }
        }
        return List.copyOf(ips);
    }

    /** {@code status.loadBalancer.ingress[].ip}, except hostname-only entries and {@code ipMode: Proxy} ones. */
    private List<InetAddress> loadBalancerIps(ServiceStatus status, Set<Integer> families) {
        LoadBalancerStatus lb = status == null ? null : status.getLoadBalancer();
        if (lb == null || lb.getIngress() == null) {
            return List.of();
        }
        Set<InetAddress> ips = new LinkedHashSet<>();
        for (LoadBalancerIngress ingress : lb.getIngress()) {
            // With ipMode Proxy the load balancer rewrites the destination to the node, so the VIP must not be local
            // here (KEP-1860); kube-proxy leaves it alone too.
            if (ingress == null || ingress.getIp() == null || ingress.getIp().isBlank() || "Proxy".equals(ingress.getIpMode())) {
                continue;
            }
            InetAddress ip = familyChecked(ingress.getIp(), "load-balancer ingress IP", families);
            if (ip != null) {
                ips.add(ip);
            }
        }
        return List.copyOf(ips);
    }

    private InetAddress familyChecked(String text, String what, Set<Integer> families) {
        InetAddress ip = IpLiterals.parse(text);
        if (ip == null) {
            reject("invalid_ip", what + " \"" + text + "\" is not an IP address; it is not programmed");
            return null;
        }
        int af = ServiceKey.familyOf(ip);
        if (!families.contains(af)) {
            String why = enabled(af)
                    ? "the Service has no " + IpLiterals.familyName(af) + " cluster IP (families are not translated, as in kube-proxy)"
                    : "a family this proxier does not serve";
            reject("wrong_family", what + " " + Addresses.text(ip) + " is " + IpLiterals.familyName(af) + " and " + why
                    + "; it is not programmed");
            return null;
        }
        return ip;
    }

    private List<ValidPort> validPorts(ServiceSpec spec, boolean hasNodePorts) {
        List<ValidPort> valid = new ArrayList<>();
        for (ServicePort sp : spec.getPorts() == null ? List.<ServicePort>of() : spec.getPorts()) {
            if (sp == null) {
                continue;
            }
            String name = sp.getName() == null ? "" : sp.getName();
            String label = name.isEmpty() ? String.valueOf(sp.getPort()) : "\"" + name + "\"";
            Protocol protocol = protocolOf(sp.getProtocol());
            if (protocol == null) {
                reject("unsupported_protocol", "port " + label + ": protocol \"" + sp.getProtocol()
                        + "\" is not one IPVS balances (TCP, UDP, SCTP); the port is not programmed");
                continue;
            }
            Integer port = sp.getPort();
            if (port == null || port < 1 || port > 65535) {
                reject("invalid_port", "port " + label + ": port " + port + " is out of range 1-65535; the port is not programmed");
                continue;
            }
            ServicePortName portName = new ServicePortName(ref, name, protocol);
            int nodePort = 0;
            Integer np = sp.getNodePort();
            if (hasNodePorts && np != null && np != 0) {
                if (np < 1 || np > 65535) {
                    reject("invalid_port", "port " + label + ": nodePort " + np
                            + " is out of range 1-65535; the port gets no NodePort virtual servers");
                } else {
                    nodePort = np;
                }
            }
            valid.add(new ValidPort(portName, new EndpointIndex.PortId(name, protocol), port, nodePort));
        }
        return valid;
    }

    /** The persistence timeout for sessionAffinity ClientIP, 0 without affinity. */
    private int affinityTimeout(ServiceSpec spec) {
        if (!"ClientIP".equals(spec.getSessionAffinity())) {
            return 0;
        }
        SessionAffinityConfig affinity = spec.getSessionAffinityConfig();
        ClientIPConfig clientIp = affinity == null ? null : affinity.getClientIP();
        Integer seconds = clientIp == null ? null : clientIp.getTimeoutSeconds();
        if (seconds == null) {
            return DEFAULT_AFFINITY_TIMEOUT_SECONDS;
        }
        if (seconds < 1 || seconds > MAX_AFFINITY_TIMEOUT_SECONDS) {
            reject("invalid_session_affinity", "sessionAffinityConfig.clientIP.timeoutSeconds " + seconds
                    + " is out of range 1-" + MAX_AFFINITY_TIMEOUT_SECONDS + "; using " + DEFAULT_AFFINITY_TIMEOUT_SECONDS);
            return DEFAULT_AFFINITY_TIMEOUT_SECONDS;
        }
        return seconds;
    }

    /** TCP when unset (the API default); null for a protocol IPVS does not balance. */
    static Protocol protocolOf(String text) {
        if (text == null || text.isEmpty()) {
            return Protocol.TCP;
        }
        return switch (text.toUpperCase(Locale.ROOT)) {
            case "TCP" -> Protocol.TCP;
            case "UDP" -> Protocol.UDP;
            case "SCTP" -> Protocol.SCTP;
            default -> null;
        };
    }

    private boolean enabled(int family) {
        return family == ServiceKey.AF_INET6 ? config.ipv6Enabled() : config.ipv4Enabled();
    }

    private void reject(String reason, String message) {
        rejections.add(new Rejection(ref, reason, message));
    }

    private static String describe(ServicePortName name) {
        return name.port().isEmpty() ? "(unnamed)/" + name.protocol() : "\"" + name.port() + "\"/" + name.protocol();
    }
}

package io.ipvsproxier.proxier.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.ipvsproxier.ipvs.Addresses;
import io.ipvsproxier.ipvs.ForwardingMethod;
import io.ipvsproxier.ipvs.RealServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for Services, EndpointSlices and plans, so each test shows only what it is about. */
final class PlanFixtures {
    private PlanFixtures() {}

    static final String NAMESPACE = "default";
    static final String NODE = "node-a";
    static final String OTHER_NODE = "node-b";
    /** Two IPv4 node addresses and one IPv6 one, as NodeFacts.nodePortAddresses would return them. */
    static final NodeFacts NODE_FACTS = new NodeFacts(NODE,
            List.of(Addresses.parse("192.168.1.10"), Addresses.parse("192.168.2.10"), Addresses.parse("2001:db8::10")));

    static final Planner PLANNER = new Planner(PlannerConfig.defaults());

    /** A ClusterIP Service in {@link #NAMESPACE}; ipFamilies follow the cluster IPs' families. */
    static ServiceBuilder service(String name, String... clusterIps) {
        List<String> families = new ArrayList<>();
        for (String ip : clusterIps) {
            families.add(ip.contains(":") ? "IPv6" : "IPv4");
        }
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(NAMESPACE).withName(name).endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withClusterIP(clusterIps.length == 0 ? null : clusterIps[0])
                .withClusterIPs(clusterIps)
                .withIpFamilies(families)
                .endSpec();
    }

    static ServicePort port(String name, int port, String protocol) {
        return new ServicePortBuilder().withName(name).withPort(port).withProtocol(protocol).build();
    }

    static ServicePort port(String name, int port, String protocol, String namedTarget) {
        return new ServicePortBuilder().withName(name).withPort(port).withProtocol(protocol)
                .withTargetPort(new IntOrString(namedTarget)).build();
    }

    static ServicePort nodePort(String name, int port, String protocol, int nodePort) {
        return new ServicePortBuilder().withName(name).withPort(port).withProtocol(protocol).withNodePort(nodePort).build();
    }

    static EndpointPort slicePort(String name, Integer port, String protocol) {
        return new EndpointPortBuilder().withName(name).withPort(port).withProtocol(protocol).build();
    }

    static EndpointSlice slice(String name, String service, String addressType, List<EndpointPort> ports, Endpoint... endpoints) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(NAMESPACE).withName(name)
                .addToLabels(Planner.SERVICE_NAME_LABEL, service).endMetadata()
                .withAddressType(addressType)
                .withPorts(ports)
                .withEndpoints(endpoints)
                .build();
    }

    static Endpoint ready(String ip, String node) {
        return endpoint(ip, node, true, true, false);
    }

    static Endpoint notReady(String ip, String node) {
        return endpoint(ip, node, false, false, false);
    }

    /** A terminating endpoint: ready is always false then; serving says whether it still takes traffic. */
    static Endpoint terminating(String ip, String node, boolean serving) {
        return endpoint(ip, node, false, serving, true);
    }

    static Endpoint endpoint(String ip, String node, Boolean ready, Boolean serving, Boolean terminating) {
        return new EndpointBuilder().withAddresses(ip).withNodeName(node)
                .withNewConditions().withReady(ready).withServing(serving).withTerminating(terminating).endConditions()
                .build();
    }

    /** Virtual servers by their key text ({@code TCP 10.96.0.10:80}), in plan order. */
    static Map<String, PlannedVirtualServer> byKey(ServicePlan plan) {
        Map<String, PlannedVirtualServer> m = new LinkedHashMap<>();
        plan.virtualServers().forEach(v -> m.put(v.server().key().toString(), v));
        return m;
    }

    static List<String> keys(ServicePlan plan) {
        return List.copyOf(byKey(plan).keySet());
    }

    /** The real servers of one virtual server as {@code address:port}, after checking they are masq, weight 1. */
    static List<String> realServers(ServicePlan plan, String key) {
        PlannedVirtualServer vs = byKey(plan).get(key);
        assertThat(vs).as("virtual server %s in %s", key, keys(plan)).isNotNull();
        for (RealServer rs : vs.realServers()) {
            assertThat(rs.forwarding()).isEqualTo(ForwardingMethod.MASQ);
            assertThat(rs.weight()).isEqualTo(1);
        }
        return vs.realServers().stream().map(rs -> rs.endpoint().toString()).toList();
    }

    static List<String> reasons(ServicePlan plan) {
        return plan.rejections().stream().map(Rejection::reason).toList();
    }
}

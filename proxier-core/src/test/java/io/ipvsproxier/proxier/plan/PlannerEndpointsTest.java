package io.ipvsproxier.proxier.plan;

import static io.ipvsproxier.proxier.plan.PlanFixtures.NODE;
import static io.ipvsproxier.proxier.plan.PlanFixtures.NODE_FACTS;
import static io.ipvsproxier.proxier.plan.PlanFixtures.OTHER_NODE;
import static io.ipvsproxier.proxier.plan.PlanFixtures.PLANNER;
import static io.ipvsproxier.proxier.plan.PlanFixtures.endpoint;
import static io.ipvsproxier.proxier.plan.PlanFixtures.keys;
import static io.ipvsproxier.proxier.plan.PlanFixtures.nodePort;
import static io.ipvsproxier.proxier.plan.PlanFixtures.notReady;
import static io.ipvsproxier.proxier.plan.PlanFixtures.port;
import static io.ipvsproxier.proxier.plan.PlanFixtures.ready;
import static io.ipvsproxier.proxier.plan.PlanFixtures.realServers;
import static io.ipvsproxier.proxier.plan.PlanFixtures.service;
import static io.ipvsproxier.proxier.plan.PlanFixtures.slice;
import static io.ipvsproxier.proxier.plan.PlanFixtures.slicePort;
import static io.ipvsproxier.proxier.plan.PlanFixtures.terminating;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which endpoints become real servers: readiness, terminating fallback, traffic policies, bad endpoints. */
class PlannerEndpointsTest {

    private static final String CLUSTER_VS = "TCP 10.96.0.10:80";
    private static final String NODE_PORT_VS = "TCP 192.168.1.10:30080";

    private static Service webService(String internalPolicy, String externalPolicy) {
        return service("web", "10.96.0.10")
                .editSpec().withType("NodePort")
                .withInternalTrafficPolicy(internalPolicy).withExternalTrafficPolicy(externalPolicy)
                .addToPorts(nodePort("http", 80, "TCP", 30080)).endSpec().build();
    }

    private static EndpointSlice webSlice(String name, Endpoint... endpoints) {
        return slice(name, "web", "IPv4", List.of(slicePort("http", 8080, "TCP")), endpoints);
    }

    private static ExcludedEndpoint out(String address, String reason) {
        return new ExcludedEndpoint(address, reason);
    }

    static Stream<Arguments> selections() {
        String notLocalExt = "not local (externalTrafficPolicy=Local)";
        String notLocalInt = "not local (internalTrafficPolicy=Local)";
        return Stream.of(
                Arguments.of("ready endpoints only; not-ready ones are left out", "Cluster", "Cluster",
                        List.of(ready("10.1.0.1", NODE), notReady("10.1.0.2", OTHER_NODE)),
                        List.of("10.1.0.1:8080"), List.of("10.1.0.1:8080"),
                        List.of(out("10.1.0.2:8080", "not ready")), List.of()),
                Arguments.of("terminating endpoints wait while ready ones exist", "Cluster", "Cluster",
                        List.of(ready("10.1.0.1", OTHER_NODE), terminating("10.1.0.2", NODE, true), terminating("10.1.0.3", NODE, false)),
                        List.of("10.1.0.1:8080"), List.of("10.1.0.1:8080"),
                        List.of(out("10.1.0.2:8080", "terminating (ready endpoints exist)"), out("10.1.0.3:8080", "not ready")),
                        List.of()),
                Arguments.of("no ready endpoint: serving terminating ones carry the traffic (KEP-1669)", "Cluster", "Cluster",
                        List.of(terminating("10.1.0.2", NODE, true), terminating("10.1.0.3", OTHER_NODE, true),
                                terminating("10.1.0.4", NODE, false), notReady("10.1.0.5", NODE)),
                        List.of("10.1.0.2:8080", "10.1.0.3:8080"), List.of("10.1.0.2:8080", "10.1.0.3:8080"),
                        List.of(out("10.1.0.4:8080", "not ready"), out("10.1.0.5:8080", "not ready")), List.of()),
                Arguments.of("ready unset means ready, serving unset follows ready", "Cluster", "Cluster",
                        List.of(endpoint("10.1.0.1", NODE, null, null, null), endpoint("10.1.0.2", NODE, false, null, true)),
                        List.of("10.1.0.1:8080"), List.of("10.1.0.1:8080"),
                        List.of(out("10.1.0.2:8080", "not ready")), List.of()),
                Arguments.of("externalTrafficPolicy Local: NodePort gets local endpoints, ClusterIP all", "Cluster", "Local",
                        List.of(ready("10.1.0.1", NODE), ready("10.1.0.2", OTHER_NODE)),
                        List.of("10.1.0.1:8080", "10.1.0.2:8080"), List.of("10.1.0.1:8080"),
                        List.of(out("10.1.0.2:8080", notLocalExt)), List.of()),
                Arguments.of("externalTrafficPolicy Local, no local endpoint: cluster endpoints anyway (kubernetes #97081)",
                        "Cluster", "Local",
                        List.of(ready("10.1.0.2", OTHER_NODE), ready("10.1.0.3", OTHER_NODE)),
                        List.of("10.1.0.2:8080", "10.1.0.3:8080"), List.of("10.1.0.2:8080", "10.1.0.3:8080"),
                        List.of(), List.of("external")),
                Arguments.of("internalTrafficPolicy Local: ClusterIP gets local endpoints, NodePort all", "Local", "Cluster",
                        List.of(ready("10.1.0.1", NODE), ready("10.1.0.2", OTHER_NODE)),
                        List.of("10.1.0.1:8080"), List.of("10.1.0.1:8080", "10.1.0.2:8080"),
                        List.of(out("10.1.0.2:8080", notLocalInt)), List.of()),
                Arguments.of("internalTrafficPolicy Local, no local endpoint: cluster endpoints anyway", "Local", "Cluster",
                        List.of(ready("10.1.0.2", OTHER_NODE)),
                        List.of("10.1.0.2:8080"), List.of("10.1.0.2:8080"), List.of(), List.of("internal")),
                Arguments.of("both Local, no local endpoint: both policies reported", "Local", "Local",
                        List.of(ready("10.1.0.2", OTHER_NODE)),
                        List.of("10.1.0.2:8080"), List.of("10.1.0.2:8080"), List.of(), List.of("external", "internal")),
                Arguments.of("both Local, no endpoint at all: nothing to fall back to, nothing reported", "Local", "Local",
                        List.of(notReady("10.1.0.2", OTHER_NODE)),
                        List.of(), List.of(), List.of(out("10.1.0.2:8080", "not ready")), List.of()),
                Arguments.of("Local: a local serving-terminating endpoint beats remote ready ones", "Cluster", "Local",
                        List.of(ready("10.1.0.2", OTHER_NODE), terminating("10.1.0.1", NODE, true)),
                        List.of("10.1.0.2:8080"), List.of("10.1.0.1:8080"),
                        List.of(out("10.1.0.1:8080", "terminating (ready endpoints exist)"), out("10.1.0.2:8080", notLocalExt)),
                        List.of()),
                Arguments.of("Local: local ready endpoints beat local terminating ones", "Cluster", "Local",
                        List.of(ready("10.1.0.1", NODE), terminating("10.1.0.3", NODE, true)),
                        List.of("10.1.0.1:8080"), List.of("10.1.0.1:8080"),
                        List.of(out("10.1.0.3:8080", "terminating (ready endpoints exist)")), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selections")
    void realServersFollowReadinessAndTrafficPolicies(String description, String internalPolicy, String externalPolicy,
                                                      List<Endpoint> endpoints, List<String> clusterIpRealServers,
                                                      List<String> nodePortRealServers, List<ExcludedEndpoint> excluded,
                                                      List<String> noLocalEndpoints) {
        ServicePlan plan = PLANNER.plan(webService(internalPolicy, externalPolicy),
                List.of(webSlice("web-1", endpoints.toArray(Endpoint[]::new))), NODE_FACTS);

        assertThat(realServers(plan, CLUSTER_VS)).containsExactlyElementsOf(clusterIpRealServers);
        assertThat(realServers(plan, NODE_PORT_VS)).containsExactlyElementsOf(nodePortRealServers);
        assertThat(realServers(plan, "TCP 192.168.2.10:30080")).containsExactlyElementsOf(nodePortRealServers);
        assertThat(plan.excludedEndpoints()).containsExactlyInAnyOrderElementsOf(excluded);
        assertThat(plan.noLocalEndpoints()).containsExactlyElementsOf(noLocalEndpoints);
        assertThat(plan.rejections()).isEmpty();
    }

    @Test
    void externalIpsAndLoadBalancerIpsFollowExternalTrafficPolicyToo() {
        Service svc = service("web", "10.96.0.10")
                .editSpec().withType("LoadBalancer").withExternalTrafficPolicy("Local").withExternalIPs("203.0.113.5")
                .addToPorts(port("http", 80, "TCP")).endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("198.51.100.7").endIngress().endLoadBalancer().endStatus()
                .build();

        ServicePlan plan = PLANNER.plan(svc, List.of(webSlice("web-1", ready("10.1.0.1", NODE), ready("10.1.0.2", OTHER_NODE))),
                NODE_FACTS);

        assertThat(keys(plan)).containsExactly(CLUSTER_VS, "TCP 198.51.100.7:80", "TCP 203.0.113.5:80");
        assertThat(realServers(plan, CLUSTER_VS)).containsExactly("10.1.0.1:8080", "10.1.0.2:8080");
        assertThat(realServers(plan, "TCP 198.51.100.7:80")).containsExactly("10.1.0.1:8080");
        assertThat(realServers(plan, "TCP 203.0.113.5:80")).containsExactly("10.1.0.1:8080");
    }

    @Test
    void endpointListedInTwoSlicesIsOneRealServerAndTheUsableCopyWins() {
        // While the EndpointSlice controller moves an endpoint between slices it may briefly be in both.
        Service svc = webService("Cluster", "Local");
        List<EndpointSlice> slices = List.of(
                webSlice("web-a", notReady("10.1.0.1", null), ready("10.1.0.2", OTHER_NODE)),
                webSlice("web-b", ready("10.1.0.1", NODE), ready("10.1.0.2", OTHER_NODE)));

        ServicePlan plan = PLANNER.plan(svc, slices, NODE_FACTS);

        assertThat(realServers(plan, CLUSTER_VS)).containsExactly("10.1.0.1:8080", "10.1.0.2:8080");
        assertThat(realServers(plan, NODE_PORT_VS)).containsExactly("10.1.0.1:8080");
        assertThat(plan.excludedEndpoints()).containsExactly(out("10.1.0.2:8080", "not local (externalTrafficPolicy=Local)"));
    }

    @Test
    void unusableEndpointsAreRecordedWithTheirReasonAndTheOthersStillServe() {
        Service svc = webService("Cluster", "Cluster");
        List<EndpointSlice> slices = List.of(
                webSlice("web-1", ready("10.1.0.1", NODE), ready("10.1.0.300", NODE), ready("fd00:1::5", NODE),
                        new EndpointBuilder().withAddresses().build()),
                slice("web-2", "web", "IPv4", List.of(slicePort("http", 70000, "TCP")), ready("10.1.0.7", NODE)),
                slice("web-3", "web", "IPv4", List.of(slicePort("http", null, "TCP")), ready("10.1.0.8", NODE)),
                // The Service has no IPv6 cluster IP, so its IPv6 endpoints have nowhere to go.
                slice("web-4", "web", "IPv6", List.of(slicePort("http", 8080, "TCP")), ready("fd00:1::9", NODE)));

        ServicePlan plan = PLANNER.plan(svc, slices, NODE_FACTS);

        assertThat(realServers(plan, CLUSTER_VS)).containsExactly("10.1.0.1:8080");
        assertThat(realServers(plan, NODE_PORT_VS)).containsExactly("10.1.0.1:8080");
        assertThat(plan.excludedEndpoints()).containsExactlyInAnyOrder(
                out("10.1.0.300", "invalid address"),
                out("fd00:1::5", "wrong family"),
                out("10.1.0.7:70000", "invalid port"),
                out("10.1.0.8", "no port number"),
                out("fd00:1::9", "wrong family"));
        assertThat(plan.rejections()).isEmpty();
    }

    @Test
    void ipv6EndpointsWithInvalidPortAreShownInBrackets() {
        Service svc = service("web6", "fd00:10::10").editSpec().addToPorts(port("http", 80, "TCP")).endSpec().build();
        EndpointSlice slice = slice("web6-1", "web6", "IPv6", List.of(slicePort("http", 0, "TCP")), ready("fd00:1::1", NODE));

        ServicePlan plan = PLANNER.plan(svc, List.of(slice), NODE_FACTS);

        assertThat(realServers(plan, "TCP [fd00:10::10]:80")).isEmpty();
        assertThat(plan.excludedEndpoints()).containsExactly(out("[fd00:1::1]:0", "invalid port"));
    }
}

package io.ipvsproxier.proxier.plan;

import static io.ipvsproxier.proxier.plan.PlanFixtures.NODE;
import static io.ipvsproxier.proxier.plan.PlanFixtures.NODE_FACTS;
import static io.ipvsproxier.proxier.plan.PlanFixtures.OTHER_NODE;
import static io.ipvsproxier.proxier.plan.PlanFixtures.PLANNER;
import static io.ipvsproxier.proxier.plan.PlanFixtures.byKey;
import static io.ipvsproxier.proxier.plan.PlanFixtures.keys;
import static io.ipvsproxier.proxier.plan.PlanFixtures.nodePort;
import static io.ipvsproxier.proxier.plan.PlanFixtures.port;
import static io.ipvsproxier.proxier.plan.PlanFixtures.ready;
import static io.ipvsproxier.proxier.plan.PlanFixtures.realServers;
import static io.ipvsproxier.proxier.plan.PlanFixtures.service;
import static io.ipvsproxier.proxier.plan.PlanFixtures.slice;
import static io.ipvsproxier.proxier.plan.PlanFixtures.slicePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.ServiceFlags;
import io.ipvsproxier.ipvs.VirtualServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Service types and address kinds -> virtual servers, as kube-proxy's IPVS mode builds them. */
class PlannerTest {

    private static final List<EndpointPort> WEB_PORTS =
            List.of(slicePort("http", 8080, "TCP"));

    @Test
    void clusterIpWithTwoPortsTakesRealServerPortsFromTheSlicePortOfTheSameName() {
        Service svc = service("web", "10.96.0.10")
                .editSpec()
                .addToPorts(port("http", 80, "TCP", "web"))      // named targetPort: resolved by the slice
                .addToPorts(port("metrics", 9090, "TCP", "prom"))
                .endSpec().build();
        EndpointSlice slice = slice("web-1", "web", "IPv4",
                List.of(slicePort("http", 8080, "TCP"), slicePort("metrics", 9100, "TCP"), slicePort("admin", 7000, "TCP")),
                ready("10.1.0.2", NODE), ready("10.1.0.1", OTHER_NODE));

        ServicePlan plan = PLANNER.plan(svc, List.of(slice), NODE_FACTS);

        assertThat(plan.service()).isEqualTo(new ServiceRef("default", "web"));
        assertThat(keys(plan)).containsExactly("TCP 10.96.0.10:80", "TCP 10.96.0.10:9090");
        assertThat(realServers(plan, "TCP 10.96.0.10:80")).containsExactly("10.1.0.1:8080", "10.1.0.2:8080");
        assertThat(realServers(plan, "TCP 10.96.0.10:9090")).containsExactly("10.1.0.1:9100", "10.1.0.2:9100");
        PlannedVirtualServer http = byKey(plan).get("TCP 10.96.0.10:80");
        assertThat(http.kind()).isEqualTo(AddressKind.CLUSTER_IP);
        assertThat(http.portName()).isEqualTo(new ServicePortName(plan.service(), "http", Protocol.TCP));
        assertThat(http.server()).isEqualTo(VirtualServer.of(http.server().key(), "rr"));
        assertThat(http.schedulerSource()).isEqualTo("default (--ipvs-scheduler)");
        assertThat(plan.rejections()).isEmpty();
        assertThat(plan.excludedEndpoints()).isEmpty();
        assertThat(plan.noLocalEndpoints()).isEmpty();
    }

    @Test
    void oneNamedPortCanMapToDifferentNumbersInDifferentSlices() {
        // During a rollout that changes a named container port, old and new pods sit in different slices.
        Service svc = service("web", "10.96.0.10").editSpec().addToPorts(port("http", 80, "TCP", "web")).endSpec().build();
        List<EndpointSlice> slices = List.of(
                slice("web-old", "web", "IPv4", List.of(slicePort("http", 8080, "TCP")), ready("10.1.0.1", NODE)),
                slice("web-new", "web", "IPv4", List.of(slicePort("http", 8081, "TCP")), ready("10.1.0.2", NODE)));

        ServicePlan plan = PLANNER.plan(svc, slices, NODE_FACTS);

        assertThat(realServers(plan, "TCP 10.96.0.10:80")).containsExactly("10.1.0.1:8080", "10.1.0.2:8081");
    }

    @Test
    void unnamedPortMatchesUnnamedSlicePortAndProtocolMustMatch() {
        Service svc = service("dns", "10.96.0.53")
                .editSpec().addToPorts(port(null, 53, "UDP")).endSpec().build();
        EndpointSlice slice = slice("dns-1", "dns", "IPv4",
                List.of(slicePort(null, 5353, "UDP"), slicePort(null, 5354, "TCP"), slicePort("", 9999, "SCTP")),
                ready("10.1.0.9", NODE));

        ServicePlan plan = PLANNER.plan(svc, List.of(slice), NODE_FACTS);

        assertThat(keys(plan)).containsExactly("UDP 10.96.0.53:53");
        assertThat(realServers(plan, "UDP 10.96.0.53:53")).containsExactly("10.1.0.9:5353");
        assertThat(byKey(plan).get("UDP 10.96.0.53:53").portName().port()).isEmpty();
    }

    @Test
    void dualStackGetsOneVirtualServerPerFamilyWithThatFamilysEndpoints() {
        Service svc = service("web", "10.96.0.10", "fd00:10::10")
                .editSpec().withIpFamilyPolicy("RequireDualStack").addToPorts(port("http", 80, "TCP")).endSpec().build();
        List<EndpointSlice> slices = List.of(
                slice("web-v4", "web", "IPv4", WEB_PORTS, ready("10.1.0.1", NODE)),
                slice("web-v6", "web", "IPv6", List.of(slicePort("http", 8443, "TCP")), ready("fd00:1::1", NODE)));

        ServicePlan plan = PLANNER.plan(svc, slices, NODE_FACTS);

        assertThat(keys(plan)).containsExactly("TCP 10.96.0.10:80", "TCP [fd00:10::10]:80");
        assertThat(realServers(plan, "TCP 10.96.0.10:80")).containsExactly("10.1.0.1:8080");
        assertThat(realServers(plan, "TCP [fd00:10::10]:80")).containsExactly("[fd00:1::1]:8443");
        assertThat(byKey(plan).get("TCP [fd00:10::10]:80").server().netmask()).isEqualTo(128);
        assertThat(plan.rejections()).isEmpty();
    }

    @Test
    void nodePortGetsOneVirtualServerPerNodeAddressOfTheServicesFamily() {
        Service svc = service("web", "10.96.0.10")
                .editSpec().withType("NodePort").addToPorts(nodePort("http", 80, "TCP", 30080)).endSpec().build();
        EndpointSlice slice = slice("web-1", "web", "IPv4", WEB_PORTS, ready("10.1.0.1", OTHER_NODE));

        ServicePlan plan = PLANNER.plan(svc, List.of(slice), NODE_FACTS);

        // The IPv6 node address gets nothing: the Service has no IPv6 cluster IP.
        assertThat(keys(plan)).containsExactly("TCP 10.96.0.10:80", "TCP 192.168.1.10:30080", "TCP 192.168.2.10:30080");
        assertThat(byKey(plan).get("TCP 192.168.1.10:30080").kind()).isEqualTo(AddressKind.NODE_PORT);
        assertThat(realServers(plan, "TCP 192.168.2.10:30080")).containsExactly("10.1.0.1:8080");
        assertThat(plan.rejections()).isEmpty();
    }

    @Test
    void dualStackNodePortUsesNodeAddressesOfBothFamilies() {
        Service svc = service("web", "10.96.0.10", "fd00:10::10")
                .editSpec().withType("NodePort").addToPorts(nodePort("http", 80, "TCP", 30080)).endSpec().build();

        ServicePlan plan = PLANNER.plan(svc, List.of(), NODE_FACTS);

        assertThat(keys(plan)).containsExactly("TCP 10.96.0.10:80", "TCP 192.168.1.10:30080", "TCP 192.168.2.10:30080",
                "TCP [2001:db8::10]:30080", "TCP [fd00:10::10]:80");
        // No endpoints yet: the virtual servers exist anyway (traffic is refused instead of leaking to the host).
        assertThat(plan.virtualServers()).allSatisfy(v -> assertThat(v.realServers()).isEmpty());
    }

    @Test
    void nodePortOnAClusterIpServiceIsIgnored() {
        // The API server forbids it; a non-validating API (test servers) might not.
        Service svc = service("web", "10.96.0.10").editSpec().addToPorts(nodePort("http", 80, "TCP", 30080)).endSpec().build();

        assertThat(keys(PLANNER.plan(svc, List.of(), NODE_FACTS))).containsExactly("TCP 10.96.0.10:80");
    }

    @Test
    void externalIpsAreVirtualServersWithTheClusterIpsEndpoints() {
        Service svc = service("web", "10.96.0.10")
                .editSpec().withExternalIPs("203.0.113.5", "203.0.113.6", "203.0.113.5").addToPorts(port("http", 80, "TCP")).endSpec()
                .build();
        EndpointSlice slice = slice("web-1", "web", "IPv4", WEB_PORTS, ready("10.1.0.1", NODE));

        ServicePlan plan = PLANNER.plan(svc, List.of(slice), NODE_FACTS);

        assertThat(keys(plan)).containsExactly("TCP 10.96.0.10:80", "TCP 203.0.113.5:80", "TCP 203.0.113.6:80");
        assertThat(byKey(plan).get("TCP 203.0.113.5:80").kind()).isEqualTo(AddressKind.EXTERNAL_IP);
        assertThat(realServers(plan, "TCP 203.0.113.6:80")).containsExactly("10.1.0.1:8080");
        assertThat(plan.rejections()).isEmpty();
    }

    static Stream<Arguments> loadBalancerIngress() {
        return Stream.of(
                Arguments.of("no ipMode (VIP by default)", null, true),
                Arguments.of("ipMode VIP", "VIP", true),
                Arguments.of("ipMode Proxy: the load balancer sends traffic to the node, not to the VIP", "Proxy", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loadBalancerIngress")
    void loadBalancerIngressIpIsAVirtualServerUnlessItsIpModeIsProxy(String description, String ipMode, boolean planned) {
        Service svc = service("web", "10.96.0.10")
                .editSpec().withType("LoadBalancer").addToPorts(nodePort("http", 80, "TCP", 30080)).endSpec()
                .withNewStatus().withNewLoadBalancer()
                .addNewIngress().withIp("198.51.100.7").withIpMode(ipMode).endIngress()
                .addNewIngress().withHostname("lb.example.com").endIngress()
                .endLoadBalancer().endStatus()
                .build();
        EndpointSlice slice = slice("web-1", "web", "IPv4", WEB_PORTS, ready("10.1.0.1", NODE));

        ServicePlan plan = PLANNER.plan(svc, List.of(slice), NODE_FACTS);

        List<String> expected = new ArrayList<>(List.of("TCP 10.96.0.10:80", "TCP 192.168.1.10:30080", "TCP 192.168.2.10:30080"));
        if (planned) {
            expected.add("TCP 198.51.100.7:80");
            assertThat(byKey(plan).get("TCP 198.51.100.7:80").kind()).isEqualTo(AddressKind.LOAD_BALANCER);
            assertThat(realServers(plan, "TCP 198.51.100.7:80")).containsExactly("10.1.0.1:8080");
        }
        assertThat(keys(plan)).containsExactlyElementsOf(expected);
        assertThat(plan.rejections()).isEmpty();
    }

    @Test
    void staleLoadBalancerStatusOnAClusterIpServiceIsNotProgrammed() {
        Service svc = service("web", "10.96.0.10").editSpec().addToPorts(port("http", 80, "TCP")).endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("198.51.100.7").endIngress().endLoadBalancer().endStatus()
                .build();

        assertThat(keys(PLANNER.plan(svc, List.of(), NODE_FACTS))).containsExactly("TCP 10.96.0.10:80");
    }

    @Test
    void udpAndSctpPortsAreBalancedWithTheirProtocol() {
        Service svc = service("mixed", "10.96.0.20")
                .editSpec()
                .addToPorts(port("dns", 53, "UDP"))
                .addToPorts(port("dns-tcp", 53, "TCP"))
                .addToPorts(port("sig", 3868, "SCTP"))
                .endSpec().build();
        EndpointSlice slice = slice("mixed-1", "mixed", "IPv4",
                List.of(slicePort("dns", 1053, "UDP"), slicePort("dns-tcp", 1053, "TCP"), slicePort("sig", 3868, "SCTP")),
                ready("10.1.0.1", NODE));

        ServicePlan plan = PLANNER.plan(svc, List.of(slice), NODE_FACTS);

        assertThat(keys(plan)).containsExactly("TCP 10.96.0.20:53", "UDP 10.96.0.20:53", "SCTP 10.96.0.20:3868");
        assertThat(realServers(plan, "UDP 10.96.0.20:53")).containsExactly("10.1.0.1:1053");
        assertThat(realServers(plan, "SCTP 10.96.0.20:3868")).containsExactly("10.1.0.1:3868");
        assertThat(byKey(plan).get("SCTP 10.96.0.20:3868").portName().protocol()).isEqualTo(Protocol.SCTP);
    }

    static Stream<Arguments> affinity() {
        return Stream.of(
                Arguments.of("no affinity", null, null, false, 0),
                Arguments.of("None", "None", null, false, 0),
                Arguments.of("ClientIP, default timeout", "ClientIP", null, true, 10800),
                Arguments.of("ClientIP, 60 s", "ClientIP", 60, true, 60),
                Arguments.of("ClientIP, 86400 s (the API maximum)", "ClientIP", 86400, true, 86400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("affinity")
    void clientIpAffinityMakesEveryVirtualServerPersistent(String description, String affinity, Integer timeout,
                                                           boolean persistent, int expectedTimeout) {
        ServiceBuilder b = service("web", "10.96.0.10", "fd00:10::10")
                .editSpec().withType("NodePort").withSessionAffinity(affinity).addToPorts(nodePort("http", 80, "TCP", 30080)).endSpec();
        if (timeout != null) {
            b.editSpec().withNewSessionAffinityConfig().withNewClientIP().withTimeoutSeconds(timeout).endClientIP()
                    .endSessionAffinityConfig().endSpec();
        }

        ServicePlan plan = PLANNER.plan(b.build(), List.of(), NODE_FACTS);

        assertThat(plan.virtualServers()).hasSize(5).allSatisfy(v -> {
            VirtualServer s = v.server();
            assertThat(s.persistent()).isEqualTo(persistent);
            assertThat(s.flags() & ServiceFlags.PERSISTENT).isEqualTo(persistent ? ServiceFlags.PERSISTENT : 0);
            assertThat(s.timeout()).isEqualTo(expectedTimeout);
            assertThat(s.netmask()).isEqualTo(VirtualServer.hostMask(s.key()));
        });
        assertThat(plan.rejections()).isEmpty();
    }

    static Stream<Arguments> skipped() {
        return Stream.of(
                Arguments.of("headless", service("h", "None").editSpec().addToPorts(port("http", 80, "TCP")).endSpec().build()),
                Arguments.of("headless via clusterIP only", new ServiceBuilder(service("h").build())
                        .editSpec().withClusterIP("None").withClusterIPs().addToPorts(port("http", 80, "TCP")).endSpec().build()),
                Arguments.of("ExternalName", new ServiceBuilder()
                        .withNewMetadata().withNamespace("default").withName("x").endMetadata()
                        .withNewSpec().withType("ExternalName").withExternalName("db.example.com").endSpec().build()),
                Arguments.of("served by another proxy", service("p", "10.96.0.30")
                        .editMetadata().addToLabels(Planner.SERVICE_PROXY_NAME_LABEL, "cilium").endMetadata()
                        .editSpec().addToPorts(port("http", 80, "TCP")).endSpec().build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("skipped")
    void servicesNotForThisProxyGetAnEmptyPlan(String description, Service svc) {
        EndpointSlice slice = slice("s-1", svc.getMetadata().getName(), "IPv4", WEB_PORTS, ready("10.1.0.1", NODE));

        ServicePlan plan = PLANNER.plan(svc, List.of(slice), NODE_FACTS);

        assertThat(plan).isEqualTo(ServicePlan.empty(Planner.refOf(svc)));
    }

    @Test
    void serviceWithoutSelectorUsesHandMadeSlicesAndIgnoresSlicesOfOtherServices() {
        Service svc = service("external-db", "10.96.0.40").editSpec().withSelector(null).addToPorts(port("pg", 5432, "TCP")).endSpec().build();
        EndpointSlice mine = slice("external-db-manual", "external-db", "IPv4", List.of(slicePort("pg", 5432, "TCP")),
                new EndpointBuilder().withAddresses("192.0.2.50").build());
        EndpointSlice otherService = slice("other-1", "other", "IPv4", List.of(slicePort("pg", 5432, "TCP")), ready("192.0.2.60", NODE));
        EndpointSlice otherNamespace = new EndpointSliceBuilder(slice("ns-1", "external-db", "IPv4",
                List.of(slicePort("pg", 5432, "TCP")), ready("192.0.2.70", NODE)))
                .editMetadata().withNamespace("kube-system").endMetadata().build();
        EndpointSlice unlabelled = new EndpointSliceBuilder(slice("nolabel", "external-db", "IPv4",
                List.of(slicePort("pg", 5432, "TCP")), ready("192.0.2.80", NODE)))
                .editMetadata().withLabels(Map.of()).endMetadata().build();
        EndpointSlice fqdn = slice("fqdn", "external-db", "FQDN", List.of(slicePort("pg", 5432, "TCP")),
                new EndpointBuilder().withAddresses("db.example.com").build());

        ServicePlan plan = PLANNER.plan(svc, List.of(mine, otherService, otherNamespace, unlabelled, fqdn), NODE_FACTS);

        // A hand-made endpoint without conditions is ready (the API's default) and, without nodeName, remote.
        assertThat(realServers(plan, "TCP 10.96.0.40:5432")).containsExactly("192.0.2.50:5432");
        assertThat(plan.excludedEndpoints()).isEmpty();
        assertThat(plan.rejections()).isEmpty();
    }

    @Test
    void planDoesNotDependOnTheOrderOfSlicesOrOfTheirEndpoints() {
        Service svc = service("web", "10.96.0.10", "fd00:10::10")
                .editSpec().withType("NodePort").withExternalIPs("203.0.113.9", "203.0.113.2")
                .addToPorts(nodePort("b", 81, "TCP", 30081)).addToPorts(nodePort("a", 80, "UDP", 30080)).endSpec().build();
        List<EndpointSlice> slices = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            slices.add(slice("web-" + s, "web", s % 2 == 0 ? "IPv4" : "IPv6",
                    List.of(slicePort("a", 8080, "UDP"), slicePort("b", 8081, "TCP")),
                    s % 2 == 0 ? ready("10.1." + s + ".9", NODE) : ready("fd00:1::" + s, NODE),
                    s % 2 == 0 ? ready("10.1." + s + ".1", NODE) : ready("fd00:1::1" + s, NODE)));
        }
        ServicePlan first = PLANNER.plan(svc, slices, NODE_FACTS);
        List<EndpointSlice> reversed = new ArrayList<>(slices);
        Collections.reverse(reversed);

        ServicePlan second = PLANNER.plan(svc, reversed, NODE_FACTS);

        assertThat(second).isEqualTo(first);
        assertThat(keys(first)).containsExactly(
                "TCP 10.96.0.10:81", "TCP 192.168.1.10:30081", "TCP 192.168.2.10:30081", "TCP 203.0.113.2:81", "TCP 203.0.113.9:81",
                "UDP 10.96.0.10:80", "UDP 192.168.1.10:30080", "UDP 192.168.2.10:30080", "UDP 203.0.113.2:80", "UDP 203.0.113.9:80",
                "TCP [2001:db8::10]:30081", "TCP [fd00:10::10]:81", "UDP [2001:db8::10]:30080", "UDP [fd00:10::10]:80");
        assertThat(realServers(first, "UDP 10.96.0.10:80"))
                .containsExactly("10.1.0.1:8080", "10.1.0.9:8080", "10.1.2.1:8080", "10.1.2.9:8080");
    }

    @Test
    void planningNeverThrowsEvenWhenTheServiceObjectItselfFails() {
        Service broken = new ServiceBuilder(service("web", "10.96.0.10").build()).build();
        Service throwing = new Service(broken.getApiVersion(), broken.getKind(), broken.getMetadata(), null, null) {
            @Override
            public ServiceSpec getSpec() {
                throw new IllegalStateException("model mismatch");
            }
        };

        ServicePlan plan = PLANNER.plan(throwing, List.of(), NODE_FACTS);

        assertThat(plan.virtualServers()).isEmpty();
        assertThat(plan.rejections()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo("internal_error");
            assertThat(r.message()).contains("model mismatch");
            assertThat(r.service()).isEqualTo(new ServiceRef("default", "web"));
        });
        assertThat(PLANNER.plan(null, null, null)).isEqualTo(ServicePlan.empty(new ServiceRef("", "")));
    }
}

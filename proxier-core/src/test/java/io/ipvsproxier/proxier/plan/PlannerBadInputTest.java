package io.ipvsproxier.proxier.plan;

import static io.ipvsproxier.proxier.plan.PlanFixtures.NODE;
import static io.ipvsproxier.proxier.plan.PlanFixtures.NODE_FACTS;
import static io.ipvsproxier.proxier.plan.PlanFixtures.PLANNER;
import static io.ipvsproxier.proxier.plan.PlanFixtures.keys;
import static io.ipvsproxier.proxier.plan.PlanFixtures.nodePort;
import static io.ipvsproxier.proxier.plan.PlanFixtures.port;
import static io.ipvsproxier.proxier.plan.PlanFixtures.ready;
import static io.ipvsproxier.proxier.plan.PlanFixtures.realServers;
import static io.ipvsproxier.proxier.plan.PlanFixtures.reasons;
import static io.ipvsproxier.proxier.plan.PlanFixtures.service;
import static io.ipvsproxier.proxier.plan.PlanFixtures.slice;
import static io.ipvsproxier.proxier.plan.PlanFixtures.slicePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input costs only the address or port it is about: one rejection with a reason, and everything else of the
 * Service is still planned. Each case starts from a good NodePort Service (cluster IP 10.96.0.10, port http 80,
 * nodePort 30080) and breaks one thing.
 */
class PlannerBadInputTest {

    private static final List<String> GOOD = List.of("TCP 10.96.0.10:80", "TCP 192.168.1.10:30080", "TCP 192.168.2.10:30080");
    private static final Planner IPV4_ONLY = new Planner(PlannerConfig.defaults().withFamilies(true, false));
    private static final Planner IPV6_ONLY = new Planner(PlannerConfig.defaults().withFamilies(false, true));

    private static ServiceBuilder good() {
        return service("web", "10.96.0.10").editSpec().withType("NodePort").addToPorts(nodePort("http", 80, "TCP", 30080)).endSpec();
    }

    private static List<String> good(String... extra) {
        List<String> keys = new ArrayList<>(GOOD);
        keys.addAll(List.of(extra));
        return keys;
    }

    private static Arguments bad(String description, UnaryOperator<ServiceBuilder> breakIt, List<String> reasons, List<String> keys) {
        return Arguments.of(description, PLANNER, breakIt.apply(good()).build(), reasons, keys);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                bad("malformed cluster IP among two: the other family is still served",
                        b -> b.editSpec().withClusterIP("10.0.0.300").withClusterIPs("10.0.0.300", "fd00:10::10")
                                .withIpFamilies("IPv4", "IPv6").endSpec(),
                        List.of("invalid_ip"), List.of("TCP [2001:db8::10]:30080", "TCP [fd00:10::10]:80")),
                bad("the only cluster IP malformed: nothing can be served",
                        b -> b.editSpec().withClusterIP("10.0.0.300").withClusterIPs("10.0.0.300").endSpec(),
                        List.of("invalid_ip", "no_cluster_ip"), List.of()),
                bad("no cluster IP at all (a non-validating API)",
                        b -> b.editSpec().withClusterIP(null).withClusterIPs(List.of()).endSpec(),
                        List.of("no_cluster_ip"), List.of()),
                bad("cluster IP contradicting spec.ipFamilies",
                        b -> b.editSpec().withClusterIPs("10.96.0.10", "fd00:10::10").withIpFamilies("IPv4").endSpec(),
                        List.of("wrong_family"), GOOD),
                bad("two cluster IPs of one family: the first wins",
                        b -> b.editSpec().withClusterIPs("10.96.0.10", "10.96.0.11").withIpFamilies().endSpec(),
                        List.of("wrong_family"), GOOD),
                bad("malformed external IP among good ones",
                        b -> b.editSpec().withExternalIPs("foo", "203.0.113.5", "").endSpec(),
                        List.of("invalid_ip", "invalid_ip"), good("TCP 203.0.113.5:80")),
                bad("external IP of a family the Service has no cluster IP of",
                        b -> b.editSpec().withExternalIPs("2001:db8::99", "203.0.113.5").endSpec(),
                        List.of("wrong_family"), good("TCP 203.0.113.5:80")),
                bad("malformed load-balancer IP among good ones",
                        b -> b.editSpec().withType("LoadBalancer").endSpec().withNewStatus().withNewLoadBalancer()
                                .addNewIngress().withIp("300.1.1.1").endIngress()
                                .addNewIngress().withIp("198.51.100.7").endIngress()
                                .endLoadBalancer().endStatus(),
                        List.of("invalid_ip"), good("TCP 198.51.100.7:80")),
                bad("load-balancer IP of the wrong family",
                        b -> b.editSpec().withType("LoadBalancer").endSpec().withNewStatus().withNewLoadBalancer()
                                .addNewIngress().withIp("2001:db8::7").endIngress()
                                .endLoadBalancer().endStatus(),
                        List.of("wrong_family"), GOOD),
                bad("port 0 among good ports",
                        b -> b.editSpec().addToPorts(port("zero", 0, "TCP")).endSpec(),
                        List.of("invalid_port"), GOOD),
                bad("port 70000 among good ports",
                        b -> b.editSpec().addToPorts(port("huge", 70000, "TCP")).endSpec(),
                        List.of("invalid_port"), GOOD),
                bad("port without a number",
                        b -> b.editSpec().addToPorts(new ServicePortBuilder().withName("none").withProtocol("TCP").build()).endSpec(),
                        List.of("invalid_port"), GOOD),
                bad("nodePort out of range: the port keeps its cluster IP",
                        b -> b.editSpec().addToPorts(nodePort("metrics", 9090, "TCP", 70000)).endSpec(),
                        List.of("invalid_port"), good("TCP 10.96.0.10:9090")),
                bad("negative nodePort",
                        b -> b.editSpec().addToPorts(nodePort("metrics", 9090, "TCP", -1)).endSpec(),
                        List.of("invalid_port"), good("TCP 10.96.0.10:9090")),
                bad("unsupported protocol",
                        b -> b.editSpec().addToPorts(port("ping", 7, "ICMP")).endSpec(),
                        List.of("unsupported_protocol"), GOOD),
                bad("two ports on one protocol and number: the first is programmed, once reported",
                        b -> b.editSpec().addToPorts(nodePort("http-again", 80, "TCP", 30081)).endSpec(),
                        List.of("duplicate_virtual_server"), good("TCP 192.168.1.10:30081", "TCP 192.168.2.10:30081")),
                bad("affinity timeout out of range: the default timeout",
                        b -> b.editSpec().withSessionAffinity("ClientIP").withNewSessionAffinityConfig().withNewClientIP()
                                .withTimeoutSeconds(0).endClientIP().endSessionAffinityConfig().endSpec(),
                        List.of("invalid_session_affinity"), GOOD),
                bad("external IP equal to the cluster IP is not an error: one virtual server",
                        b -> b.editSpec().withExternalIPs("10.96.0.10").endSpec(),
                        List.of(), GOOD),
                Arguments.of("IPv6 cluster IP on a proxier that serves IPv4 only", IPV4_ONLY,
                        good().editSpec().withClusterIPs("10.96.0.10", "fd00:10::10").withIpFamilies("IPv4", "IPv6").endSpec().build(),
                        List.of("wrong_family"), GOOD),
                Arguments.of("IPv4-only Service on a proxier that serves IPv6 only", IPV6_ONLY, good().build(),
                        List.of("wrong_family", "no_cluster_ip"), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsRejectedAloneAndTheRestIsPlanned(String description, Planner planner, Service svc, List<String> expectedReasons,
                                                    List<String> expectedKeys) {
        EndpointSlice slice = slice("web-1", "web", "IPv4",
                List.of(slicePort("http", 8080, "TCP"), slicePort("metrics", 9100, "TCP")), ready("10.1.0.1", NODE));

        ServicePlan plan = planner.plan(svc, List.of(slice), NODE_FACTS);

        assertThat(reasons(plan)).containsExactlyElementsOf(expectedReasons);
        assertThat(plan.rejections()).allSatisfy(r -> {
            assertThat(r.service()).isEqualTo(new ServiceRef("default", "web"));
            assertThat(r.message()).isNotBlank();
        });
        assertThat(keys(plan)).containsExactlyInAnyOrderElementsOf(expectedKeys);
        if (expectedKeys.contains("TCP 10.96.0.10:80")) {
            assertThat(realServers(plan, "TCP 10.96.0.10:80")).containsExactly("10.1.0.1:8080");
        }
    }

    @Test
    void rejectionMessagesNameTheOffendingValue() {
        Service svc = good().editSpec().withExternalIPs("foo").addToPorts(port("huge", 70000, "TCP"))
                .addToPorts(port("ping", 7, "ICMP")).endSpec().build();

        List<String> messages = PLANNER.plan(svc, List.of(), NODE_FACTS).rejections().stream().map(Rejection::message).toList();

        assertThat(messages).containsExactly(
                "external IP \"foo\" is not an IP address; it is not programmed",
                "port \"huge\": port 70000 is out of range 1-65535; the port is not programmed",
                "port \"ping\": protocol \"ICMP\" is not one IPVS balances (TCP, UDP, SCTP); the port is not programmed");
    }

    @Test
    void duplicatePortIsReportedWithBothPortNames() {
        Service svc = good().editSpec().addToPorts(nodePort("http-again", 80, "TCP", 30081)).endSpec().build();

        Rejection r = PLANNER.plan(svc, List.of(), NODE_FACTS).rejections().get(0);

        assertThat(r.message()).isEqualTo("port \"http-again\"/TCP would use TCP 10.96.0.10:80, which port \"http\"/TCP already uses;"
                + " only the first is programmed");
    }

    @Test
    void affinityWithAnInvalidTimeoutStaysPersistentWithTheDefault() {
        Service svc = good().editSpec().withSessionAffinity("ClientIP").withNewSessionAffinityConfig().withNewClientIP()
                .withTimeoutSeconds(100000).endClientIP().endSessionAffinityConfig().endSpec().build();

        ServicePlan plan = PLANNER.plan(svc, List.of(), NODE_FACTS);

        assertThat(plan.virtualServers()).hasSize(3).allSatisfy(v -> {
            assertThat(v.server().persistent()).isTrue();
            assertThat(v.server().timeout()).isEqualTo(10800);
        });
        assertThat(reasons(plan)).containsExactly("invalid_session_affinity");
    }
}

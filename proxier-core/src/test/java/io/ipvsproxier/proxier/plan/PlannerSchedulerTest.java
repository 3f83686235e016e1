package io.ipvsproxier.proxier.plan;

import static io.ipvsproxier.proxier.plan.PlanFixtures.NODE_FACTS;
import static io.ipvsproxier.proxier.plan.PlanFixtures.nodePort;
import static io.ipvsproxier.proxier.plan.PlanFixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.ipvsproxier.ipvs.ServiceFlags;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-Service scheduler annotations, their flags, and the fallback when they are wrong. */
class PlannerSchedulerTest {

    /** A kernel without twos/ovf, to show that the annotation is checked against what this kernel offers. */
    private static final Set<String> KERNEL = Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "mh");
    private static final PlannerConfig RR = new PlannerConfig("rr", KERNEL, true, true);
    private static final PlannerConfig MH = new PlannerConfig("mh", KERNEL, true, true);
    private static final PlannerConfig SH = new PlannerConfig("sh", KERNEL, true, true);

    private static final int FALLBACK = ServiceFlags.SCHED1;
    private static final int PORT = ServiceFlags.SCHED2;
    private static final String DEFAULT = "default (--ipvs-scheduler)";
    private static final String ANNOTATED = "annotation ipvs-proxier.io/scheduler=";
    private static final String FROM_FLAGS = " from annotation ipvs-proxier.io/scheduler-flags";
    private static final String MH_PORT_NOTE = " with mh-port, as kube-proxy sets it";

    static Stream<Arguments> cases() {
        return Stream.of(
                // description, config, scheduler annotation, flags annotation, scheduler, flags, rejection reason, source
                Arguments.of("no annotation: the configured default", RR, null, null, "rr", 0, null, DEFAULT),
                Arguments.of("blank annotation counts as none", RR, " ", null, "rr", 0, null, DEFAULT),
                Arguments.of("sed", RR, "sed", null, "sed", 0, null, ANNOTATED + "sed"),
                Arguments.of("nq", RR, "nq", null, "nq", 0, null, ANNOTATED + "nq"),
                Arguments.of("name is trimmed and lower-cased", RR, " WLC ", null, "wlc", 0, null, ANNOTATED + "wlc"),
                Arguments.of("mh gets mh-port like kube-proxy", RR, "mh", null, "mh", PORT, null, ANNOTATED + "mh" + MH_PORT_NOTE),
                Arguments.of("mh with both flags", RR, "mh", "mh-fallback,mh-port", "mh", FALLBACK | PORT, null,
                        ANNOTATED + "mh, flags mh-fallback,mh-port" + FROM_FLAGS),
                Arguments.of("mh with mh-fallback only", RR, "mh", "mh-fallback", "mh", FALLBACK, null,
                        ANNOTATED + "mh, flags mh-fallback" + FROM_FLAGS),
                Arguments.of("mh with an empty flags annotation: explicitly no flags", RR, "mh", "", "mh", 0, null,
                        ANNOTATED + "mh, no flags" + FROM_FLAGS),
                Arguments.of("sh alone has no flags (as kube-proxy)", RR, "sh", null, "sh", 0, null, ANNOTATED + "sh"),
                Arguments.of("sh with both flags, spaces and repeats", RR, "sh", " sh-port, SH-FALLBACK ,sh-port", "sh",
                        FALLBACK | PORT, null, ANNOTATED + "sh, flags sh-fallback,sh-port" + FROM_FLAGS),
                Arguments.of("flags for the default scheduler", SH, null, "sh-port", "sh", PORT, null,
                        DEFAULT + ", flags sh-port" + FROM_FLAGS),
                Arguments.of("default mh gets mh-port too", MH, null, null, "mh", PORT, null, DEFAULT + MH_PORT_NOTE),
                Arguments.of("unknown scheduler falls back to the default", RR, "fastest", null, "rr", 0, "unknown_scheduler",
                        DEFAULT + ", because ipvs-proxier.io/scheduler=\"fastest\" is not an available scheduler"),
                Arguments.of("scheduler this kernel lacks falls back", RR, "twos", null, "rr", 0, "unknown_scheduler",
                        DEFAULT + ", because ipvs-proxier.io/scheduler=\"twos\" is not an available scheduler"),
                Arguments.of("unknown scheduler drops its flags too", RR, "fastest", "sh-port", "rr", 0, "unknown_scheduler",
                        DEFAULT + ", because ipvs-proxier.io/scheduler=\"fastest\" is not an available scheduler"),
                Arguments.of("unknown scheduler with default mh keeps mh's default", MH, "fastest", null, "mh", PORT,
                        "unknown_scheduler",
                        DEFAULT + MH_PORT_NOTE + ", because ipvs-proxier.io/scheduler=\"fastest\" is not an available scheduler"),
                Arguments.of("mh flag on sh falls back to the default without flags", RR, "sh", "mh-port", "rr", 0,
                        "invalid_scheduler_flags", DEFAULT + ", because ipvs-proxier.io/scheduler-flags=\"mh-port\" is invalid"),
                Arguments.of("sh flag on rr falls back", RR, "rr", "sh-port", "rr", 0, "invalid_scheduler_flags",
                        DEFAULT + ", because ipvs-proxier.io/scheduler-flags=\"sh-port\" is invalid"),
                Arguments.of("one unknown flag spoils the list", RR, "sh", "sh-port,bogus", "rr", 0, "invalid_scheduler_flags",
                        DEFAULT + ", because ipvs-proxier.io/scheduler-flags=\"sh-port,bogus\" is invalid"),
                Arguments.of("flags that do not fit the default scheduler", RR, null, "mh-port", "rr", 0, "invalid_scheduler_flags",
                        DEFAULT + ", because ipvs-proxier.io/scheduler-flags=\"mh-port\" is invalid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void schedulerComesFromTheAnnotationOrFallsBackToTheDefault(String description, PlannerConfig config, String scheduler,
                                                                String flags, String expectedScheduler, int expectedFlags,
                                                                String rejection, String source) {
        Map<String, String> annotations = new HashMap<>();
        if (scheduler != null) {
            annotations.put(Planner.SCHEDULER_ANNOTATION, scheduler);
        }
        if (flags != null) {
            annotations.put(Planner.SCHEDULER_FLAGS_ANNOTATION, flags);
        }
        Service svc = service("web", "10.96.0.10", "fd00:10::10")
                .editMetadata().withAnnotations(annotations).endMetadata()
                .editSpec().withType("NodePort").withSessionAffinity("ClientIP")
                .addToPorts(nodePort("http", 80, "TCP", 30080)).endSpec().build();

        ServicePlan plan = new Planner(config).plan(svc, null, NODE_FACTS);

        // Every virtual server of the Service (all kinds, both families) gets the same choice; the
        // scheduler flags combine with the persistence flag.
        assertThat(plan.virtualServers()).hasSize(5).allSatisfy(v -> {
            assertThat(v.server().scheduler()).isEqualTo(expectedScheduler);
            assertThat(v.server().flags()).isEqualTo(expectedFlags | ServiceFlags.PERSISTENT);
            assertThat(v.schedulerSource()).isEqualTo(source);
        });
        if (rejection == null) {
            assertThat(plan.rejections()).isEmpty();
        } else {
            assertThat(plan.rejections()).singleElement().satisfies(r -> {
                assertThat(r.reason()).isEqualTo(rejection);
                assertThat(r.service()).isEqualTo(new ServiceRef("default", "web"));
                assertThat(r.message()).contains("using the default scheduler " + config.defaultScheduler() + " without flags");
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fastest", "twos", "RR;DROP"})
    void unknownSchedulerMessageNamesTheAvailableOnes(String scheduler) {
        Service svc = service("web", "10.96.0.10")
                .editMetadata().addToAnnotations(Planner.SCHEDULER_ANNOTATION, scheduler).endMetadata()
                .editSpec().addToPorts(nodePort("http", 80, "TCP", 30080)).endSpec().build();

        ServicePlan plan = new Planner(RR).plan(svc, null, NODE_FACTS);

        assertThat(plan.rejections()).singleElement().satisfies(r -> assertThat(r.message())
                .contains("\"" + scheduler + "\"")
                .contains("available: dh, fo, lblc, lblcr, lc, mh, nq, rr, sed, sh, wlc, wrr"));
        assertThat(plan.virtualServers()).isNotEmpty().allSatisfy(v -> assertThat(v.server().scheduler()).isEqualTo("rr"));
    }
}

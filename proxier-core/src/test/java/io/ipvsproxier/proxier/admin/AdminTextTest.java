package io.ipvsproxier.proxier.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceFlags;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.metrics.MetricsSnapshot;
import io.ipvsproxier.proxier.plan.AddressKind;
import io.ipvsproxier.proxier.plan.ExcludedEndpoint;
import io.ipvsproxier.proxier.plan.PlannedVirtualServer;
import io.ipvsproxier.proxier.plan.Rejection;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServicePortName;
import io.ipvsproxier.proxier.plan.ServiceRef;
import io.ipvsproxier.proxier.reconcile.DrainState;
import io.ipvsproxier.proxier.reconcile.PendingDiff;
import io.ipvsproxier.proxier.reconcile.ProgrammedRealServer;
import io.ipvsproxier.proxier.reconcile.ProgrammedService;
import io.ipvsproxier.proxier.reconcile.ProgrammedVirtualServer;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdminTextTest {
    private static final ServiceRef WEB = new ServiceRef("default", "web");

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void status() {
        MetricsSnapshot m = new MetricsSnapshot(Optional.of(Instant.parse("2024-05-01T10:00:00Z")), Optional.of(Duration.ofMillis(42)),
            Optional.of(Instant.parse("2024-05-01T09:59:59Z")), 120, 2, 0, 3, 50, 400, 500, 1500, 12,
            Map.of("invalid_ip", 1L), 123456, Map.of("EINVAL", 1L, "EEXIST", 3L));
        String text = AdminText.status(m, 250, List.of(
            new Rejection(WEB, "invalid_ip", "externalIPs[0] \"foo\" is not an IP address"),
            new Rejection(new ServiceRef("a", "b"), "unknown_scheduler", "scheduler \"xx\" unknown")), Instant.parse("2024-05-01T10:00:05Z"));
        assertThat(text).isEqualTo(String.join("\n",
            "last sync:              2024-05-01T10:00:00Z (5 s ago), took 42 ms",
            "last change queued:     2024-05-01T09:59:59Z (6 s ago)",
            "syncs:                  120 completed, 2 failed",
            "pending changes:        services 0, endpoints 3 (seen in total: services 50, endpoints 400)",
            "services:               250",
            "virtual servers:        500",
            "real servers:           1500 (12 draining)",
            "netlink:                123456 operations, errors: EEXIST 3, EINVAL 1",
            "rejected service ports: 2",
            "  a/b: unknown_scheduler: scheduler \"xx\" unknown",
            "  default/web: invalid_ip: externalIPs[0] \"foo\" is not an IP address",
            ""));
    }

    @Test
    void statusBeforeTheFirstSync() {
        MetricsSnapshot m = new MetricsSnapshot(Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, 0, 0, 0, 0, 0, 0, 0,
            Map.of(), 0, Map.of());
        String text = AdminText.status(m, 0, List.of(), Instant.EPOCH);
        assertThat(text).contains("last sync:              none yet\n").contains("errors: none\n");
    }

    @Test
    void explainShowsSchedulerWhyRealServersAndWhatWasLeftOut() throws Exception {
        ServiceKey key = ServiceKey.of(Protocol.TCP, ip("10.96.0.20"), 80);
        VirtualServer wanted = VirtualServer.of(key, "sh").withFlags(ServiceFlags.SCHED1 | ServiceFlags.SCHED2).withPersistence(10800);
        RealServer a = RealServer.masq(ip("10.244.1.5"), 8080, 1);
        RealServer b = RealServer.masq(ip("10.244.2.6"), 8080, 1);
        RealServer gone = RealServer.masq(ip("10.244.3.7"), 8080, 0);
        PlannedVirtualServer planned = new PlannedVirtualServer(wanted, List.of(a, b), AddressKind.CLUSTER_IP,
            new ServicePortName(WEB, "http", Protocol.TCP), "annotation ipvs-proxier.io/scheduler");
        ServicePlan plan = new ServicePlan(WEB, List.of(planned),
            List.of(new Rejection(WEB, "invalid_ip", "externalIPs[0] \"foo\" is not an IP address")),
            List.of(new ExcludedEndpoint("10.244.4.8", "not ready"), new ExcludedEndpoint("10.244.5.9", "not local (internalTrafficPolicy=Local)")),
            List.of("internal"));
        ProgrammedVirtualServer inKernel = new ProgrammedVirtualServer(key, AddressKind.CLUSTER_IP, wanted, wanted, WEB, true, List.of(
            new ProgrammedRealServer(a.endpoint(), a, a, 3, 10, null),
            new ProgrammedRealServer(b.endpoint(), b, null, 0, 0, null),
            new ProgrammedRealServer(gone.endpoint(), null, gone, 1, 0,
                new DrainState(Instant.parse("2024-05-01T10:00:00Z"), Instant.parse("2024-05-01T10:15:00Z")))));
        ProgrammedService programmed = new ProgrammedService(WEB, List.of(inKernel), List.of(), List.of("add dest 10.244.2.6:8080: EINVAL"));

        String text = AdminText.explain(WEB, Optional.of(plan), Optional.of(programmed));
        assertThat(text).isEqualTo(String.join("\n",
            "Service default/web",
            "virtual servers: 1",
            "  TCP 10.96.0.20:80  CLUSTER_IP, port http",
            "    scheduler sh (sh-fallback,sh-port): annotation ipvs-proxier.io/scheduler",
            "    persistent 10800 s (session affinity)",
            "    kernel: in sync, address bound",
            "    -> 10.244.1.5:8080 Masq weight 1  in sync, active 3 inactive 10",
            "    -> 10.244.2.6:8080 Masq weight 1  MISSING in the kernel",
            "    -> 10.244.3.7:8080 Masq weight 0  draining since 2024-05-01T10:00:00Z, deleted by 2024-05-01T10:15:00Z, active 1 inactive 0",
            "endpoints left out:",
            "  10.244.4.8: not ready",
            "  10.244.5.9: not local (internalTrafficPolicy=Local)",
            "no local endpoints for traffic policy: internal",
            "rejected:",
            "  invalid_ip: externalIPs[0] \"foo\" is not an IP address",
            "last sync failures:",
            "  add dest 10.244.2.6:8080: EINVAL",
            ""));
    }

    @Test
    void explainShowsAVirtualServerMissingOrDifferentInTheKernel() throws Exception {
        ServiceKey key = ServiceKey.of(Protocol.UDP, ip("10.96.0.10"), 53);
        VirtualServer wanted = VirtualServer.of(key, "rr");
        ProgrammedVirtualServer differs = new ProgrammedVirtualServer(key, AddressKind.CLUSTER_IP, wanted, wanted.withScheduler("wlc"),
            new ServiceRef("kube-system", "other-dns"), false, List.of());
        String text = AdminText.explain(WEB, Optional.empty(), Optional.of(new ProgrammedService(WEB, List.of(differs), List.of("claimed by two Services"), List.of())));
        assertThat(text).contains("    kernel: DIFFERS: has -A -u 10.96.0.10:53 -s wlc, programmed for kube-system/other-dns, ADDRESS NOT BOUND\n")
            .contains("    no real servers\n")
            .contains("problems:\n  claimed by two Services\n");
        ProgrammedVirtualServer missing = new ProgrammedVirtualServer(key, AddressKind.NODE_PORT, wanted, null, WEB, false, List.of());
        assertThat(AdminText.explain(WEB, Optional.empty(), Optional.of(new ProgrammedService(WEB, List.of(missing), List.of(), List.of()))))
            .contains("    kernel: MISSING\n");
    }

    @Test
    void explainOfAnUnknownServiceIsAnError() {
        assertThatThrownBy(() -> AdminText.explain(WEB, Optional.empty(), Optional.empty()))
            .isInstanceOf(AdminCommandException.class).hasMessage("no Service default/web is known to the proxier");
    }

    @Test
    void diffListsWritesInIpvsadmSyntax() throws Exception {
        ServiceKey tcp = ServiceKey.of(Protocol.TCP, ip("10.96.0.30"), 80);
        ServiceKey udp6 = ServiceKey.of(Protocol.UDP, ip("fd00::10"), 53);
        RealServer rs = new RealServer(ip("10.244.1.5"), 8080, 2, io.ipvsproxier.ipvs.ForwardingMethod.MASQ, 100, 10);
        PendingDiff diff = new PendingDiff(List.of(
            new IpvsOperation.AddService(VirtualServer.of(tcp, "rr").withPersistence(300)),
            new IpvsOperation.AddDestination(tcp, rs),
            new IpvsOperation.UpdateDestination(tcp, rs.withWeight(0)),
            new IpvsOperation.UpdateService(VirtualServer.of(udp6, "mh").withFlags(ServiceFlags.SCHED2)),
            new IpvsOperation.DeleteDestination(udp6, ip("fd00::5"), 53),
            new IpvsOperation.DeleteService(ServiceKey.ofFwmark(ServiceKey.AF_INET, 7))),
            Set.of(ip("10.96.0.30")), Set.of(ip("10.96.0.31")));
        assertThat(AdminText.diff(diff)).isEqualTo(String.join("\n",
            "8 differences (what a full sync would do now):",
            "  bind 10.96.0.30 on the dummy link",
            "  -A -t 10.96.0.30:80 -s rr -p 300",
            "  -a -t 10.96.0.30:80 -r 10.244.1.5:8080 -m -w 2 -x 100 -y 10",
            "  -e -t 10.96.0.30:80 -r 10.244.1.5:8080 -m -w 0 -x 100 -y 10",
            "  -E -u [fd00::10]:53 -s mh -b mh-port",
            "  -d -u [fd00::10]:53 -r [fd00::5]:53",
            "  -D -f 7",
            "  unbind 10.96.0.31 from the dummy link",
            ""));
        assertThat(AdminText.diff(new PendingDiff(List.of(), Set.of(), Set.of())))
            .isEqualTo("in sync: the kernel and the dummy link are what the plans want\n");
    }

    @Test
    void proxierAdminCommandsWireTheSources() throws Exception {
        int[] fullSyncs = {0};
        MetricsSnapshot m = new MetricsSnapshot(Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, 0, 0, 0, 0, 0, 0, 0,
            Map.of(), 0, Map.of());
        ProxierAdminCommands c = new ProxierAdminCommands(new ProxierAdminCommands.Sources(
            () -> m, () -> 7, List::of, ref -> Optional.empty(), ref -> Optional.empty(),
            () -> new PendingDiff(List.of(), Set.of(), Set.of()), () -> fullSyncs[0]++, java.time.Clock.systemUTC()));
        assertThat(c.status()).contains("services:               7\n");
        assertThat(c.diff()).startsWith("in sync");
        assertThat(c.sync()).isEqualTo("full sync requested\n");
        assertThat(fullSyncs[0]).isEqualTo(1);
        assertThatThrownBy(() -> c.explain(WEB)).isInstanceOf(AdminCommandException.class);
    }
}

package io.ipvsproxier.proxier.reconcile;

import static io.ipvsproxier.proxier.testing.TestPlans.clusterIp;
import static io.ipvsproxier.proxier.testing.TestPlans.ip;
import static io.ipvsproxier.proxier.testing.TestPlans.nodePort;
import static io.ipvsproxier.proxier.testing.TestPlans.plan;
import static io.ipvsproxier.proxier.testing.TestPlans.plans;
import static io.ipvsproxier.proxier.testing.TestPlans.ref;
import static io.ipvsproxier.proxier.testing.TestPlans.rs;
import static io.ipvsproxier.proxier.testing.TestPlans.tcp;
import static io.ipvsproxier.proxier.testing.TestPlans.vs;
import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.proxier.plan.Cidr;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcilerOwnershipTest {
    static final ServiceRef WEB = ref("default/web");
    static final ServiceKey WEB_KEY = tcp("10.96.0.10", 80);
    static final ServiceKey KEEPALIVED = tcp("10.10.0.5", 80);
    static final ServiceKey FOREIGN = tcp("172.16.0.1", 443);
    static final ServiceKey NODE_SSH = tcp(ReconcilerFixture.NODE_IP, 22);
    static final ServiceKey STALE_NODEPORT = tcp(ReconcilerFixture.NODE_IP, 30999);
    static final ServiceKey STALE_CLUSTER_IP = tcp("10.96.0.99", 80);
    static final ServiceKey FWMARK = ServiceKey.ofFwmark(ServiceKey.AF_INET, 7);

    final ReconcilerFixture f = new ReconcilerFixture(ReconcilerConfig.defaults()
            .withExcludeCidrs(List.of(Cidr.parse("10.10.0.0/16"))));

    void otherToolsAndLeftovers() {
        RealServer backend = RealServer.masq(ip("10.0.0.50"), 80, 100);
        f.ipvs.put(vs(KEEPALIVED, "wlc"), backend);
        f.ipvs.put(vs(FOREIGN, "wlc"), backend);
        f.ipvs.put(vs(NODE_SSH, "wlc"), backend);
        f.ipvs.put(VirtualServer.of(FWMARK, "rr"), backend);
        // Leftovers of an earlier run of the proxier: a NodePort and a ClusterIP nobody wants any more.
        f.ipvs.put(vs(STALE_NODEPORT, "rr"), rs("10.244.9.9", 80));
        f.ipvs.put(vs(STALE_CLUSTER_IP, "rr"), rs("10.244.9.9", 80));
        f.bindDirectly("10.96.0.99");
        f.resetRecording();
    }

    @Test
    void fullSyncsDeleteOnlyWhatTheProxierOwns() {
        otherToolsAndLeftovers();

        for (int i = 0; i < 3; i++) {
            f.reconciler.fullSync(plans(plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080)))));
            f.clock.advance(java.time.Duration.ofSeconds(30));
        }

        assertThat(f.ipvs.keys()).containsExactlyInAnyOrder(WEB_KEY, KEEPALIVED, FOREIGN, NODE_SSH, FWMARK);
        assertThat(f.ipvs.realServers(KEEPALIVED)).hasSize(1);
        assertThat(f.ipvs.writes()).filteredOn(op -> op instanceof IpvsOperation.DeleteService)
                .containsExactlyInAnyOrder(new IpvsOperation.DeleteService(STALE_NODEPORT),
                        new IpvsOperation.DeleteService(STALE_CLUSTER_IP));
        assertThat(f.ipvs.writes()).noneMatch(op -> op.serviceKey().equals(KEEPALIVED) || op.serviceKey().equals(FOREIGN)
                || op.serviceKey().equals(NODE_SSH) || op.serviceKey().equals(FWMARK));
        assertThat(f.bound()).containsExactly(ip("10.96.0.10"));
    }

    @Test
    void anExcludedVirtualServerSurvivesEvenOnTheDummyLinkOrAsANodePort() {
        ReconcilerFixture g = new ReconcilerFixture(ReconcilerConfig.defaults()
                .withExcludeCidrs(List.of(Cidr.parse("10.96.5.0/24"), Cidr.parse(ReconcilerFixture.NODE_IP + "/32"))));
        ServiceKey excludedOnLink = tcp("10.96.5.1", 80);
        ServiceKey excludedNodePort = tcp(ReconcilerFixture.NODE_IP, 31000);
        g.ipvs.put(vs(excludedOnLink, "rr"), rs("10.244.9.9", 80));
        g.ipvs.put(vs(excludedNodePort, "rr"), rs("10.244.9.9", 80));
        g.bindDirectly("10.96.5.1");

        g.reconciler.fullSync(plans());
        g.reconciler.fullSync(plans());

        assertThat(g.ipvs.keys()).containsExactlyInAnyOrder(excludedOnLink, excludedNodePort);
        assertThat(g.ipvs.writeCount()).isZero();
        // Its address stays bound too: unbinding it would break the virtual server that lives on it.
        assertThat(g.bound()).containsExactly(ip("10.96.5.1"));
    }

    @Test
    void theNodePortRangeIsConfigurable() {
        ReconcilerFixture g = new ReconcilerFixture(ReconcilerConfig.defaults().withNodePortRange(20000, 20100));
        ServiceKey inNewRange = tcp(ReconcilerFixture.NODE_IP, 20050);
        ServiceKey inDefaultRange = tcp(ReconcilerFixture.NODE_IP, 30050);
        g.ipvs.put(vs(inNewRange, "rr"));
        g.ipvs.put(vs(inDefaultRange, "rr"));

        g.reconciler.fullSync(plans());

        assertThat(g.ipvs.keys()).containsExactly(inDefaultRange);
    }

    @Test
    void aWantedNodePortOnANodeAddressIsManagedAndNotBound() {
        ServiceKey np = tcp(ReconcilerFixture.NODE_IP, 30080);
        f.ipvs.put(vs(np, "wlc"), rs("10.244.1.5", 8080));

        f.reconciler.fullSync(plans(plan(WEB, nodePort(WEB, vs(np, "rr"), rs("10.244.1.5", 8080)))));

        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.UpdateService(vs(np, "rr")));
        assertThat(f.bound()).isEmpty();
    }

    @Test
    void cleanupRemovesTheProxiersVirtualServersAndLinkAndKeepsTheRest() {
        otherToolsAndLeftovers();
        f.reconciler.fullSync(plans(plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080)),
                nodePort(WEB, vs(tcp(ReconcilerFixture.NODE_IP, 30080), "rr"), rs("10.244.1.5", 8080)))));

        SyncReport report = f.reconciler.cleanup();

        assertThat(f.ipvs.keys()).containsExactlyInAnyOrder(KEEPALIVED, FOREIGN, NODE_SSH, FWMARK);
        assertThat(f.ifaces.link(ReconcilerFixture.LINK)).isEmpty();
        assertThat(f.ipvs.flushCount()).isZero();
        assertThat(report.kind()).isEqualTo(SyncKind.CLEANUP);
        assertThat(report.operations(OperationKind.DELETE_SERVICE)).isEqualTo(2);
        assertThat(report.virtualServers()).isZero();
        assertThat(report.ok()).isTrue();
    }

    @Test
    void cleanupKeepsTheLinkWhenAVirtualServerCannotBeDeleted() {
        f.reconciler.fullSync(plans(plan(WEB, clusterIp(WEB, vs(WEB_KEY, "rr"), rs("10.244.1.5", 8080)))));
        f.ipvs.refuse(op -> op instanceof IpvsOperation.DeleteService, io.ipvsproxier.netlink.Errno.EBUSY);

        SyncReport report = f.reconciler.cleanup();

        assertThat(f.ifaces.link(ReconcilerFixture.LINK)).isPresent();
        assertThat(report.ok()).isFalse();
        assertThat(report.failedOperations()).isEqualTo(1);
    }
}

package io.ipvsproxier.proxier.reconcile;

import static io.ipvsproxier.proxier.testing.TestPlans.clusterIp;
import static io.ipvsproxier.proxier.testing.TestPlans.plan;
import static io.ipvsproxier.proxier.testing.TestPlans.plans;
import static io.ipvsproxier.proxier.testing.TestPlans.ref;
import static io.ipvsproxier.proxier.testing.TestPlans.rs;
import static io.ipvsproxier.proxier.testing.TestPlans.sctp;
import static io.ipvsproxier.proxier.testing.TestPlans.tcp;
import static io.ipvsproxier.proxier.testing.TestPlans.udp;
import static io.ipvsproxier.proxier.testing.TestPlans.vs;
import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrainTimelineTest {
    static final ServiceRef WEB = ref("default/web");
    static final ServiceRef OTHER = ref("default/other");
    static final RealServer A = rs("10.244.1.5", 8080);
    static final RealServer B = rs("10.244.2.7", 8080);

    final ReconcilerFixture f = new ReconcilerFixture();

    ServicePlan web(ServiceKey key, RealServer... rss) {
        return plan(WEB, clusterIp(WEB, vs(key, "rr"), rss));
    }

    RealServer inKernel(ServiceKey key, RealServer rs) {
        return f.ipvs.realServers(key).get(rs.endpoint());
    }

    @Test
    void aRemovedTcpRealServerDrainsAtWeightZeroUntilItsConnectionsEnd() {
        ServiceKey key = tcp("10.96.0.10", 80);
        f.reconciler.fullSync(plans(web(key, A, B)));
        f.ipvs.setConnections(key, B.endpoint(), 3, 1);
        f.resetRecording();
        Instant t0 = f.clock.instant();

        SyncReport removed = f.reconciler.syncServices(Map.of(WEB, web(key, A)));

        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.UpdateDestination(key, B.withWeight(0)));
        assertThat(inKernel(key, B).weight()).isZero();
        assertThat(removed.drainingRealServers()).isEqualTo(1);
        assertThat(removed.nextDrainCheckAt()).isEqualTo(t0.plus(ReconcilerConfig.DEFAULT_DRAIN_CHECK_INTERVAL));
        assertThat(f.reconciler.programmed(WEB).orElseThrow().virtualServers().get(0).realServers())
                .filteredOn(p -> p.endpoint().equals(B.endpoint()))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.wanted()).isNull();
                    assertThat(p.drain()).isEqualTo(new DrainState(t0, t0.plus(ReconcilerConfig.DEFAULT_DRAIN_TIMEOUT)));
                });

        f.clock.advance(Duration.ofSeconds(1));
        f.resetRecording();
        SyncReport stillBusy = f.reconciler.checkDrains();
        assertThat(f.ipvs.writeCount()).isZero();
        assertThat(f.ipvs.destinationReads()).isEqualTo(1);
        assertThat(inKernel(key, B)).isNotNull();
        assertThat(stillBusy.drainingRealServers()).isEqualTo(1);
        assertThat(stillBusy.kind()).isEqualTo(SyncKind.DRAIN_CHECK);

        f.clock.advance(Duration.ofSeconds(5));
        f.ipvs.setConnections(key, B.endpoint(), 0, 0);
        SyncReport done = f.reconciler.checkDrains();
        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.DeleteDestination(key, B.endpoint()));
        assertThat(inKernel(key, B)).isNull();
        assertThat(inKernel(key, A)).isEqualTo(A);
        assertThat(done.drainingRealServers()).isZero();
        assertThat(done.nextDrainCheckAt()).isNull();
    }

    @Test
    void aDrainEndsAtItsDeadlineEvenWithConnectionsLeft() {
        ServiceKey key = tcp("10.96.0.10", 80);
        f.reconciler.fullSync(plans(web(key, A, B)));
        f.ipvs.setConnections(key, B.endpoint(), 12, 40);
        f.reconciler.syncServices(Map.of(WEB, web(key, A)));
        Instant deadline = f.clock.instant().plus(ReconcilerConfig.DEFAULT_DRAIN_TIMEOUT);

        f.clock.set(deadline.minusSeconds(1));
        f.reconciler.checkDrains();
        assertThat(inKernel(key, B)).isNotNull();

        f.clock.set(deadline);
        f.resetRecording();
        f.reconciler.checkDrains();
        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.DeleteDestination(key, B.endpoint()));
        assertThat(inKernel(key, B)).isNull();
    }

    @Test
    void theDrainTimeoutIsConfigurable() {
        ReconcilerFixture g = new ReconcilerFixture(ReconcilerConfig.defaults().withDrainTimeout(Duration.ofSeconds(30)));
        ServiceKey key = tcp("10.96.0.10", 80);
        g.reconciler.fullSync(plans(web(key, A, B)));
        g.ipvs.setConnections(key, B.endpoint(), 1, 0);
        SyncReport removed = g.reconciler.syncServices(Map.of(WEB, web(key, A)));
        assertThat(removed.nextDrainCheckAt()).isEqualTo(g.clock.instant().plusSeconds(5));

        g.clock.advance(Duration.ofSeconds(30));
        g.reconciler.checkDrains();

        assertThat(g.ipvs.realServers(key)).containsOnlyKeys(A.endpoint());
    }

    @Test
    void aRemovedUdpRealServerIsDeletedAtOnce() {
        ServiceKey key = udp("10.96.0.53", 53);
        f.reconciler.fullSync(plans(web(key, A, B)));
        f.ipvs.setConnections(key, B.endpoint(), 0, 9);
        f.resetRecording();

        SyncReport report = f.reconciler.syncServices(Map.of(WEB, web(key, A)));

        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.DeleteDestination(key, B.endpoint()));
        assertThat(report.drainingRealServers()).isZero();
        assertThat(report.nextDrainCheckAt()).isNull();
    }

    @Test
    void aRemovedSctpRealServerDrainsLikeTcp() {
        ServiceKey key = sctp("10.96.0.70", 3868);
        f.reconciler.fullSync(plans(web(key, A, B)));
        f.resetRecording();

        SyncReport report = f.reconciler.syncServices(Map.of(WEB, web(key, A)));

        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.UpdateDestination(key, B.withWeight(0)));
        assertThat(report.drainingRealServers()).isEqualTo(1);
    }

    @Test
    void anEndpointThatComesBackGetsItsWeightBackWithoutDeleteOrAdd() {
        ServiceKey key = tcp("10.96.0.10", 80);
        f.reconciler.fullSync(plans(web(key, A, B)));
        f.ipvs.setConnections(key, B.endpoint(), 5, 0);
        f.reconciler.syncServices(Map.of(WEB, web(key, A)));
        f.clock.advance(Duration.ofSeconds(2));
        f.resetRecording();

        SyncReport back = f.reconciler.syncServices(Map.of(WEB, web(key, A, B)));

        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.UpdateDestination(key, B));
        assertThat(inKernel(key, B)).isEqualTo(B);
        assertThat(back.drainingRealServers()).isZero();

        // No longer draining: a later drain check has nothing to do even once the connections end.
        f.ipvs.setConnections(key, B.endpoint(), 0, 0);
        f.clock.advance(Duration.ofMinutes(20));
        f.resetRecording();
        f.reconciler.checkDrains();
        assertThat(f.ipvs.writeCount()).isZero();
        assertThat(inKernel(key, B)).isEqualTo(B);
    }

    @Test
    void aDrainingRealServerGoesWithItsDeletedVirtualServer() {
        ServiceKey key = tcp("10.96.0.10", 80);
        f.reconciler.fullSync(plans(web(key, A, B)));
        f.ipvs.setConnections(key, B.endpoint(), 5, 0);
        f.reconciler.syncServices(Map.of(WEB, web(key, A)));
        f.resetRecording();

        SyncReport gone = f.reconciler.syncServices(Map.of(WEB, ServicePlan.empty(WEB)));

        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.DeleteService(key));
        assertThat(gone.drainingRealServers()).isZero();
        assertThat(gone.nextDrainCheckAt()).isNull();
    }

    @Test
    void aRestartAdoptsAWeightZeroRealServerAsDrainingWithoutWriting() {
        ServiceKey key = tcp("10.96.0.10", 80);
        f.ipvs.put(vs(key, "rr"), A, B.withWeight(0));
        f.ipvs.setConnections(key, B.endpoint(), 2, 0);
        f.bindDirectly("10.96.0.10");
        f.resetRecording();

        SyncReport adopted = f.reconciler.fullSync(plans(web(key, A)));

        assertThat(f.ipvs.writeCount()).isZero();
        assertThat(adopted.drainingRealServers()).isEqualTo(1);

        f.ipvs.setConnections(key, B.endpoint(), 0, 0);
        f.clock.advance(Duration.ofSeconds(30));
        f.reconciler.fullSync(plans(web(key, A)));
        assertThat(f.ipvs.writes()).containsExactly(new IpvsOperation.DeleteDestination(key, B.endpoint()));
    }

    @Test
    void incrementalSyncsCheckDrainsThatAreDueAndLeaveTheOthersToTheirTick() {
        ServiceKey key = tcp("10.96.0.10", 80);
        ServiceKey otherKey = tcp("10.96.0.20", 80);
        f.reconciler.fullSync(plans(web(key, A, B), plan(OTHER, clusterIp(OTHER, vs(otherKey, "rr"), A))));
        f.ipvs.setConnections(key, B.endpoint(), 1, 0);
        f.reconciler.syncServices(Map.of(WEB, web(key, A)));
        f.ipvs.setConnections(key, B.endpoint(), 0, 0);

        f.clock.advance(Duration.ofSeconds(1));
        f.resetRecording();
        f.reconciler.syncServices(Map.of(OTHER, plan(OTHER, clusterIp(OTHER, vs(otherKey, "rr"), A, B))));
        assertThat(f.ipvs.destinationReads()).isZero();
        assertThat(inKernel(key, B)).isNotNull();

        f.clock.advance(Duration.ofSeconds(5));
        f.resetRecording();
        f.reconciler.syncServices(Map.of(OTHER, plan(OTHER, clusterIp(OTHER, vs(otherKey, "rr"), A))));
        assertThat(f.ipvs.destinationReads()).isEqualTo(1);
        assertThat(f.ipvs.batches()).hasSize(1);
        assertThat(f.ipvs.writes()).contains(new IpvsOperation.DeleteDestination(key, B.endpoint()));
        assertThat(inKernel(key, B)).isNull();
    }

    @Test
    void aDrainCheckAddsBackAVirtualServerThatVanished() {
        ServiceKey key = tcp("10.96.0.10", 80);
        f.reconciler.fullSync(plans(web(key, A, B)));
        f.ipvs.setConnections(key, B.endpoint(), 1, 0);
        f.reconciler.syncServices(Map.of(WEB, web(key, A)));
        f.ipvs.remove(key);

        f.clock.advance(Duration.ofSeconds(5));
        SyncReport report = f.reconciler.checkDrains();

        assertThat(f.ipvs.realServers(key)).containsOnlyKeys(A.endpoint());
        assertThat(report.drainingRealServers()).isZero();
    }
}

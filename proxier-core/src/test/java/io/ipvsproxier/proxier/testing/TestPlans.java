package io.ipvsproxier.proxier.testing;

import io.ipvsproxier.ipvs.Addresses;
import io.ipvsproxier.ipvs.Protocol;
import io.ipvsproxier.ipvs.RealServer;
import io.ipvsproxier.ipvs.ServiceKey;
import io.ipvsproxier.ipvs.VirtualServer;
import io.ipvsproxier.proxier.plan.AddressKind;
import io.ipvsproxier.proxier.plan.PlannedVirtualServer;
import io.ipvsproxier.proxier.plan.ServicePlan;
import io.ipvsproxier.proxier.plan.ServicePortName;
import io.ipvsproxier.proxier.plan.ServiceRef;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Short ways to write keys, real servers and plans in tests. */
public final class TestPlans {
    private TestPlans() {}

    public static InetAddress ip(String text) {
        return Addresses.parse(text);
    }

    public static ServiceRef ref(String namespaceSlashName) {
        return ServiceRef.parse(namespaceSlashName);
    }

    public static ServiceKey tcp(String address, int port) {
        return ServiceKey.of(Protocol.TCP, ip(address), port);
    }

    public static ServiceKey udp(String address, int port) {
        return ServiceKey.of(Protocol.UDP, ip(address), port);
    }

    public static ServiceKey sctp(String address, int port) {
        return ServiceKey.of(Protocol.SCTP, ip(address), port);
    }

    /** A NAT real server with weight 1. */
    public static RealServer rs(String address, int port) {
        return RealServer.masq(ip(address), port, 1);
    }

    public static VirtualServer vs(ServiceKey key, String scheduler) {
        return VirtualServer.of(key, scheduler);
    }

    public static PlannedVirtualServer clusterIp(ServiceRef ref, VirtualServer server, RealServer... realServers) {
        return planned(ref, server, AddressKind.CLUSTER_IP, realServers);
    }

    public static PlannedVirtualServer nodePort(ServiceRef ref, VirtualServer server, RealServer... realServers) {
        return planned(ref, server, AddressKind.NODE_PORT, realServers);
    }

    public static PlannedVirtualServer planned(ServiceRef ref, VirtualServer server, AddressKind kind,
                                               RealServer... realServers) {
        return new PlannedVirtualServer(server, List.of(realServers), kind,
                new ServicePortName(ref, "p" + server.key().port(), server.key().protocol()), "test");
    }

    public static ServicePlan plan(ServiceRef ref, PlannedVirtualServer... servers) {
        return new ServicePlan(ref, List.of(servers), List.of(), List.of(), List.of());
    }

    /** A map of plans by their Service, in the given order. */
    public static Map<ServiceRef, ServicePlan> plans(ServicePlan... plans) {
        Map<ServiceRef, ServicePlan> out = new LinkedHashMap<>();
        for (ServicePlan p : plans) {
            out.put(p.service(), p);
        }
        return out;
    }
}

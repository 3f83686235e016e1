package io.ipvsproxier.ipvsctl;

import io.ipvsproxier.ipvs.ForwardingMethod;
import io.ipvsproxier.ipvs.RealServer;

/** A real server as ipvsadm's option parser fills it in (its ipvs_dest_t), with ipvsadm's defaults. */
final class DestSpec {
    static final int CONN_F_MASQ = 0;
    static final int CONN_F_TUNNEL = 2;
    static final int CONN_F_DROUTE = 3;
    static final int TUN_IPIP = 0;

    int af;
    byte[] addr = new byte[16];
    int port;
    /** Direct routing unless -m or -i says otherwise. */
    int connFlags = CONN_F_DROUTE;
    int weight = 1;
    int upperThreshold;
    int lowerThreshold;
    int tunType = TUN_IPIP;
    int tunPort;
    int tunFlags;

    RealServer realServer() {
        return new RealServer(ServiceSpec.address(af, addr), port, weight, forwarding(connFlags), upperThreshold,
            lowerThreshold);
    }

    private static ForwardingMethod forwarding(int connFlags) {
        switch (connFlags & 0x7) {
            case CONN_F_MASQ:
                return ForwardingMethod.MASQ;
            case CONN_F_TUNNEL:
                return ForwardingMethod.TUNNEL;
            case CONN_F_DROUTE:
                return ForwardingMethod.ROUTE;
            default:
                return ForwardingMethod.ofCode(connFlags);
        }
    }

    RealServer.Endpoint endpoint() {
        return new RealServer.Endpoint(ServiceSpec.address(af, addr), port);
    }
}

package io.ipvsproxier.ipvs;

import java.net.InetAddress;

/** One IPVS write, the unit of a batch ({@link Ipvs#apply}). */
public sealed interface IpvsOperation {

    record AddService(VirtualServer server) implements IpvsOperation {}

    record UpdateService(VirtualServer server) implements IpvsOperation {}

    record DeleteService(ServiceKey key) implements IpvsOperation {}

    record AddDestination(ServiceKey service, RealServer server) implements IpvsOperation {}

    record UpdateDestination(ServiceKey service, RealServer server) implements IpvsOperation {}

    record DeleteDestination(ServiceKey service, InetAddress address, int port) implements IpvsOperation {
        public DeleteDestination(ServiceKey service, RealServer.Endpoint endpoint) {
            this(service, endpoint.address(), endpoint.port());
        }
    }

    /** The virtual server this operation touches. */
    default ServiceKey serviceKey() {
        if (this instanceof AddService a) {
            return a.server().key();
        }
        if (this instanceof UpdateService u) {
            return u.server().key();
        }
        if (this instanceof DeleteService d) {
            return d.key();
        }
        if (this instanceof AddDestination a) {
            return a.service();
        }
        if (this instanceof UpdateDestination u) {
            return u.service();
        }
        return ((DeleteDestination) this).service();
    }
}

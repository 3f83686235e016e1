package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.IpvsOperation;

/** The kind of an IPVS write, as counted in a {@link SyncReport} (and a metric label). */
public enum OperationKind {
    ADD_SERVICE,
    UPDATE_SERVICE,
    DELETE_SERVICE,
    ADD_DESTINATION,
    UPDATE_DESTINATION,
    DELETE_DESTINATION;

    public static OperationKind of(IpvsOperation op) {
        if (op instanceof IpvsOperation.AddService) {
            return ADD_SERVICE;
        }
        if (op instanceof IpvsOperation.UpdateService) {
            return UPDATE_SERVICE;
        }
        if (op instanceof IpvsOperation.DeleteService) {
            return DELETE_SERVICE;
        }
        if (op instanceof IpvsOperation.AddDestination) {
            return ADD_DESTINATION;
        }
        if (op instanceof IpvsOperation.UpdateDestination) {
            return UPDATE_DESTINATION;
        }
        return DELETE_DESTINATION;
    }
}

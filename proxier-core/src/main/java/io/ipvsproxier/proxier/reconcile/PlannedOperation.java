package io.ipvsproxier.proxier.reconcile;

import io.ipvsproxier.ipvs.IpvsOperation;
import io.ipvsproxier.proxier.plan.ServiceRef;

/** An IPVS write with the Service it is for (null for a stale virtual server no Service claims). */
record PlannedOperation(IpvsOperation operation, ServiceRef owner) {
}

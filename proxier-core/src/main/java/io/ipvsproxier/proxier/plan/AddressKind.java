package io.ipvsproxier.proxier.plan;

/** Where a virtual server's address comes from; decides whether it is bound to kube-ipvs0. */
public enum AddressKind {
    CLUSTER_IP(true),
    EXTERNAL_IP(true),
    LOAD_BALANCER(true),
    NODE_PORT(false);

    private final boolean boundToDummy;

    AddressKind(boolean boundToDummy) {
        this.boundToDummy = boundToDummy;
    }

    /** True when the address must be on the dummy link for the kernel to treat it as local. */
    public boolean boundToDummy() {
        return boundToDummy;
    }
}

package io.ipvsproxier.ipvs;

/** How IPVS forwards to a real server (IP_VS_CONN_F_* & IP_VS_CONN_F_FWD_MASK). */
public enum ForwardingMethod {
    MASQ(0, "Masq"),
    LOCAL(1, "Local"),
    TUNNEL(2, "Tunnel"),
    ROUTE(3, "Route");

    private final int code;
    private final String label;

    ForwardingMethod(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    /** The word ipvsadm prints in its Forward column. */
    public String label() {
        return label;
    }

    public static ForwardingMethod ofCode(int code) {
        for (ForwardingMethod m : values()) {
            if (m.code == (code & 0x7)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown IPVS forwarding method " + code);
    }
}

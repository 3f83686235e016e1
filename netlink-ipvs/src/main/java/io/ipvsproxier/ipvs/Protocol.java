package io.ipvsproxier.ipvs;

/** Transport protocols an IPVS virtual server can balance (numbers from include/uapi/linux/in.h). */
public enum Protocol {
    TCP(6),
    UDP(17),
    SCTP(132);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** The protocol with IP protocol number {@code n}, or null for one IPVS does not balance. */
    public static Protocol ofNumber(int n) {
        for (Protocol p : values()) {
            if (p.number == n) {
                return p;
            }
        }
        return null;
    }
}

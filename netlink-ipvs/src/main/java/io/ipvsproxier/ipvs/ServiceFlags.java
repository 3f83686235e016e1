package io.ipvsproxier.ipvs;

/** IP_VS_SVC_F_* virtual-server flags (include/uapi/linux/ip_vs.h). */
public final class ServiceFlags {
    private ServiceFlags() {}

    public static final int PERSISTENT = 0x0001;
    /** Kernel-internal "in the hash table"; present in every reply, never part of wanted state. */
    public static final int HASHED = 0x0002;
    public static final int ONEPACKET = 0x0004;
    /** sh-fallback / mh-fallback. */
    public static final int SCHED1 = 0x0008;
    /** sh-port / mh-port. */
    public static final int SCHED2 = 0x0010;
    public static final int SCHED3 = 0x0020;
    public static final int SCHED_FLAGS = SCHED1 | SCHED2 | SCHED3;
}

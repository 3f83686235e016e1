package io.ipvsproxier.iface;

/** A network link: kernel index, name, kind ("dummy", "veth"...; null when the kernel reports none) and IFF_* flags. */
public record Link(int index, String name, String kind, int flags) {
    public static final int IFF_UP = 0x1;
    public static final int IFF_LOOPBACK = 0x8;

    public boolean isUp() {
        return (flags & IFF_UP) != 0;
    }

    public boolean isLoopback() {
        return (flags & IFF_LOOPBACK) != 0;
    }
}

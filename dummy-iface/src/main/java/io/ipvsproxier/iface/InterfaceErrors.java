package io.ipvsproxier.iface;

import io.ipvsproxier.netlink.Errno;

/** The errors both implementations raise in the same words, so tests against the fake see the real messages. */
final class InterfaceErrors {
    private InterfaceErrors() {}

    static InterfaceException noSuchLink(String name) {
        return new InterfaceException("no link named " + name, Errno.ENODEV, null);
    }

    static InterfaceException noDummyDriver(String name, Throwable cause) {
        return new InterfaceException("cannot create link " + name + ": the kernel has no 'dummy' link type; load the kernel "
            + "module 'dummy' (modprobe dummy) or use a kernel built with CONFIG_DUMMY"
            + (cause != null ? " (kernel said: " + cause.getMessage() + ")" : ""), Errno.EOPNOTSUPP, cause);
    }

    static InterfaceException notDummy(Link link) {
        return new InterfaceException("link " + link.name() + " exists but is "
            + (link.kind() == null ? "a device without a link kind (e.g. a physical NIC)" : "of kind '" + link.kind() + "'")
            + ", not dummy; delete it or configure another name", Errno.EEXIST, null);
    }
}

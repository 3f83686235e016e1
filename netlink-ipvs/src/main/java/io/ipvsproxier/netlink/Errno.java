package io.ipvsproxier.netlink;

import java.util.Map;

/** Linux errno numbers (x86_64/arm64, asm-generic) with their symbolic names and messages. */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ERANGE = 34;
    public static final int EMSGSIZE = 90;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENOBUFS = 105;
    public static final int ECONNREFUSED = 111;

    private record Entry(String name, String message) {}

    private static final Map<Integer, Entry> ENTRIES = Map.ofEntries(
        Map.entry(EPERM, new Entry("EPERM", "Operation not permitted")),
        Map.entry(ENOENT, new Entry("ENOENT", "No such file or directory")),
        Map.entry(ESRCH, new Entry("ESRCH", "No such process")),
        Map.entry(EINTR, new Entry("EINTR", "Interrupted system call")),
        Map.entry(ENXIO, new Entry("ENXIO", "No such device or address")),
        Map.entry(EBADF, new Entry("EBADF", "Bad file descriptor")),
        Map.entry(EAGAIN, new Entry("EAGAIN", "Resource temporarily unavailable")),
        Map.entry(ENOMEM, new Entry("ENOMEM", "Cannot allocate memory")),
        Map.entry(EACCES, new Entry("EACCES", "Permission denied")),
        Map.entry(EFAULT, new Entry("EFAULT", "Bad address")),
        Map.entry(EBUSY, new Entry("EBUSY", "Device or resource busy")),
        Map.entry(EEXIST, new Entry("EEXIST", "File exists")),
        Map.entry(ENODEV, new Entry("ENODEV", "No such device")),
        Map.entry(EINVAL, new Entry("EINVAL", "Invalid argument")),
        Map.entry(ERANGE, new Entry("ERANGE", "Numerical result out of range")),
        Map.entry(EMSGSIZE, new Entry("EMSGSIZE", "Message too long")),
        Map.entry(ENOPROTOOPT, new Entry("ENOPROTOOPT", "Protocol not available")),
        Map.entry(EPROTONOSUPPORT, new Entry("EPROTONOSUPPORT", "Protocol not supported")),
        Map.entry(EOPNOTSUPP, new Entry("EOPNOTSUPP", "Operation not supported")),
        Map.entry(EAFNOSUPPORT, new Entry("EAFNOSUPPORT", "Address family not supported by protocol")),
        Map.entry(EADDRNOTAVAIL, new Entry("EADDRNOTAVAIL", "Cannot assign requested address")),
        Map.entry(ENOBUFS, new Entry("ENOBUFS", "No buffer space available")),
        Map.entry(ECONNREFUSED, new Entry("ECONNREFUSED", "Connection refused")));

    /** The symbolic name, e.g. {@code EEXIST}, or {@code errno N} for numbers not in the table. */
    public static String name(int errno) {
        Entry e = ENTRIES.get(errno);
        return e != null ? e.name() : "errno " + errno;
    }

    /** The strerror(3) text, e.g. {@code File exists}. */
    public static String message(int errno) {
        Entry e = ENTRIES.get(errno);
        return e != null ? e.message() : "Unknown error " + errno;
    }
}

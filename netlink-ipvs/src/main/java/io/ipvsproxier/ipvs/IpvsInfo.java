package io.ipvsproxier.ipvs;

/** IPVS_CMD_GET_INFO: the kernel's IPVS version code (0x010201 = 1.2.1) and connection hash table size. */
public record IpvsInfo(int versionCode, int connectionTableSize) {
    /** {@code 1.2.1}. */
    public String version() {
        return ((versionCode >> 16) & 0xff) + "." + ((versionCode >> 8) & 0xff) + "." + (versionCode & 0xff);
    }
}

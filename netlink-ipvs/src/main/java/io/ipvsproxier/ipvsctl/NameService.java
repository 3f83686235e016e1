package io.ipvsproxier.ipvsctl;

/**
 * The name lookups ipvsadm makes through the C library: host names (gethostbyname/gethostbyaddr) and
 * service names (getservbyname/getservbyport). Numeric listings ({@code -n}) never use them.
 */
interface NameService {

    /** gethostbyname: the first IPv4 address of {@code name}, or null. */
    byte[] ipv4Address(String name);

    /** getservbyname: the port of service {@code name} for IP protocol {@code protocol}, or -1. */
    int port(String name, int protocol);

    /** gethostbyaddr: the host name of an address, or null. */
    String hostName(int af, byte[] addr);

    /** getservbyport: the service name of {@code port} for IP protocol {@code protocol}, or null. */
    String serviceName(int port, int protocol);
}

package io.ipvsproxier.metrics;

import io.ipvsproxier.ipvs.Addresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Parses kube-proxy style bind addresses: {@code 127.0.0.1:10249}, {@code [::]:10256}, {@code 0.0.0.0:0}. */
public final class BindAddress {
    private BindAddress() {}

    /**
     * A numeric IP and a port (0 = any free port). Never resolves names: a bind address that needs DNS would
     * make the proxier's start depend on it.
     */
    public static InetSocketAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("bind address missing");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("bind address must be IP:PORT (e.g. 127.0.0.1:10249 or [::]:10256), not '" + text + "'");
        }
        String host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
            throw new IllegalArgumentException("an IPv6 bind address needs brackets, e.g. [::]:10256, not '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in bind address '" + text + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range in bind address '" + text + "'");
        }
        InetAddress address = Addresses.parse(host);
        return new InetSocketAddress(address, port);
    }
}

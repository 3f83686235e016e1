package io.ipvsproxier.ipvs;

/** Connection timeouts in seconds; in a set request, 0 leaves that value unchanged. */
public record IpvsTimeouts(int tcp, int tcpFin, int udp) {
}

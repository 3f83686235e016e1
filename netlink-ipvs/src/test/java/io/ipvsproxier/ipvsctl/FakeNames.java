package io.ipvsproxier.ipvsctl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/** Host and service names from two maps, so that tests never depend on the machine's resolver. */
final class FakeNames implements NameService {
    final Map<String, String> hosts = new HashMap<>();
    final Map<Integer, String> services = new HashMap<>();

    @Override
    public byte[] ipv4Address(String name) {
        for (Map.Entry<String, String> e : hosts.entrySet()) {
            if (e.getValue().equals(name) && e.getKey().indexOf(':') < 0) {
                return ListingTest.ip(e.getKey()).getAddress();
            }
        }
        return null;
    }

    @Override
    public int port(String name, int protocol) {
        for (Map.Entry<Integer, String> e : services.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        return -1;
    }

    @Override
    public String hostName(int af, byte[] addr) {
        try {
            return hosts.get(InetAddress.getByAddress(addr).getHostAddress());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String serviceName(int port, int protocol) {
        return protocol == 0 ? null : services.get(port);
    }
}

package io.ipvsproxier.proxier.plan;

/** A Service by namespace and name; {@code toString()} is the informer store key {@code namespace/name}. */
public record ServiceRef(String namespace, String name) implements Comparable<ServiceRef> {

    /** Parses {@code namespace/name}. */
    public static ServiceRef parse(String key) {
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            throw new IllegalArgumentException("expected NAMESPACE/NAME, got '" + key + "'");
        }
        return new ServiceRef(key.substring(0, slash), key.substring(slash + 1));
    }

    @Override
    public int compareTo(ServiceRef o) {
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}

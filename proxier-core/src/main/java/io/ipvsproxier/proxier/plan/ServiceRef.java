package io.ipvsproxier.proxier.plan;

import java.util.Objects;

/** A Service by namespace and name; {@code toString()} is the informer store key {@code namespace/name}. */
public record ServiceRef(String namespace, String name) implements Comparable<ServiceRef> {
    // Written out: the record's generated equals/hashCode run through method-handle chains that the C1-only JIT
    // does not inline, and Service references are hashed and compared for every Service of every sync.
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof ServiceRef r && Objects.equals(name, r.name)
            && Objects.equals(namespace, r.namespace);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(namespace) * 31 + Objects.hashCode(name);
    }

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

package io.ipvsproxier.metrics;

/**
 * Every metric name this proxier exposes, exactly as it appears in the Prometheus text exposition
 * (counters with their {@code _total}, histograms without the {@code _bucket/_sum/_count} suffixes).
 *
 * <p>The {@code kubeproxy_*} names, types, label keys and buckets are those of kube-proxy
 * ({@code pkg/proxy/metrics}), so that dashboards and alerts written for kube-proxy keep working.
 * The {@code ipvsproxier_*} names are ours.
 */
public final class MetricNames {
    private MetricNames() {}

    // ---- kube-proxy compatible ------------------------------------------------------------------

    /** Histogram, label {@code ip_family}; buckets 0.001 x 2^i s, i = 0..14. */
    public static final String SYNC_PROXY_RULES_DURATION = "kubeproxy_sync_proxy_rules_duration_seconds";
    /** Gauge (epoch seconds) of the last successful sync, label {@code ip_family}. */
    public static final String SYNC_PROXY_RULES_LAST_TIMESTAMP = "kubeproxy_sync_proxy_rules_last_timestamp_seconds";
    /** Gauge (epoch seconds) of the last time a change queued a sync, label {@code ip_family}. */
    public static final String SYNC_PROXY_RULES_LAST_QUEUED_TIMESTAMP = "kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds";
    /**
     * Histogram, label {@code ip_family}: from an EndpointSlice's
     * {@code endpoints.kubernetes.io/last-change-trigger-time} to the end of the sync that programmed it.
     */
    public static final String NETWORK_PROGRAMMING_DURATION = "kubeproxy_network_programming_duration_seconds";
    /** Gauge: EndpointSlice changes seen but not yet synced. */
    public static final String ENDPOINT_CHANGES_PENDING = "kubeproxy_sync_proxy_rules_endpoint_changes_pending";
    /** Counter: EndpointSlice changes seen. */
    public static final String ENDPOINT_CHANGES_TOTAL = "kubeproxy_sync_proxy_rules_endpoint_changes_total";
    /** Gauge: Service changes seen but not yet synced. */
    public static final String SERVICE_CHANGES_PENDING = "kubeproxy_sync_proxy_rules_service_changes_pending";
    /** Counter: Service changes seen. */
    public static final String SERVICE_CHANGES_TOTAL = "kubeproxy_sync_proxy_rules_service_changes_total";
    /**
     * A <em>gauge</em> despite its {@code _total} (as in kube-proxy): Services whose Local traffic policy found
     * no local endpoint in the last sync; labels {@code traffic_policy} (internal|external) and {@code ip_family}.
     */
    public static final String NO_LOCAL_ENDPOINTS_TOTAL = "kubeproxy_sync_proxy_rules_no_local_endpoints_total";
    /** Counter of /healthz answers, label {@code code}. */
    public static final String PROXY_HEALTHZ_TOTAL = "kubeproxy_proxy_healthz_total";
    /** Counter of /livez answers, label {@code code}. */
    public static final String PROXY_LIVEZ_TOTAL = "kubeproxy_proxy_livez_total";

    // ---- ours: syncs and netlink ---------------------------------------------------------------

    /** Counter of syncs that did not complete, label {@code reason}. */
    public static final String SYNC_FAILURES_TOTAL = "ipvsproxier_sync_failures_total";
    /** Histogram: send(2) calls on netlink sockets per sync (batching keeps this low). */
    public static final String SYNC_NETLINK_SENDS = "ipvsproxier_sync_netlink_sends";
    /** Counter of netlink operations (every outcome), label {@code operation}. */
    public static final String NETLINK_OPERATIONS_TOTAL = "ipvsproxier_netlink_operations_total";
    /** Counter of netlink operations the kernel refused, labels {@code operation} and {@code errno}. */
    public static final String NETLINK_ERRORS_TOTAL = "ipvsproxier_netlink_errors_total";
    /** Gauge: Service ports the last syncs could not program, label {@code reason}. */
    public static final String REJECTED_SERVICE_PORTS = "ipvsproxier_rejected_service_ports";
    /** Gauge: IPVS virtual servers this proxier has programmed. */
    public static final String IPVS_VIRTUAL_SERVERS = "ipvsproxier_ipvs_virtual_servers";
    /** Gauge: IPVS real servers this proxier has programmed (draining ones included). */
    public static final String IPVS_REAL_SERVERS = "ipvsproxier_ipvs_real_servers";
    /** Gauge: real servers at weight 0 waiting for their connections to end before deletion. */
    public static final String IPVS_REAL_SERVERS_DRAINING = "ipvsproxier_ipvs_real_servers_draining";

    // ---- ours: per virtual server traffic, read from the kernel at scrape time -------------------
    // Labels: namespace, service, port_name, protocol, vip, port.

    /** Counter: connections scheduled by the virtual server. */
    public static final String VS_CONNECTIONS_TOTAL = "ipvsproxier_virtual_server_connections_total";
    /** Counter: packets from clients (IPVS "InPkts"). */
    public static final String VS_PACKETS_IN_TOTAL = "ipvsproxier_virtual_server_packets_in_total";
    /** Counter: packets to clients (IPVS "OutPkts"; 0 for direct routing and tunnels). */
    public static final String VS_PACKETS_OUT_TOTAL = "ipvsproxier_virtual_server_packets_out_total";
    /** Counter: bytes from clients (IPVS "InBytes"). */
    public static final String VS_BYTES_IN_TOTAL = "ipvsproxier_virtual_server_bytes_in_total";
    /** Counter: bytes to clients (IPVS "OutBytes"). */
    public static final String VS_BYTES_OUT_TOTAL = "ipvsproxier_virtual_server_bytes_out_total";
    /** Gauge: the kernel estimator's connections per second. */
    public static final String VS_CONNECTIONS_PER_SECOND = "ipvsproxier_virtual_server_connections_per_second";
    /** Gauge: the kernel estimator's incoming packets per second. */
    public static final String VS_PACKETS_IN_PER_SECOND = "ipvsproxier_virtual_server_packets_in_per_second";
    /** Gauge: the kernel estimator's outgoing packets per second. */
    public static final String VS_PACKETS_OUT_PER_SECOND = "ipvsproxier_virtual_server_packets_out_per_second";
    /** Gauge: the kernel estimator's incoming bytes per second. */
    public static final String VS_BYTES_IN_PER_SECOND = "ipvsproxier_virtual_server_bytes_in_per_second";
    /** Gauge: the kernel estimator's outgoing bytes per second. */
    public static final String VS_BYTES_OUT_PER_SECOND = "ipvsproxier_virtual_server_bytes_out_per_second";
    /** Counter: IPVS dumps made to answer scrapes (one per scrape at most, fewer with the cache). */
    public static final String IPVS_STATS_DUMPS_TOTAL = "ipvsproxier_ipvs_stats_dumps_total";
    /** Counter: IPVS dumps for scrapes that failed (the scrape then has no per virtual server samples). */
    public static final String IPVS_STATS_DUMP_ERRORS_TOTAL = "ipvsproxier_ipvs_stats_dump_errors_total";
    /** Gauge: how long the last IPVS stats dump took. */
    public static final String IPVS_STATS_DUMP_DURATION = "ipvsproxier_ipvs_stats_dump_duration_seconds";
    /** Gauge: virtual servers in the last dump that belong to no Service of ours (not exported). */
    public static final String IPVS_STATS_FOREIGN_VIRTUAL_SERVERS = "ipvsproxier_ipvs_stats_foreign_virtual_servers";

    // ---- label keys ----------------------------------------------------------------------------

    public static final String LABEL_IP_FAMILY = "ip_family";
    public static final String LABEL_TRAFFIC_POLICY = "traffic_policy";
    public static final String LABEL_CODE = "code";
    public static final String LABEL_REASON = "reason";
    public static final String LABEL_OPERATION = "operation";
    public static final String LABEL_ERRNO = "errno";
    public static final String LABEL_NAMESPACE = "namespace";
    public static final String LABEL_SERVICE = "service";
    public static final String LABEL_PORT_NAME = "port_name";
    public static final String LABEL_PROTOCOL = "protocol";
    public static final String LABEL_VIP = "vip";
    public static final String LABEL_PORT = "port";
}

package io.ipvsproxier.proxier.plan;

import java.util.Locale;
import java.util.Set;

/**
 * The proxier-wide settings the planner applies to every Service.
 *
 * @param defaultScheduler    the scheduler of every Service without a valid annotation ({@code --ipvs-scheduler});
 *                            blank means {@value #DEFAULT_SCHEDULER}, as kube-proxy
 * @param availableSchedulers the schedulers the kernel offers: the only names the per-Service annotation may use
 * @param ipv4Enabled         whether this proxier serves IPv4 Services
 * @param ipv6Enabled         whether this proxier serves IPv6 Services
 */
public record PlannerConfig(String defaultScheduler, Set<String> availableSchedulers, boolean ipv4Enabled, boolean ipv6Enabled) {

    /** kube-proxy's scheduler when none is configured. */
    public static final String DEFAULT_SCHEDULER = "rr";

    /** Every scheduler the Linux kernel has shipped (ip_vs_*.ko); the caller keeps those this kernel supports. */
    public static final Set<String> KERNEL_SCHEDULERS =
            Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos");

    public PlannerConfig {
        defaultScheduler = defaultScheduler == null || defaultScheduler.isBlank()
                ? DEFAULT_SCHEDULER : defaultScheduler.trim().toLowerCase(Locale.ROOT);
        if (defaultScheduler.length() > 15) {
            throw new IllegalArgumentException("scheduler name must be at most 15 characters: '" + defaultScheduler + "'");
        }
        availableSchedulers = availableSchedulers == null ? Set.of() : Set.copyOf(availableSchedulers);
    }

    /** rr by default, every kernel scheduler allowed, both families served. */
    public static PlannerConfig defaults() {
        return new PlannerConfig(DEFAULT_SCHEDULER, KERNEL_SCHEDULERS, true, true);
    }

    public PlannerConfig withDefaultScheduler(String scheduler) {
        return new PlannerConfig(scheduler, availableSchedulers, ipv4Enabled, ipv6Enabled);
    }

    public PlannerConfig withFamilies(boolean ipv4, boolean ipv6) {
        return new PlannerConfig(defaultScheduler, availableSchedulers, ipv4, ipv6);
    }
}

package io.ipvsproxier.proxier.plan;

import io.ipvsproxier.ipvs.ServiceFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The scheduler and scheduler flags of one Service, why they were chosen, and the rejection of a bad annotation
 * (null when the annotations were fine or absent).
 */
record SchedulerChoice(String scheduler, int flags, String source, Rejection rejection) {

    static final String SCHEDULER_ANNOTATION = "ipvs-proxier.io/scheduler";
    static final String FLAGS_ANNOTATION = "ipvs-proxier.io/scheduler-flags";

    private static final String DEFAULT_SOURCE = "default (--ipvs-scheduler)";

    /** Flag word -> (scheduler it belongs to, IP_VS_SVC_F_SCHED* bit). */
    private static final Map<String, FlagWord> FLAG_WORDS = Map.of(
            "sh-fallback", new FlagWord("sh", ServiceFlags.SCHED1),
            "sh-port", new FlagWord("sh", ServiceFlags.SCHED2),
            "mh-fallback", new FlagWord("mh", ServiceFlags.SCHED1),
            "mh-port", new FlagWord("mh", ServiceFlags.SCHED2));

    private record FlagWord(String scheduler, int bit) {}

    /**
     * Chooses from the Service's annotations. A bad annotation never stops traffic: the Service then gets exactly
     * what it would get without annotations, and the rejection says what was wrong.
     */
    static SchedulerChoice choose(ServiceRef service, Map<String, String> annotations, PlannerConfig config) {
        Map<String, String> a = annotations == null ? Map.of() : annotations;
        String wanted = a.get(SCHEDULER_ANNOTATION);
        String flagsText = a.get(FLAGS_ANNOTATION);
        boolean schedulerAnnotated = wanted != null && !wanted.isBlank();

        String scheduler = config.defaultScheduler();
        String source = DEFAULT_SOURCE;
        if (schedulerAnnotated) {
            String name = wanted.trim().toLowerCase(Locale.ROOT);
            if (!config.availableSchedulers().contains(name)) {
                String message = "annotation " + SCHEDULER_ANNOTATION + "=\"" + wanted + "\" names no scheduler this kernel offers"
                        + " (available: " + String.join(", ", new TreeSet<>(config.availableSchedulers())) + ");"
                        + " using the default scheduler " + config.defaultScheduler() + " without flags";
                return fallback(service, config, "unknown_scheduler", message,
                        "because " + SCHEDULER_ANNOTATION + "=\"" + wanted + "\" is not an available scheduler");
            }
            scheduler = name;
            source = "annotation " + SCHEDULER_ANNOTATION + "=" + name;
        }

        if (flagsText == null) {
            int flags = defaultFlags(scheduler);
            return new SchedulerChoice(scheduler, flags, source + defaultFlagsNote(scheduler), null);
        }

        int flags = 0;
        List<String> words = new ArrayList<>();
        for (String raw : flagsText.split(",", -1)) {
            String word = raw.trim().toLowerCase(Locale.ROOT);
            if (word.isEmpty()) {
                continue;
            }
            FlagWord flag = FLAG_WORDS.get(word);
            String problem = null;
            if (flag == null) {
                problem = "\"" + word + "\" is not a scheduler flag (known: mh-fallback, mh-port, sh-fallback, sh-port)";
            } else if (!flag.scheduler().equals(scheduler)) {
                problem = "\"" + word + "\" only applies to the " + flag.scheduler() + " scheduler, not " + scheduler;
            }
            if (problem != null) {
                String message = "annotation " + FLAGS_ANNOTATION + "=\"" + flagsText + "\": " + problem
                        + "; using the default scheduler " + config.defaultScheduler() + " without flags";
                return fallback(service, config, "invalid_scheduler_flags", message,
                        "because " + FLAGS_ANNOTATION + "=\"" + flagsText + "\" is invalid");
            }
            if (!words.contains(word)) {
                words.add(word);
            }
            flags |= flag.bit();
        }
        words.sort(null);
        String flagNote = words.isEmpty() ? "no flags" : "flags " + String.join(",", words);
        return new SchedulerChoice(scheduler, flags, source + ", " + flagNote + " from annotation " + FLAGS_ANNOTATION, null);
    }

    private static SchedulerChoice fallback(ServiceRef service, PlannerConfig config, String reason, String message, String why) {
        String scheduler = config.defaultScheduler();
        return new SchedulerChoice(scheduler, defaultFlags(scheduler),
                DEFAULT_SOURCE + defaultFlagsNote(scheduler) + ", " + why,
                new Rejection(service, reason, message));
    }

    /**
     * kube-proxy always sets mh-port on mh virtual servers (kubernetes PR #115527): a Service moved from
     * kube-proxy keeps hashing the same way unless its annotation says otherwise.
     */
    private static int defaultFlags(String scheduler) {
        return "mh".equals(scheduler) ? ServiceFlags.SCHED2 : 0;
    }

    private static String defaultFlagsNote(String scheduler) {
        return "mh".equals(scheduler) ? " with mh-port, as kube-proxy sets it" : "";
    }
}

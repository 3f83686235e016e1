package io.ipvsproxier.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a Prometheus text exposition, the way a scraper sees it. */
final class ScrapeText {
    private ScrapeText() {}

    /** The value of the sample whose name-and-labels part is exactly {@code series} (e.g. {@code a_total{code="200"}}). */
    static OptionalDouble value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return OptionalDouble.of(Double.parseDouble(line.substring(series.length() + 1).trim()));
            }
        }
        return OptionalDouble.empty();
    }

    /** The {@code le} values of a histogram's buckets for series whose labels contain {@code labelFilter}, in order. */
    static List<String> buckets(String scrape, String histogram, String labelFilter) {
        Pattern p = Pattern.compile("^" + Pattern.quote(histogram) + "_bucket\\{(.*)le=\"([^\"]+)\"\\} .*$");
        List<String> out = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            Matcher m = p.matcher(line);
            if (m.matches() && m.group(1).contains(labelFilter)) {
                out.add(m.group(2));
            }
        }
        return out;
    }

    /** The type a {@code # TYPE} line declares for {@code name}, or null. */
    static String type(String scrape, String name) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith("# TYPE " + name + " ")) {
                return line.substring(("# TYPE " + name + " ").length()).trim();
            }
        }
        return null;
    }
}

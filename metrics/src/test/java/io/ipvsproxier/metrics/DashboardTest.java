package io.ipvsproxier.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard under deploy/ queries only metrics this proxier exports (a renamed metric breaks it here). */
class DashboardTest {
    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana-dashboard.json");

    @Test
    void everyQueriedMetricExists() throws Exception {
        Set<String> exported = new HashSet<>();
        for (Field f : MetricNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && !f.getName().startsWith("LABEL_")) {
                exported.add((String) f.get(null));
            }
        }
        String json = Files.readString(DASHBOARD);
        Matcher m = Pattern.compile("\\b(?:kubeproxy|ipvsproxier)_[a-z0-9_]+").matcher(json);
        Set<String> queried = new TreeSet<>();
        while (m.find()) {
            queried.add(m.group());
        }
        assertThat(queried).hasSizeGreaterThan(20);
        for (String name : queried) {
            String family = name.replaceFirst("_(bucket|sum|count)$", "");
            assertThat(exported).as("metric %s queried by %s", name, DASHBOARD).contains(family);
        }
    }
}

package io.ipvsproxier.proxier.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Go-style durations as kube-proxy takes them: {@code 30s}, {@code 1m30s}, {@code 250ms}, {@code 2h}, {@code 0}. */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String v = value.trim();
        if (v.equals("0")) {
            return Duration.ZERO;
        }
        Duration total = Duration.ZERO;
        int i = 0;
        if (v.isEmpty()) {
            throw new TypeConversionException("empty duration");
        }
        while (i < v.length()) {
            int start = i;
            while (i < v.length() && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                throw new TypeConversionException("invalid duration '" + value + "' (expected e.g. 30s, 1m30s, 250ms)");
            }
            double amount = Double.parseDouble(v.substring(start, i));
            int unitStart = i;
            while (i < v.length() && Character.isLetter(v.charAt(i))) {
                i++;
            }
            String unit = v.substring(unitStart, i);
            double nanosPerUnit = switch (unit) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> throw new TypeConversionException("invalid duration '" + value + "': unknown unit '" + unit + "'");
            };
            total = total.plusNanos(Math.round(amount * nanosPerUnit));
        }
        return total;
    }
}

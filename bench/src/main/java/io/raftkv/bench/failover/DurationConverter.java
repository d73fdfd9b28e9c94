package io.raftkv.bench.failover;

import java.time.Duration;
import picocli.CommandLine;

/** "4s", "500ms", "2.5s" or a bare number of seconds. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase();
        try {
            if (v.endsWith("ms")) {
                return positive(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), value);
            }
            String seconds = v.endsWith("s") ? v.substring(0, v.length() - 1) : v;
            return positive(Duration.ofMillis(Math.round(Double.parseDouble(seconds) * 1000)), value);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (say 4s, 500ms or 2.5)");
        }
    }

    private static Duration positive(Duration d, String value) {
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' must be longer than zero");
        }
        return d;
    }
}

package io.raftkv.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * "500ms", "30s", "2m", "1h", "2.5s" or a bare number of seconds ("30", "2.5"); the one duration
 * syntax of both bench tools. Zero and negative are refused: every option that takes one needs a positive time.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern FORMAT = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a duration like 500ms, 30s, 2.5s, 2m or 1h");
        }
        BigDecimal n = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long millisPerUnit = switch (unit) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1_000;
        };
        long millis = n.multiply(BigDecimal.valueOf(millisPerUnit)).setScale(0, RoundingMode.HALF_UP).longValueExact();
        if (millis <= 0) {
            throw new TypeConversionException("'" + value + "' must be at least 1ms");
        }
        return Duration.ofMillis(millis);
    }
}

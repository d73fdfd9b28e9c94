package io.raftkv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @Test
    void acceptsEveryUnitAndABareNumberOfSeconds() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert(" 4S ")).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void acceptsDecimals() {
        assertThat(converter.convert("2.5s")).isEqualTo(Duration.ofMillis(2500));
        assertThat(converter.convert("2.5")).isEqualTo(Duration.ofMillis(2500));
        assertThat(converter.convert("1.5m")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesZeroAndNegativeSayingWhy() {
        for (String v : new String[] {"0", "0s", "0ms", "0.0001s", "-1s", "-2"}) {
            assertThatThrownBy(() -> converter.convert(v)).isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("must be at least 1ms");
        }
    }

    @Test
    void refusesWhatIsNotADuration() {
        for (String v : new String[] {"", "s", "fast", "5d", "1.s", "3 4s"}) {
            assertThatThrownBy(() -> converter.convert(v)).isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("is not a duration");
        }
    }
}

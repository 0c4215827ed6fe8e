package io.tsagg.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsagg.serde.output.Stat;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Tests for {@link ResultSerializer}'s record timestamps; its values are the encoders' tests. */
class ResultSerializerTest {
    private static final long MINUTE = 60_000;

    private static ResultSerializer serializer(long maxAheadMs) {
        ResultSerializer s =
                new ResultSerializer(
                        "out", EnumSet.allOf(Stat.class), "json", new String[0], maxAheadMs);
        s.open(null, null);
        return s;
    }

    @Test
    void shouldStampAWindowAtItsEndWhenThatIsWithinTheSkew() {
        ResultSerializer s = serializer(MINUTE);
        long now = System.currentTimeMillis();

        assertThat(s.stamp(0)).isZero();
        assertThat(s.stamp(-86_400_000L)).isEqualTo(-86_400_000L);
        assertThat(s.stamp(now - 1)).isEqualTo(now - 1);
        assertThat(s.stamp(now + MINUTE - 1_000)).isEqualTo(now + MINUTE - 1_000);
    }

    @Test
    void shouldStampAWindowEndingFurtherAheadAtTheWallClockPlusTheSkew() {
        ResultSerializer s = serializer(MINUTE);
        long before = System.currentTimeMillis();
        long day = s.stamp(before + 86_400_000L);
        long never = s.stamp(Long.MAX_VALUE);
        long after = System.currentTimeMillis();

        assertThat(day).isBetween(before + MINUTE, after + MINUTE);
        assertThat(never).isBetween(before + MINUTE, after + MINUTE);
        // An earlier window after a clamped one is stamped at its own end again.
        assertThat(s.stamp(before)).isEqualTo(before);
    }

    @Test
    void shouldStampAtTheWindowEndHoweverFarAheadWithoutASkewLimit() {
        ResultSerializer s = serializer(0);

        assertThat(s.stamp(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        long year = System.currentTimeMillis() + 365L * 86_400_000L;
        assertThat(s.stamp(year)).isEqualTo(year);
    }

    @Test
    void shouldRefuseANegativeSkew() {
        assertThatThrownBy(
                        () ->
                                new ResultSerializer(
                                        "out",
                                        EnumSet.allOf(Stat.class),
                                        "json",
                                        new String[0],
                                        -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAheadMs must be >= 0");
    }
}

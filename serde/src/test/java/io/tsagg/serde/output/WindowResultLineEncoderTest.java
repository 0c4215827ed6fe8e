package io.tsagg.serde.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsagg.serde.record.WindowResult;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Tests for {@link WindowResultLineEncoder} and {@link Stat}. */
class WindowResultLineEncoderTest {

    private static WindowResult result(String key, double stddev) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return new WindowResult()
                .setKey(1L, k, 0, k.length)
                .setWindow(60_000, 120_000)
                .setStats(3, 6.0, 1.0, 3.0, 2.0, stddev, 1.0, 3.5);
    }

    private static String encode(WindowResultLineEncoder e, WindowResult r) {
        return new String(e.encode(r), StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteTelegrafBasicstatsFieldsAtTheWindowStartInNanoseconds() {
        WindowResultLineEncoder e = new WindowResultLineEncoder(Stat.all());
        assertThat(encode(e, result("cpu,host=a usage_user", 1.0)))
                .isEqualTo(
                        "cpu,host=a usage_user_count=3,usage_user_sum=6,usage_user_min=1,"
                                + "usage_user_max=3,usage_user_mean=2,usage_user_stdev=1,"
                                + "usage_user_first=1,usage_user_last=3.5 60000000000");
    }

    @Test
    void shouldLeaveOutUndefinedStddev() {
        WindowResultLineEncoder e =
                new WindowResultLineEncoder(EnumSet.of(Stat.COUNT, Stat.STDDEV));
        assertThat(encode(e, result("m v", Double.NaN))).isEqualTo("m v_count=3 60000000000");
    }

    @Test
    void shouldKeepEscapesOfTheGroupKey() {
        WindowResultLineEncoder e = new WindowResultLineEncoder(EnumSet.of(Stat.MAX));
        assertThat(encode(e, result("disk,path=C:\\ drive used\\ pct", 1.0)))
                .isEqualTo("disk,path=C:\\ drive used\\ pct_max=3 60000000000");
    }

    @Test
    void shouldAppendQuantilesByName() {
        WindowResultLineEncoder e = new WindowResultLineEncoder(EnumSet.of(Stat.MIN), "p50", "p99");
        WindowResult r = result("m f", 1.0);
        double[] q = r.quantileBuffer(2);
        q[0] = 2.0;
        q[1] = 2.97;
        r.quantilesFilled(2);
        assertThat(encode(e, r)).isEqualTo("m f_min=1,f_p50=2,f_p99=2.97 60000000000");
    }

    @Test
    void shouldParseStatListsAndNameTheAllowedOnesOnError() {
        assertThat(Stat.parseList("count, mean,stddev"))
                .containsExactly(Stat.COUNT, Stat.MEAN, Stat.STDDEV);
        assertThatThrownBy(() -> Stat.parseList("count,median"))
                .hasMessageContaining("median")
                .hasMessageContaining("count,sum,min,max,mean,stddev,first,last");
        assertThatThrownBy(() -> Stat.parseList(" , ")).hasMessageContaining("no statistic");
    }
}

package io.tsagg.serde.ilp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.key.SeriesKeyHash;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link SeriesKeyBuilder#prefixId()}. */
class SeriesKeyBuilderTest {

    @Test
    void shouldGiveEverySpellingOfOneGroupKeyPrefixTheSameId() throws Exception {
        // Tags in another order, an escape written two ways, a tag the spec drops.
        final GroupKeySpec spec = GroupKeySpec.drop(List.of("host"));
        final long id = prefixId(spec, "m,t=a\\b,u=1,host=x f=1");
        assertThat(prefixId(spec, "m,u=1,t=a\\\\b f=1")).isEqualTo(id);
        assertThat(prefixId(spec, "m,host=y,u=1,t=a\\b g=2")).isEqualTo(id);
        assertThat(prefixId(spec, "m,t=a\\b,u=2 f=1")).isNotEqualTo(id);
        // The XXH64 of the canonical prefix (a backslash before a plain letter stays single), odd.
        final byte[] canonical = "m,t=a\\b,u=1".getBytes(StandardCharsets.UTF_8);
        assertThat(id).isEqualTo(SeriesKeyHash.hash(canonical, 0, canonical.length) | 1L);
    }

    @Test
    void shouldComputeThePrefixIdOfTheSeriesJustParsed() throws Exception {
        final SeriesKeyBuilder builder = new SeriesKeyBuilder(GroupKeySpec.series(), 16);
        final byte[] a = "cpu,host=a f=1".getBytes(StandardCharsets.UTF_8);
        final byte[] b = "cpu,host=b f=1".getBytes(StandardCharsets.UTF_8);
        builder.parseSeries(a, 0, a.length);
        final long first = builder.prefixId();
        assertThat(builder.prefixId()).isEqualTo(first);
        builder.parseSeries(b, 0, b.length);
        assertThat(builder.prefixId()).isNotEqualTo(first);
        builder.parseSeries(a, 0, a.length);
        assertThat(builder.prefixId()).isEqualTo(first);
    }

    private static long prefixId(GroupKeySpec spec, String line) throws Exception {
        final SeriesKeyBuilder builder = new SeriesKeyBuilder(spec, 16);
        final byte[] b = line.getBytes(StandardCharsets.UTF_8);
        builder.parseSeries(b, 0, b.length);
        return builder.prefixId();
    }
}

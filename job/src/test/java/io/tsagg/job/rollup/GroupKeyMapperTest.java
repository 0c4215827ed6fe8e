package io.tsagg.job.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.key.SeriesKeyHash;
import io.tsagg.serde.record.MetricRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** Tests for {@link GroupKeyMapper}. */
class GroupKeyMapperTest {
    private static final String A = "cpu,host=a,region=eu usage";
    private static final String B = "cpu,host=b,region=eu usage";

    private final List<MetricRecord> out = new ArrayList<>();
    private final Collector<MetricRecord> collector =
            new Collector<>() {
                @Override
                public void collect(MetricRecord r) {
                    out.add(new MetricRecord().copyFrom(r));
                }

                @Override
                public void close() {}
            };

    private static long id(String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return SeriesKeyHash.hash(b, 0, b.length);
    }

    private static MetricRecord key(String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return new MetricRecord().setKey(id(key), b, 0, b.length);
    }

    @Test
    void shouldAnnounceEachGroupKeyOnceAndReKeySamplesWithoutChangingTheInput() throws Exception {
        GroupKeyMapper mapper = new GroupKeyMapper(GroupKeySpec.keep(List.of("region")));
        mapper.open(DefaultOpenContext.INSTANCE);
        MetricRecord sample = new MetricRecord().setSample(id(A), 1_000, 1.5);

        mapper.flatMap(key(A), collector);
        mapper.flatMap(key(B), collector);
        mapper.flatMap(key(A), collector);
        mapper.flatMap(sample, collector);
        mapper.flatMap(new MetricRecord().setSample(id(B), 2_000, 2.5), collector);

        long group = id("cpu,region=eu usage");
        assertThat(out).hasSize(3);
        assertThat(out.get(0).isKey()).isTrue();
        assertThat(out.get(0).keyId()).isEqualTo(group);
        assertThat(
                        new String(
                                out.get(0).keyBytes(),
                                0,
                                out.get(0).keyLength(),
                                StandardCharsets.UTF_8))
                .isEqualTo("cpu,region=eu usage");
        assertThat(out.get(1)).isEqualTo(new MetricRecord().setSample(group, 1_000, 1.5));
        assertThat(out.get(2)).isEqualTo(new MetricRecord().setSample(group, 2_000, 2.5));
        assertThat(sample).isEqualTo(new MetricRecord().setSample(id(A), 1_000, 1.5));
        assertThat(mapper.seriesCount()).isEqualTo(2);
    }

    @Test
    void shouldForgetItsMapsAndAnnounceGroupKeysAgainWhenTheSourceStartsANewKeyEpoch()
            throws Exception {
        GroupKeyMapper mapper = new GroupKeyMapper(GroupKeySpec.keep(List.of("region")));
        mapper.open(DefaultOpenContext.INSTANCE);
        byte[] a = A.getBytes(StandardCharsets.UTF_8);
        byte[] b = B.getBytes(StandardCharsets.UTF_8);
        long group = id("cpu,region=eu usage");

        mapper.flatMap(new MetricRecord().setKey(id(A), a, 0, a.length, 10_000), collector);
        mapper.flatMap(new MetricRecord().setKey(id(B), b, 0, b.length, 10_000), collector);
        mapper.flatMap(new MetricRecord().setSample(id(B), 9_000, 1.0), collector);
        // The next epoch: the source announces A again (B has not reported since).
        mapper.flatMap(new MetricRecord().setKey(id(A), a, 0, a.length, 20_000), collector);
        mapper.flatMap(new MetricRecord().setSample(id(A), 19_000, 2.0), collector);

        assertThat(out).extracting(MetricRecord::isKey).containsExactly(true, false, true, false);
        assertThat(out.get(0).validUntil()).isEqualTo(10_000);
        assertThat(out.get(2).keyId()).isEqualTo(group);
        assertThat(out.get(2).validUntil()).isEqualTo(20_000);
        assertThat(out.get(3)).isEqualTo(new MetricRecord().setSample(group, 19_000, 2.0));
        assertThat(mapper.seriesCount()).as("B forgotten").isEqualTo(1);
        assertThatThrownBy(
                        () ->
                                mapper.flatMap(
                                        new MetricRecord().setSample(id(B), 19_500, 3.0),
                                        collector))
                .as("a source never sends B without announcing it in the new epoch")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldFailLoudlyOnASampleOfAnUnannouncedSeries() throws Exception {
        GroupKeyMapper mapper = new GroupKeyMapper(GroupKeySpec.drop(List.of("host")));
        mapper.open(DefaultOpenContext.INSTANCE);

        assertThatThrownBy(
                        () -> mapper.flatMap(new MetricRecord().setSample(42L, 0, 1.0), collector))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("before its dictionary record");
    }
}

package io.tsagg.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.frame.FrameWriter;
import io.tsagg.serde.ilp.TimestampPrecision;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.record.MetricRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Key epochs ({@code --key-refresh}) of both readers: every sample a reader emits is stamped before
 * the valid-until time of the latest announcement of its key before it (what lets window operators
 * forget keys), and keys are announced again in each epoch, not once for good.
 */
class KeyEpochTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final long REFRESH = 10_000L;

    @ParameterizedTest(name = "batches {0}")
    @ValueSource(booleans = {true, false})
    void shouldAnnounceLineProtocolKeysAgainInEachEpochBeforeTheirSamples(boolean batches)
            throws Exception {
        CountingContext context = new CountingContext();
        LineProtocolRecordDeserializer d =
                new LineProtocolRecordDeserializer(
                        TimestampPrecision.MILLISECONDS,
                        GroupKeySpec.series(),
                        0,
                        batches,
                        REFRESH);
        d.open(context);
        List<MetricRecord> out = new ArrayList<>();
        Collector<MetricRecord> collector = unpacking(out);

        // One run: 12 records 4 s apart (epochs start at records 0, 3, 6 and 9), an old one
        // between.
        d.startRun(collector);
        for (int i = 0; i < 12; i++) {
            long ts = T0 + i * 4_000L;
            d.deserializeInRun(
                    record(i, "cpu,host=a v=" + i + " " + ts + "\ncpu,host=h" + i + " v=1 " + ts),
                    collector);
            if (i == 4) {
                d.deserializeInRun(record(100, "cpu,host=a v=-1 " + (T0 - 3_600_000L)), collector);
            }
        }
        d.endRun(collector);

        assertEverySampleStampedBeforeItsKeysValidUntil(out);
        assertThat(announcements(out, "cpu,host=a v")).isEqualTo(4);
        assertThat(announcements(out, "cpu,host=h5 v")).isEqualTo(1);
        assertThat(out.stream().filter(MetricRecord::isSample)).hasSize(25);
        assertThat(context.count("keyEpochs")).isEqualTo(4);
    }

    @Test
    void shouldAnnounceFrameKeysAgainInEachEpochWhenTheFramesDictionaryIsCached() throws Exception {
        for (GroupKeySpec groups :
                new GroupKeySpec[] {GroupKeySpec.series(), GroupKeySpec.keep(List.of("dc"))}) {
            CountingContext context = new CountingContext();
            FrameRecordDeserializer d = new FrameRecordDeserializer(groups, 0, false, REFRESH);
            d.open(context);
            List<MetricRecord> out = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                // The same dictionary every time: the reader keeps its ids between frames.
                FrameWriter w = new FrameWriter();
                int a = w.addSeries("cpu,dc=x,host=a v");
                int b = w.addSeries("cpu,dc=x,host=b v");
                w.addSample(a, T0 + i * 4_000L, i);
                w.addSample(b, T0 + i * 4_000L + 1, i);
                d.deserialize(
                        new ConsumerRecord<>("in", 0, i, null, w.toByteArray()), unpacking(out));
            }

            assertEverySampleStampedBeforeItsKeysValidUntil(out);
            assertThat(out.stream().filter(MetricRecord::isSample)).hasSize(24);
            assertThat(out.stream().filter(MetricRecord::isKey))
                    .as(groups.toString())
                    .hasSize(groups.isSeries() ? 8 : 4);
            assertThat(context.count("keyEpochs")).isEqualTo(4);
        }
    }

    @Test
    void shouldAnnounceEveryKeyOnceForGoodWithoutARefreshInterval() throws Exception {
        LineProtocolRecordDeserializer d =
                new LineProtocolRecordDeserializer(
                        TimestampPrecision.MILLISECONDS, GroupKeySpec.series(), 0, true, 0);
        d.open(new CountingContext());
        List<MetricRecord> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            d.deserialize(record(i, "cpu,host=a v=1 " + (T0 + i * 3_600_000L)), unpacking(out));
        }

        assertThat(out.stream().filter(MetricRecord::isKey))
                .singleElement()
                .extracting(MetricRecord::validUntil)
                .isEqualTo(Long.MAX_VALUE);
        assertThat(out.stream().filter(MetricRecord::isSample)).hasSize(12);
    }

    /** The property window operators rely on to forget keys, over one reader's output. */
    static void assertEverySampleStampedBeforeItsKeysValidUntil(List<MetricRecord> out) {
        Map<Long, Long> validUntil = new HashMap<>();
        for (int i = 0; i < out.size(); i++) {
            MetricRecord r = out.get(i);
            if (r.isKey()) {
                validUntil.merge(r.keyId(), r.validUntil(), Math::max);
            } else if (r.isSample()) {
                assertThat(validUntil)
                        .as("record %d: key announced before", i)
                        .containsKey(r.keyId());
                assertThat(r.timestamp())
                        .as("record %d: stamped before its key's valid-until time", i)
                        .isLessThan(validUntil.get(r.keyId()));
            }
        }
    }

    private static long announcements(List<MetricRecord> out, String key) {
        return out.stream()
                .filter(MetricRecord::isKey)
                .filter(
                        r ->
                                new String(r.keyBytes(), 0, r.keyLength(), StandardCharsets.UTF_8)
                                        .equals(key))
                .count();
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String value) {
        return new ConsumerRecord<>("in", 0, offset, null, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Copies of every record, batches unpacked into samples, in order. */
    private static Collector<MetricRecord> unpacking(List<MetricRecord> out) {
        return new Collector<>() {
            @Override
            public void collect(MetricRecord m) {
                if (m.isBatch()) {
                    for (int i = 0; i < m.batch().size(); i++) {
                        out.add(
                                new MetricRecord()
                                        .setSample(
                                                m.batch().keyId(i),
                                                m.batch().timestamp(i),
                                                m.batch().value(i)));
                    }
                } else {
                    out.add(new MetricRecord().copyFrom(m));
                }
            }

            @Override
            public void close() {}
        };
    }
}

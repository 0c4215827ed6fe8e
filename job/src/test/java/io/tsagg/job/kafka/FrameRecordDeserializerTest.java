package io.tsagg.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.frame.FrameWriter;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Tests for {@link FrameRecordDeserializer}. */
class FrameRecordDeserializerTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void shouldDeadLetterSamplesTooFarAheadOfTheWallClockAndKeepTheOthers() throws Exception {
        long now = System.currentTimeMillis();
        FrameWriter w = new FrameWriter();
        int a = w.addSeries("cpu,host=a v");
        int b = w.addSeries("cpu,host=b v");
        w.addSample(a, now - 60_000, 1.0);
        w.addSample(b, now + 10 * HOUR, 2.5); // far ahead
        w.addSample(a, now + 60_000, 3.0); // a little ahead: within the skew
        w.addSample(b, 4_102_444_800_000L, 4.0); // 2100
        CountingContext context = new CountingContext();
        FrameRecordDeserializer d = new FrameRecordDeserializer(GroupKeySpec.series(), HOUR);
        d.open(context);

        d.deserialize(new ConsumerRecord<>("in", 3, 42L, null, w.toByteArray()), context.collector);

        assertThat(context.samples())
                .extracting(MetricRecord::timestamp)
                .containsExactly(now - 60_000, now + 60_000);
        List<DeadLetter> dead = context.rejected().stream().map(MetricRecord::deadLetter).toList();
        assertThat(dead).extracting(DeadLetter::reason).containsOnly("timestamp_in_future");
        assertThat(dead)
                .extracting(l -> new String(l.payload(), StandardCharsets.UTF_8))
                .containsExactly(
                        "cpu,host=b v=2.5 " + (now + 10 * HOUR) * 1_000_000L,
                        "cpu,host=b v=4.0 4102444800000000000");
        assertThat(dead.get(0).topic()).isEqualTo("in");
        assertThat(dead.get(0).partition()).isEqualTo(3);
        assertThat(dead.get(0).offset()).isEqualTo(42L);
        assertThat(dead.get(1).message()).contains("2100-01-01T00:00:00Z", "--max-future-skew");
        assertThat(context.count("futureSamples")).isEqualTo(2);
        assertThat(context.count("samplesIn")).isEqualTo(2);
        assertThat(context.count("malformedRecords")).isZero();
    }

    @Test
    void shouldAcceptAnyTimestampUpTo2262WithoutALimit() throws Exception {
        FrameWriter w = new FrameWriter();
        w.addSample(w.addSeries("cpu v"), 4_102_444_800_000L, 1.0);
        CountingContext context = new CountingContext();
        FrameRecordDeserializer d = new FrameRecordDeserializer(GroupKeySpec.series(), 0);
        d.open(context);

        d.deserialize(new ConsumerRecord<>("in", 0, 0L, null, w.toByteArray()), context.collector);

        assertThat(context.samples()).hasSize(1);
        assertThat(context.rejected()).isEmpty();
        assertThat(context.count("futureSamples")).isZero();
    }

    @Test
    void shouldWriteASampleAsAFrameOfItsOwnUnderItsOriginalSeriesKey() throws Exception {
        FrameWriter w = new FrameWriter();
        int a = w.addSeries("cpu,host=a,region=eu v");
        int b = w.addSeries("cpu,host=b,region=eu v");
        w.addSample(a, 1_000L, 1.0);
        w.addSample(b, 2_000L, Double.NaN); // dropped: not emitted, no origin
        w.addSample(b, 3_000L, -2.5);
        // Grouped by region: the origin keeps the series key the frame had.
        FrameRecordDeserializer d =
                new FrameRecordDeserializer(GroupKeySpec.keep(List.of("region")));
        d.open(new CountingContext());
        List<String> origins = new java.util.ArrayList<>();
        d.deserialize(
                new ConsumerRecord<>("in", 0, 0L, null, w.toByteArray()),
                new org.apache.flink.util.Collector<>() {
                    @Override
                    public void collect(MetricRecord m) {
                        if (m.isSample()) {
                            assertThat(m.writeOrigin()).isTrue();
                            origins.add(onlySample(m.originBytes(), m.originLength()));
                        }
                    }

                    @Override
                    public void close() {}
                });

        assertThat(origins)
                .containsExactly(
                        "cpu,host=a,region=eu v 1000 1.0", "cpu,host=b,region=eu v 3000 -2.5");
    }

    @Test
    void shouldAnnounceEachKeyOnceWhenFramesRepeatADictionary() throws Exception {
        CountingContext context = new CountingContext();
        FrameRecordDeserializer d = new FrameRecordDeserializer(GroupKeySpec.series(), 0);
        d.open(context);
        String[] keys = {"cpu,host=a,region=eu v", "cpu,host=b,region=eu v", "cpu,host=c v"};

        for (int f = 0; f < 3; f++) {
            FrameWriter w = new FrameWriter();
            for (int i = 0; i < keys.length; i++) {
                w.addSample(w.addSeries(keys[i]), 1000L * f + i, f * 10 + i);
            }
            d.deserialize(
                    new ConsumerRecord<>("in", 0, f, null, w.toByteArray()), context.collector);
        }

        assertThat(context.out.stream().filter(MetricRecord::isKey))
                .extracting(m -> new String(m.keyBytes(), 0, m.keyLength(), StandardCharsets.UTF_8))
                .containsExactly(keys);
        assertThat(context.samples())
                .extracting(m -> m.keyId() + "@" + m.timestamp() + "=" + m.value())
                .containsExactly(
                        seriesId(keys[0]) + "@0=0.0",
                        seriesId(keys[1]) + "@1=1.0",
                        seriesId(keys[2]) + "@2=2.0",
                        seriesId(keys[0]) + "@1000=10.0",
                        seriesId(keys[1]) + "@1001=11.0",
                        seriesId(keys[2]) + "@1002=12.0",
                        seriesId(keys[0]) + "@2000=20.0",
                        seriesId(keys[1]) + "@2001=21.0",
                        seriesId(keys[2]) + "@2002=22.0");
    }

    @Test
    void shouldKeepTheGroupIdsOfARepeatedDictionaryAndMapANewOne() throws Exception {
        CountingContext context = new CountingContext();
        FrameRecordDeserializer d =
                new FrameRecordDeserializer(GroupKeySpec.keep(List.of("region")), 0);
        d.open(context);
        String[][] frames = {
            {"cpu,host=a,region=eu v", "cpu,host=b,region=us v"},
            {"cpu,host=a,region=eu v", "cpu,host=b,region=us v"},
            {"cpu,host=b,region=us v", "cpu,host=c,region=eu v"}
        };

        for (int f = 0; f < frames.length; f++) {
            FrameWriter w = new FrameWriter();
            for (String key : frames[f]) {
                w.addSample(w.addSeries(key), 1000L * f, 1.0);
            }
            d.deserialize(
                    new ConsumerRecord<>("in", 0, f, null, w.toByteArray()), context.collector);
        }

        assertThat(context.out.stream().filter(MetricRecord::isKey))
                .extracting(m -> new String(m.keyBytes(), 0, m.keyLength(), StandardCharsets.UTF_8))
                .containsExactly("cpu,region=eu v", "cpu,region=us v");
        long eu = seriesId("cpu,region=eu v");
        long us = seriesId("cpu,region=us v");
        assertThat(context.samples())
                .extracting(MetricRecord::keyId)
                .containsExactly(eu, us, eu, us, us, eu);
    }

    @Test
    void shouldReadTheRightIdsWhenTheDecoderReplacedTheDictionariesItKeeps() throws Exception {
        CountingContext context = new CountingContext();
        FrameRecordDeserializer d = new FrameRecordDeserializer(GroupKeySpec.series(), 0);
        d.open(context);
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i <= io.tsagg.serde.frame.FrameDecoder.KEY_TABLES + 1; i++) {
            keys.add("cpu,host=h" + i + " v");
        }
        keys.add(keys.get(0));
        keys.add(keys.get(1));

        for (int f = 0; f < keys.size(); f++) {
            FrameWriter w = new FrameWriter();
            w.addSample(w.addSeries(keys.get(f)), f, 1.0);
            d.deserialize(
                    new ConsumerRecord<>("in", 0, f, null, w.toByteArray()), context.collector);
        }

        assertThat(context.samples())
                .extracting(MetricRecord::keyId)
                .containsExactlyElementsOf(
                        keys.stream().map(FrameRecordDeserializerTest::seriesId).toList());
    }

    private static long seriesId(String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return io.tsagg.serde.key.SeriesKeyHash.hash(b, 0, b.length);
    }

    private static String onlySample(byte[] frame, int length) {
        io.tsagg.serde.frame.FrameDecoder decoder = new io.tsagg.serde.frame.FrameDecoder();
        try {
            decoder.wrap(frame, 0, length);
        } catch (io.tsagg.serde.MalformedInputException e) {
            throw new AssertionError(e);
        }
        assertThat(decoder.sampleCount()).isEqualTo(1);
        int s = decoder.seriesIndex(0);
        return new String(
                        frame,
                        decoder.seriesKeyOffset(s),
                        decoder.seriesKeyLength(s),
                        StandardCharsets.UTF_8)
                + " "
                + decoder.timestamp(0)
                + " "
                + decoder.value(0);
    }

    @Test
    void shouldEmitAFramesAcceptedSamplesAsOneBatchAfterItsKeysAndDeadLetters() throws Exception {
        long now = System.currentTimeMillis();
        FrameWriter w = new FrameWriter();
        int a = w.addSeries("cpu,host=a v");
        int b = w.addSeries("cpu,host=b v");
        w.addSample(a, now - 60_000, 1.0);
        w.addSample(b, now - 50_000, Double.NaN); // dropped
        w.addSample(b, now + 10 * HOUR, 2.5); // far ahead: dead letter
        w.addSample(a, now - 40_000, 3.0);
        List<String> out = new java.util.ArrayList<>();
        FrameRecordDeserializer d = new FrameRecordDeserializer(GroupKeySpec.series(), HOUR, true);
        CountingContext context = new CountingContext();
        d.open(context);

        d.deserialize(
                new ConsumerRecord<>("in", 0, 0L, null, w.toByteArray()),
                new org.apache.flink.util.Collector<>() {
                    @Override
                    public void collect(MetricRecord m) {
                        if (m.isKey()) {
                            out.add(
                                    "key "
                                            + new String(
                                                    m.keyBytes(),
                                                    0,
                                                    m.keyLength(),
                                                    StandardCharsets.UTF_8));
                        } else if (m.isRejected()) {
                            out.add("dead " + m.deadLetter().reason());
                        } else {
                            assertThat(m.isBatch()).isTrue();
                            assertThat(m.timestamp()).isEqualTo(now - 40_000);
                            io.tsagg.serde.record.SampleBatch batch = m.batch();
                            for (int i = 0; i < batch.size(); i++) {
                                MetricRecord one =
                                        new MetricRecord()
                                                .setSample(
                                                        batch.keyId(i),
                                                        batch.timestamp(i),
                                                        batch.value(i));
                                batch.writeOrigin(i, one);
                                out.add(
                                        "sample "
                                                + (one.keyId() == seriesId("cpu,host=a v"))
                                                + " "
                                                + (now - one.timestamp())
                                                + " "
                                                + one.value()
                                                + " origin "
                                                + onlySample(one.originBytes(), one.originLength())
                                                        .replace(
                                                                Long.toString(one.timestamp()),
                                                                "t"));
                            }
                        }
                    }

                    @Override
                    public void close() {}
                });

        assertThat(out)
                .containsExactly(
                        "key cpu,host=a v",
                        "key cpu,host=b v",
                        "dead timestamp_in_future",
                        "sample true 60000 1.0 origin cpu,host=a v t 1.0",
                        "sample true 40000 3.0 origin cpu,host=a v t 3.0");
        assertThat(context.count("samplesIn")).isEqualTo(2);
        assertThat(context.count("nonFiniteValues")).isEqualTo(1);
    }
}

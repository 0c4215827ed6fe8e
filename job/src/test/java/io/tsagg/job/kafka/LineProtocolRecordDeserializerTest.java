package io.tsagg.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.ilp.TimestampPrecision;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Tests for {@link LineProtocolRecordDeserializer}. */
class LineProtocolRecordDeserializerTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void shouldDeadLetterLinesTooFarAheadOfTheWallClockAndKeepTheOthers() throws Exception {
        long now = System.currentTimeMillis();
        String future = "cpu,host=b u=1,s=2 " + (now + 10 * HOUR) * 1_000_000L;
        String bad = "cpu,host=c v=oops " + now * 1_000_000L;
        String record =
                "cpu,host=a v=1 "
                        + (now - 1000) * 1_000_000L
                        + "\n"
                        + future
                        + "\r\n"
                        + bad
                        + "\n# comment\ncpu,host=a v=2 "
                        + (now + 60_000) * 1_000_000L
                        + "\ncpu,host=d v=3 4102444800000000000";
        CountingContext context = new CountingContext();
        LineProtocolRecordDeserializer d =
                new LineProtocolRecordDeserializer(
                        TimestampPrecision.NANOSECONDS, GroupKeySpec.series(), HOUR);
        d.open(context);

        d.deserialize(
                new ConsumerRecord<>("in", 1, 7L, null, record.getBytes(StandardCharsets.UTF_8)),
                context.collector);

        assertThat(context.samples())
                .extracting(MetricRecord::timestamp)
                .containsExactly(now - 1000, now + 60_000);
        List<DeadLetter> dead = context.rejected().stream().map(MetricRecord::deadLetter).toList();
        assertThat(dead)
                .extracting(l -> l.reason() + " " + new String(l.payload(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder(
                        "bad_field_value " + bad,
                        "timestamp_in_future " + future,
                        "timestamp_in_future cpu,host=d v=3 4102444800000000000");
        DeadLetter first =
                dead.stream()
                        .filter(l -> l.reason().equals("timestamp_in_future"))
                        .findFirst()
                        .get();
        assertThat(first.position()).isEqualTo(record.indexOf(future));
        assertThat(context.count("futureSamples")).isEqualTo(3);
        assertThat(context.count("samplesIn")).isEqualTo(2);
        assertThat(context.count("malformedLines")).isEqualTo(1);
    }

    /** Origins of the samples {@code wanted} selects, written while each is being emitted. */
    private static List<String> origins(
            LineProtocolRecordDeserializer d, ConsumerRecord<byte[], byte[]> r, IntPredicate wanted)
            throws Exception {
        List<String> out = new ArrayList<>();
        int[] index = {0};
        d.deserialize(
                r,
                new Collector<>() {
                    @Override
                    public void collect(MetricRecord m) {
                        if (m.isSample() && wanted.test(index[0]++)) {
                            assertThat(m.writeOrigin()).isTrue();
                            out.add(
                                    new String(
                                            m.originBytes(),
                                            0,
                                            m.originLength(),
                                            StandardCharsets.UTF_8));
                        }
                    }

                    @Override
                    public void close() {}
                });
        return out;
    }

    @Test
    void shouldWriteEachSamplesLineCutDownToItsFieldOnlyWhenAsked() throws Exception {
        String record =
                "# comment\n"
                        + "cpu,host=a,zone=z\\ 1 usage=1.5 1000000000\n"
                        + "bad line\n"
                        + "  mem,host=a  used=2i,note=\"x, y\",free=3u,ok=t   2000000000 \r\n"
                        + "\n"
                        + "disk,host=a io=1e999,read=4\n"
                        + "net,host=a rx=5";
        LineProtocolRecordDeserializer d =
                new LineProtocolRecordDeserializer(
                        TimestampPrecision.MICROSECONDS, GroupKeySpec.keep(List.of("zone")));
        d.open(new CountingContext());
        ConsumerRecord<byte[], byte[]> r =
                new ConsumerRecord<>("in", 0, 0L, null, record.getBytes(StandardCharsets.UTF_8));
        // The Kafka record's timestamp (ms) is the default; written in the input's precision (us).
        r = withTimestamp(r, 7_000L);

        assertThat(origins(d, r, i -> true))
                .containsExactly(
                        "cpu,host=a,zone=z\\ 1 usage=1.5 1000000000",
                        "mem,host=a used=2i 2000000000",
                        "mem,host=a free=3u 2000000000",
                        "disk,host=a read=4 7000000",
                        "net,host=a rx=5 7000000");
        // Asking for a few, out of the reader's order of lines, gives the same bytes.
        assertThat(origins(d, r, i -> i == 2 || i == 4))
                .containsExactly("mem,host=a free=3u 2000000000", "net,host=a rx=5 7000000");
        assertThat(origins(d, r, i -> i == 0))
                .containsExactly("cpu,host=a,zone=z\\ 1 usage=1.5 1000000000");
    }

    private static ConsumerRecord<byte[], byte[]> withTimestamp(
            ConsumerRecord<byte[], byte[]> r, long timestampMs) {
        return new ConsumerRecord<>(
                r.topic(),
                r.partition(),
                r.offset(),
                timestampMs,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                0,
                r.value().length,
                r.key(),
                r.value(),
                new org.apache.kafka.common.header.internals.RecordHeaders(),
                java.util.Optional.empty());
    }

    @Test
    void shouldEmitARecordsSamplesAsOneBatchWithTheSameSamplesAndOrigins() throws Exception {
        long now = System.currentTimeMillis();
        String record =
                "cpu,host=a u=1,v=2 "
                        + (now - 2000) * 1_000_000L
                        + "\nbad\ncpu,host=b u=3 "
                        + (now + 10 * HOUR) * 1_000_000L
                        + "\ncpu,host=c u=4 "
                        + (now - 1000) * 1_000_000L;
        ConsumerRecord<byte[], byte[]> r =
                new ConsumerRecord<>("in", 0, 0L, null, record.getBytes(StandardCharsets.UTF_8));
        List<String> expected = new ArrayList<>();
        opened(false, new CountingContext()).deserialize(r, describing(expected));
        CountingContext context = new CountingContext();
        LineProtocolRecordDeserializer batched = opened(true, context);
        List<String> actual = new ArrayList<>();

        batched.deserialize(r, describing(actual));

        // The batch follows the record's dead letters; its samples are in the reader's order.
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(actual)
                .filteredOn(l -> l.startsWith("sample"))
                .containsExactlyElementsOf(
                        expected.stream().filter(l -> l.startsWith("sample")).toList());
        assertThat(actual).filteredOn(l -> l.startsWith("sample")).hasSize(3);
        assertThat(actual).filteredOn(l -> l.startsWith("dead")).hasSize(2);
        assertThat(context.count("samplesIn")).isEqualTo(3);
        assertThat(context.count("futureSamples")).isEqualTo(1);
    }

    @Test
    void shouldReadARunOfRecordsIntoOneBatchWithTheSamplesOriginsAndDeadLettersOfEachRecord()
            throws Exception {
        long now = System.currentTimeMillis();
        List<ConsumerRecord<byte[], byte[]>> run =
                List.of(
                        record(10, "cpu,host=a u=1,v=2 " + (now - 2000) * 1_000_000L + "\nbad"),
                        new ConsumerRecord<>("in", 0, 11L, null, null),
                        record(
                                12,
                                "cpu,host=b u=3 "
                                        + (now + 10 * HOUR) * 1_000_000L
                                        + "\ncpu,host=c u=4 "
                                        + (now - 1000) * 1_000_000L),
                        withTimestamp(record(13, "mem,host=a x=5\ncpu,host=a u=6"), now - 500));
        List<String> expected = new ArrayList<>();
        LineProtocolRecordDeserializer single = opened(true, new CountingContext());
        for (ConsumerRecord<byte[], byte[]> r : run) {
            single.deserialize(r, describing(expected));
        }
        CountingContext context = new CountingContext();
        List<String> actual = new ArrayList<>();

        readRun(opened(true, context), run, describing(actual));

        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(actual).filteredOn(l -> l.startsWith("sample")).hasSize(5);
        assertThat(actual.subList(actual.size() - 5, actual.size()))
                .as("one batch, after every key and dead letter of the run")
                .allMatch(l -> l.startsWith("sample"))
                .anyMatch(
                        l ->
                                l.endsWith(
                                        " "
                                                + (now - 500)
                                                + " 5.0 mem,host=a x=5 "
                                                + (now - 500) * 1_000_000L));
        assertThat(context.count("samplesIn")).isEqualTo(5);
        assertThat(context.count("recordsIn")).isEqualTo(4);
        CountingContext copies = new CountingContext();
        readRun(opened(true, copies), run, copies.collector);
        assertThat(copies.rejected())
                .extracting(m -> m.deadLetter().offset() + " " + m.deadLetter().reason())
                .containsExactlyInAnyOrder(
                        "10 missing_fields", "11 empty_record", "12 timestamp_in_future");
    }

    @Test
    void shouldEmitARunInBatchesOfAtMostTheLimitOfWholeRecords() throws Exception {
        long now = System.currentTimeMillis();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            lines.append("cpu,host=h").append(i % 7).append(" v=").append(i).append(' ');
            lines.append((now - 1000 + i) * 1_000_000L).append('\n');
        }
        int records = 2 * LineProtocolRecordDeserializer.RUN_BATCH_SAMPLES / 1000 + 3;
        List<Integer> batches = new ArrayList<>();
        double[] sum = new double[1];
        Collector<MetricRecord> out =
                new Collector<>() {
                    @Override
                    public void collect(MetricRecord m) {
                        if (m.isBatch()) {
                            batches.add(m.batch().size());
                            for (int i = 0; i < m.batch().size(); i++) {
                                sum[0] += m.batch().value(i);
                            }
                        }
                    }

                    @Override
                    public void close() {}
                };

        List<ConsumerRecord<byte[], byte[]>> run = new ArrayList<>();
        for (int r = 0; r < records; r++) {
            run.add(record(r, lines.toString()));
        }
        readRun(opened(true, new CountingContext()), run, out);

        int limit = LineProtocolRecordDeserializer.RUN_BATCH_SAMPLES;
        assertThat(batches).hasSize(3).allMatch(n -> n % 1000 == 0 && n < limit + 1000);
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(records * 1000);
        assertThat(sum[0]).isEqualTo(records * (999 * 1000 / 2.0));
    }

    /** A reader of nanosecond line protocol keyed by series, 1 h future skew, opened. */
    private static LineProtocolRecordDeserializer opened(boolean batches, CountingContext context) {
        LineProtocolRecordDeserializer d =
                new LineProtocolRecordDeserializer(
                        TimestampPrecision.NANOSECONDS, GroupKeySpec.series(), HOUR, batches);
        d.open(context);
        return d;
    }

    /** Hands {@code run} to {@code d} as the source's emitter does, as one run. */
    private static void readRun(
            LineProtocolRecordDeserializer d,
            List<ConsumerRecord<byte[], byte[]>> run,
            Collector<MetricRecord> out)
            throws Exception {
        d.startRun(out);
        for (ConsumerRecord<byte[], byte[]> r : run) {
            d.deserializeInRun(r, out);
        }
        d.endRun(out);
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String value) {
        return new ConsumerRecord<>("in", 0, offset, null, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Describes samples (batches unpacked, origins written), keys and dead letters. */
    static Collector<MetricRecord> describing(List<String> out) {
        return new Collector<>() {
            @Override
            public void collect(MetricRecord m) {
                if (m.isBatch()) {
                    for (int i = 0; i < m.batch().size(); i++) {
                        MetricRecord one =
                                new MetricRecord()
                                        .setSample(
                                                m.batch().keyId(i),
                                                m.batch().timestamp(i),
                                                m.batch().value(i));
                        m.batch().writeOrigin(i, one);
                        collect(one);
                    }
                } else if (m.isSample()) {
                    m.writeOrigin();
                    out.add(
                            "sample "
                                    + m.keyId()
                                    + " "
                                    + m.timestamp()
                                    + " "
                                    + m.value()
                                    + " "
                                    + new String(
                                            m.originBytes(),
                                            0,
                                            m.originLength(),
                                            StandardCharsets.UTF_8));
                } else if (m.isKey()) {
                    out.add(
                            "key "
                                    + new String(
                                            m.keyBytes(),
                                            0,
                                            m.keyLength(),
                                            StandardCharsets.UTF_8));
                } else {
                    out.add("dead " + m.deadLetter().reason());
                }
            }

            @Override
            public void close() {}
        };
    }
}

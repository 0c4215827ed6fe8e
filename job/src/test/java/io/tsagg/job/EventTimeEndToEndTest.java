package io.tsagg.job;

import static io.tsagg.job.EndToEnd.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsagg.job.EndToEnd.Sample;
import io.tsagg.job.EndToEnd.Stats;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.kafka.LateSampleSerializer;
import io.tsagg.job.local.LocalBroker;
import io.tsagg.serde.MalformedInputException;
import io.tsagg.serde.frame.FrameDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tests for {@link TsaggJob}'s event time on a real Kafka broker and a Flink MiniCluster, with
 * unbounded jobs whose input is produced while they run: out-of-order, updating and late samples
 * against an independent computation (none lost), an idle partition, and a partition that delivers
 * after the others.
 */
class EventTimeEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String FLUSH_KEY = "flush,host=x usage";

    @RegisterExtension static final LocalBroker broker = new LocalBroker();
    private JobClient job;

    @AfterEach
    void cancelJob() throws Exception {
        if (job != null) {
            try {
                job.cancel().get();
                job.getJobExecutionResult().exceptionally(e -> null).get();
            } catch (Exception ignored) {
                // already finished
            }
            job = null;
        }
    }

    private void start(String... args) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(
                        2, CollectingMetricReporter.configure(EndToEnd.miniCluster()));
        TsaggJob.build(env, JobConfig.parse(args));
        job = env.executeAsync("event-time");
    }

    private static String[] args(String prefix, String... more) {
        List<String> all =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                broker.bootstrapServers(),
                                "--input-topic",
                                prefix + "-in",
                                "--output-topic",
                                prefix + "-out",
                                "--dlq-topic",
                                prefix + "-dlq",
                                "--late-topic",
                                prefix + "-late",
                                "--group-id",
                                prefix,
                                "--window",
                                "10s",
                                "--out-of-orderness",
                                "2s",
                                "--checkpoint-interval",
                                "500ms",
                                "--starting-offsets",
                                "earliest"));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /** Series s of {@code samples} go to partition s % partitions, with disorder < 2 s. */
    private static void produceByPartition(String topic, List<Sample> samples, int partitions) {
        for (int p = 0; p < partitions; p++) {
            List<Sample> mine = new ArrayList<>();
            for (Sample s : samples) {
                if (hostOf(s) % partitions == p) {
                    mine.add(s);
                }
            }
            EndToEnd.produceFrames(
                    broker.bootstrapServers(), topic, p, EndToEnd.shuffledWithin(mine, 24, p), 40);
        }
    }

    /** The one sample of a frame. */
    private static Sample onlySampleOf(byte[] frame) throws MalformedInputException {
        FrameDecoder decoder = new FrameDecoder();
        decoder.wrap(frame, 0, frame.length);
        assertThat(decoder.sampleCount()).isEqualTo(1);
        int series = decoder.seriesIndex(0);
        return new Sample(
                new String(
                        frame,
                        decoder.seriesKeyOffset(series),
                        decoder.seriesKeyLength(series),
                        StandardCharsets.UTF_8),
                decoder.timestamp(0),
                decoder.value(0));
    }

    private static int hostOf(Sample s) {
        return Integer.parseInt(s.key().replaceAll(".*host=h(\\d+),.*", "$1"));
    }

    /** A sample far ahead on every partition: the watermark passes everything before it. */
    private static void flush(String topic, int partitions) {
        for (int p = 0; p < partitions; p++) {
            EndToEnd.produceFrames(
                    broker.bootstrapServers(),
                    topic,
                    p,
                    List.of(new Sample(FLUSH_KEY, T0 + 100_000, 0.0)),
                    1);
        }
    }

    /** Every committed result, in offset order, as (key@window_start, JSON). */
    private static List<Map.Entry<String, JsonNode>> results(String topic) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : EndToEnd.read(broker.bootstrapServers(), topic)) {
            try {
                JsonNode node = JSON.readTree(r.value());
                out.add(
                        Map.entry(
                                node.get("key").asText() + "@" + node.get("window_start").asLong(),
                                node));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static long windowsStartingAt(List<Map.Entry<String, JsonNode>> results, long start) {
        return results.stream()
                .filter(e -> e.getValue().get("window_start").asLong() == start)
                .map(Map.Entry::getKey)
                .distinct()
                .count();
    }

    /** The last result per (key, window): updates replace earlier results. */
    private static Map<String, JsonNode> latest(List<Map.Entry<String, JsonNode>> results) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        results.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    @ParameterizedTest(name = "pre-aggregate {0}")
    @ValueSource(booleans = {true, false})
    void shouldUpdateWindowsWithinTheLatenessAndSendLaterSamplesToTheLateTopic(boolean preAggregate)
            throws Exception {
        String p = preAggregate ? "late" : "late1p";
        broker.createTopics(3, p + "-in");
        broker.createTopics(1, p + "-out", p + "-dlq", p + "-late");
        List<Sample> onTime = EndToEnd.series(12, T0, T0 + 60_000, 250);
        produceByPartition(p + "-in", onTime, 3);
        EndToEnd.produceRaw(
                broker.bootstrapServers(),
                p + "-in",
                0,
                "not a frame".getBytes(StandardCharsets.UTF_8));
        start(
                args(
                        p,
                        "--allowed-lateness",
                        "10s",
                        "--parallelism",
                        "2",
                        "--pre-aggregate",
                        Boolean.toString(preAggregate)));

        // Window [40 s, 50 s) fired: the watermark is at least 50 s, and at most 58 s.
        EndToEnd.await(
                "window [40 s, 50 s) of 12 keys",
                WAIT,
                () -> results(p + "-out"),
                r -> windowsStartingAt(r, T0 + 40_000) == 12);
        // Windows ending at or before 40 s are closed for good (end + 10 s lateness <= 50 s);
        // [40 s, 50 s) fired and takes updates (50 s + 10 s > 58 s).
        List<Sample> late =
                List.of(
                        new Sample(EndToEnd.key(1), T0 + 5_001, 1.25),
                        new Sample(EndToEnd.key(2), T0 + 15_001, 2.5),
                        new Sample(EndToEnd.key(5), T0 + 25_002, 3.75),
                        new Sample(EndToEnd.key(7), T0 + 35_003, 5.0),
                        new Sample(EndToEnd.key(11), T0 + 3_004, 6.25));
        List<Sample> updates =
                List.of(
                        new Sample(EndToEnd.key(0), T0 + 45_111, 42.0),
                        new Sample(EndToEnd.key(4), T0 + 47_222, -7.5),
                        new Sample(EndToEnd.key(0), T0 + 49_999, 1e6 + 1));
        List<Sample> phase2 = new ArrayList<>(late);
        phase2.addAll(updates);
        EndToEnd.produceFrames(broker.bootstrapServers(), p + "-in", 0, phase2, 100);
        flush(p + "-in", 3);

        String updated0 = EndToEnd.key(0) + "@" + (T0 + 40_000);
        String updated4 = EndToEnd.key(4) + "@" + (T0 + 40_000);
        List<Map.Entry<String, JsonNode>> results =
                EndToEnd.await(
                        "window [50 s, 60 s) and two updated windows",
                        WAIT,
                        () -> results(p + "-out"),
                        r ->
                                windowsStartingAt(r, T0 + 50_000) == 12
                                        && r.stream()
                                                        .filter(
                                                                e ->
                                                                        e.getKey().equals(updated0)
                                                                                || e.getKey()
                                                                                        .equals(
                                                                                                updated4))
                                                        .count()
                                                == 4);
        List<ConsumerRecord<byte[], byte[]>> lateRecords =
                EndToEnd.await(
                        "5 late samples",
                        WAIT,
                        () -> EndToEnd.read(broker.bootstrapServers(), p + "-late"),
                        r -> r.size() >= 5);
        cancelJob();

        // Every (key, window) once, and twice for the two updated ones.
        Map<String, Integer> emitted = new HashMap<>();
        results.forEach(e -> emitted.merge(e.getKey(), 1, Integer::sum));
        emitted.forEach(
                (id, n) ->
                        assertThat(n)
                                .as(id)
                                .isEqualTo(id.equals(updated0) || id.equals(updated4) ? 2 : 1));
        // The first result of an updated window did not have the update, the second has it.
        assertThat(results.stream().filter(e -> e.getKey().equals(updated0)).findFirst())
                .hasValueSatisfying(
                        e -> assertThat(e.getValue().get("count").asLong()).isEqualTo(40));

        List<Sample> counted = new ArrayList<>(onTime);
        counted.addAll(updates);
        Map<String, Stats> expected = EndToEnd.expected(counted, 10_000, 10_000);
        Map<String, JsonNode> actual = latest(results);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((id, stats) -> stats.check(id, actual.get(id)));

        // The late samples, each once, each a frame of its own (the input format), keyed by the
        // series key (no group-by here).
        Set<Sample> lateSamples = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : lateRecords) {
            Sample s = onlySampleOf(r.value());
            lateSamples.add(s);
            assertThat(EndToEnd.utf8(r.key())).isEqualTo(s.key());
            assertThat(EndToEnd.utf8(r.headers().lastHeader(LateSampleSerializer.ROLLUP).value()))
                    .isEqualTo("default");
            assertThat(r.headers().lastHeader(LateSampleSerializer.RENDERED)).isNull();
        }
        assertThat(lateRecords).hasSize(5);
        assertThat(lateSamples).containsExactlyInAnyOrderElementsOf(late);

        // None lost: counted in results + late = produced.
        long countedInResults =
                actual.values().stream().mapToLong(n -> n.get("count").asLong()).sum();
        assertThat(countedInResults + lateRecords.size())
                .isEqualTo(onTime.size() + late.size() + updates.size());

        // The job's metrics say the same.
        assertThat(CollectingMetricReporter.counterSum("samplesIn"))
                .isEqualTo(onTime.size() + phase2.size() + 3);
        assertThat(CollectingMetricReporter.counterSum("malformedRecords")).isEqualTo(1);
        assertThat(CollectingMetricReporter.counterSum("lateSamples")).isEqualTo(5);
        assertThat(CollectingMetricReporter.counterSum("windowResults")).isEqualTo(results.size());
        assertThat(EndToEnd.read(broker.bootstrapServers(), p + "-dlq")).hasSize(1);
        // Two-phase: most samples travelled as partial summaries, the rest as they were.
        long partials = CollectingMetricReporter.counterSum("partials");
        long aggregated = CollectingMetricReporter.counterSum("preAggregatedSamples");
        long passed = CollectingMetricReporter.counterSum("passedSamples");
        if (preAggregate) {
            assertThat(partials).isPositive().isLessThan(aggregated / 4);
            assertThat(aggregated + passed)
                    .isEqualTo(CollectingMetricReporter.counterSum("samplesIn"));
        } else {
            assertThat(partials + aggregated + passed).isZero();
        }
    }

    /**
     * Line protocol, two rollups (series, and by region through the group-key mapper): late lines
     * reach the late topic with their original bytes, all their tags included, once per rollup; a
     * multi-field line gives one line per late field, a line without a timestamp gets the one it
     * was given.
     */
    @Test
    void shouldSendLateLinesToTheLateTopicWithTheirOriginalBytes() throws Exception {
        String p = "ilplate";
        broker.createTopics(1, p + "-in", p + "-out", p + "-region", p + "-dlq", p + "-late");
        List<String> onTime = new ArrayList<>();
        for (long t = T0; t < T0 + 30_000; t += 500) {
            onTime.add("cpu,host=a,region=eu usage=1 " + t * 1_000_000L);
        }
        produceLines(p + "-in", null, String.join("\n", onTime));
        start(
                args(
                        p,
                        "--format",
                        "ilp",
                        "--parallelism",
                        "1",
                        "--rollup",
                        "name=region,group-by=region,output-topic=" + p + "-region"));
        EndToEnd.await(
                "window [10 s, 20 s)",
                WAIT,
                () -> results(p + "-out"),
                r -> windowsStartingAt(r, T0 + 10_000) == 1);

        long t1 = (T0 + 1_234) * 1_000_000L;
        long t2 = (T0 + 2_000) * 1_000_000L;
        String escaped = "cpu,host=a,region=eu,zone=z\\ 1 usage=7.5 " + t1;
        String multi = "cpu,region=eu,host=b  usage=2i,note=\"hi, there\",idle=0.25 " + t2;
        // A record of a late, a malformed and an on-time line: only the late one comes back.
        produceLines(
                p + "-in",
                null,
                escaped
                        + "\nnot a line\n"
                        + "cpu,host=a,region=eu usage=1 "
                        + (T0 + 31_000) * 1_000_000L);
        produceLines(p + "-in", null, multi + "\r\n");
        produceLines(p + "-in", T0 + 3_000, "cpu,host=c,region=us usage=3");

        List<ConsumerRecord<byte[], byte[]>> late =
                EndToEnd.await(
                        "4 late samples in 2 rollups",
                        WAIT,
                        () -> EndToEnd.read(broker.bootstrapServers(), p + "-late"),
                        r -> r.size() >= 8);
        cancelJob();

        Set<String> actual = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : late) {
            actual.add(
                    EndToEnd.utf8(r.headers().lastHeader(LateSampleSerializer.ROLLUP).value())
                            + " | "
                            + EndToEnd.utf8(r.key())
                            + " | "
                            + EndToEnd.utf8(r.value()));
            assertThat(r.headers().lastHeader(LateSampleSerializer.RENDERED)).isNull();
        }
        String usageB = "cpu,region=eu,host=b usage=2i " + t2;
        String idleB = "cpu,region=eu,host=b idle=0.25 " + t2;
        String noTime = "cpu,host=c,region=us usage=3 " + (T0 + 3_000) * 1_000_000L;
        assertThat(late).hasSize(8);
        assertThat(actual)
                .containsExactlyInAnyOrder(
                        "default | cpu,host=a,region=eu,zone=z\\ 1 usage | " + escaped,
                        "default | cpu,host=b,region=eu usage | " + usageB,
                        "default | cpu,host=b,region=eu idle | " + idleB,
                        "default | cpu,host=c,region=us usage | " + noTime,
                        "region | cpu,region=eu usage | " + escaped,
                        "region | cpu,region=eu usage | " + usageB,
                        "region | cpu,region=eu idle | " + idleB,
                        "region | cpu,region=us usage | " + noTime);
        // The malformed line once, although two rollups read it.
        assertThat(EndToEnd.read(broker.bootstrapServers(), p + "-dlq"))
                .extracting(r -> EndToEnd.utf8(r.value()))
                .containsExactly("not a line");
    }

    /** One Kafka record (partition 0) with the record timestamp {@code timestampMs} if given. */
    private static void produceLines(String topic, Long timestampMs, String value) {
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(
                    new ProducerRecord<>(
                            topic, 0, timestampMs, null, value.getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }
    }

    @Test
    void shouldFireWindowsWhileAPartitionIsIdle() throws Exception {
        broker.createTopics(3, "idle-in");
        broker.createTopics(1, "idle-out", "idle-dlq", "idle-late");
        // Partition 2 (series 2, 5, 8) has 5 s of data, then nothing; the others 60 s.
        List<Sample> samples = new ArrayList<>();
        for (Sample s : EndToEnd.series(9, T0, T0 + 60_000, 250)) {
            if (hostOf(s) % 3 != 2 || s.ts() < T0 + 5_000) {
                samples.add(s);
            }
        }
        produceByPartition("idle-in", samples, 3);
        start(args("idle", "--idle-timeout", "2s", "--parallelism", "2"));

        // Without idleness the watermark would stay below 5 s: no window would ever fire.
        List<Map.Entry<String, JsonNode>> results =
                EndToEnd.await(
                        "window [40 s, 50 s) of the 6 active keys",
                        WAIT,
                        () -> results("idle-out"),
                        r -> windowsStartingAt(r, T0 + 40_000) == 6);
        cancelJob();

        Map<String, Stats> expected = new HashMap<>();
        EndToEnd.expected(samples, 10_000, 10_000)
                .forEach(
                        (id, stats) -> {
                            if (Long.parseLong(id.substring(id.indexOf('@') + 1)) <= T0 + 40_000) {
                                expected.put(id, stats);
                            }
                        });
        Map<String, JsonNode> actual = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : results) {
            if (e.getValue().get("window_start").asLong() <= T0 + 40_000) {
                assertThat(actual.put(e.getKey(), e.getValue())).as(e.getKey()).isNull();
            }
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((id, stats) -> stats.check(id, actual.get(id)));
        assertThat(EndToEnd.read(broker.bootstrapServers(), "idle-late")).isEmpty();
    }

    @Test
    void shouldNotFireEarlyWhenAPartitionDeliversAfterTheOthers() throws Exception {
        broker.createTopics(2, "start-in");
        broker.createTopics(1, "start-out", "start-dlq", "start-late");
        List<Sample> all = EndToEnd.series(8, T0, T0 + 60_000, 250);
        List<Sample> first = new ArrayList<>();
        List<Sample> second = new ArrayList<>();
        for (Sample s : all) {
            (hostOf(s) % 2 == 0 ? first : second).add(s);
        }
        EndToEnd.produceFrames(broker.bootstrapServers(), "start-in", 0, first, 40);
        // One reader holds both partitions; partition 1 is empty when the job starts.
        start(args("start", "--parallelism", "1"));

        long end = first.size() / 40;
        EndToEnd.await(
                "partition 0 read and checkpointed",
                WAIT,
                () -> committedOffset("start", new TopicPartition("start-in", 0)),
                offset -> offset >= end);
        Thread.sleep(1_000);
        // Partition 1 was assigned without records: its watermark holds the reader's back (until
        // the 30 s idle timeout), so nothing fired although partition 0 is 60 s ahead.
        assertThat(results("start-out")).isEmpty();

        EndToEnd.produceFrames(broker.bootstrapServers(), "start-in", 1, second, 40);
        flush("start-in", 2);
        List<Map.Entry<String, JsonNode>> results =
                EndToEnd.await(
                        "window [50 s, 60 s) of 8 keys",
                        WAIT,
                        () -> results("start-out"),
                        r -> windowsStartingAt(r, T0 + 50_000) == 8);
        cancelJob();

        Map<String, Stats> expected = EndToEnd.expected(all, 10_000, 10_000);
        Map<String, JsonNode> actual = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : results) {
            assertThat(actual.put(e.getKey(), e.getValue())).as(e.getKey()).isNull();
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((id, stats) -> stats.check(id, actual.get(id)));
        assertThat(EndToEnd.read(broker.bootstrapServers(), "start-late")).isEmpty();
    }

    private static long committedOffset(String group, TopicPartition tp) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            OffsetAndMetadata o =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get()
                            .get(tp);
            return o == null ? -1 : o.offset();
        } catch (Exception e) {
            return -1;
        }
    }
}

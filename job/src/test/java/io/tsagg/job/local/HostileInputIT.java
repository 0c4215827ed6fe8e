package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsagg.job.ExpectedWindows;
import io.tsagg.job.generate.LineProtocolProducer;
import io.tsagg.job.generate.SampleGenerator;
import io.tsagg.job.kafka.DeadLetterSerializationSchema;
import io.tsagg.serde.frame.FrameWriter;
import io.tsagg.serde.ilp.TimestampPrecision;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on the standalone cluster: a corpus of malformed frames (truncated, wrong CRC,
 * wrong magic or version, absurd counts, out-of-range timestamps, tombstones, 900 KB of noise) and
 * malformed lines (1 MB lines, invalid UTF-8, escape abuse, 300 and 10,000 tags, bad numbers,
 * unterminated strings, bad timestamps, NaN) interleaved with generated good data and hostile but
 * valid records (10,000 series in one frame, NaN/Inf values, extreme magnitudes, a timestamp in
 * 2000). Samples far in the future (2100, and 2 hours ahead of the clock, beyond the default {@code
 * --max-future-skew} of 1 hour) come first in a partition and inside good records: they must be
 * dead-lettered ({@code timestamp_in_future}) without moving the watermark, so the good data after
 * them is not late and its windows stay exact. The job must stay up (no restart), dead-letter every
 * bad record or line once with a reason, count every good sample in the results, and report the
 * same numbers in its metrics (read through the REST API).
 */
class HostileInputIT {
    private static final long WINDOW_MS = 10_000;
    private static final long START_MS = 1_767_225_600_000L;

    /**
     * Hostile-but-valid samples go into the first window and early into the stream: they move the
     * watermark like any sample, so a later timestamp would make the generated data late.
     */
    private static final long HOSTILE_TS = START_MS + 1_000;

    private static final long YEAR_2000 = 946_684_800_000L;
    private static final long YEAR_2100 = 4_102_444_800_000L;

    private static KafkaBroker broker;
    private static StandaloneCluster cluster;
    private static Path jar;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(System.getProperty("tsagg.job.jar") != null, "runs in failsafe, after package");
        jar = Path.of(System.getProperty("tsagg.job.jar"));
        broker = KafkaBroker.start();
        cluster =
                StandaloneCluster.start(
                        StandaloneCluster.Options.defaults()
                                .withWorkDir(Path.of("target", "hostile-it"))
                                .withTaskManagers(2, 1)
                                .withTaskManagerMemory("1024m")
                                .withConfig("metrics.fetcher.update-interval", "1000")
                                // Any failure is a finding here: do not hide it by restarting.
                                .withConfig("restart-strategy.type", "none"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** One record of the corpus, good or bad; reasons: null = any non-empty reason. */
    private record Bad(String name, byte[] value, Set<String> reasons) {}

    // ------------------------------------------------------------------ frames

    @Test
    void shouldDeadLetterEveryBadFrameAndCountEveryGoodSample() throws Exception {
        String prefix = "hostile-frame";
        broker.createTopics(2, prefix + "-in");
        broker.createTopics(1, prefix + "-out", prefix + "-dlq", prefix + "-late");
        SampleGenerator generator = new SampleGenerator(100_000, 200, START_MS, 100, 20, 41);
        Map<String, ExpectedWindows.Window> expected = Reliability.expected(generator, WINDOW_MS);
        long goodSamples = generator.samples();

        byte[] valid = frame("hostile,kind=template v", new long[] {HOSTILE_TS}, new double[] {1});
        List<Bad> bad = new ArrayList<>();
        bad.add(new Bad("truncated by 5", Arrays.copyOf(valid, valid.length - 5), null));
        bad.add(new Bad("truncated to half", Arrays.copyOf(valid, valid.length / 2), null));
        bad.add(new Bad("truncated to 10", Arrays.copyOf(valid, 10), null));
        bad.add(new Bad("truncated to 3", Arrays.copyOf(valid, 3), null));
        bad.add(new Bad("empty", new byte[0], null));
        bad.add(new Bad("tombstone", null, Set.of("empty_record")));
        byte[] crc = valid.clone();
        crc[valid.length - 8] ^= 0x40; // a value byte
        bad.add(new Bad("wrong crc", crc, Set.of("bad_crc")));
        bad.add(new Bad("not a frame", utf8("this is not a frame"), null));
        byte[] noise = new byte[900_000];
        new Random(1).nextBytes(noise);
        bad.add(new Bad("900 KB of noise", noise, null));
        byte[] magicNoise = noise.clone();
        System.arraycopy(valid, 0, magicNoise, 0, 8);
        bad.add(new Bad("magic then noise", magicNoise, null));
        bad.add(new Bad("version 99", withInt16(valid, 4, 99), Set.of("unsupported_version")));
        bad.add(new Bad("series count 2^31-1", withInt32(valid, 8, Integer.MAX_VALUE), null));
        bad.add(new Bad("sample count 2^31-1", withInt32(valid, 12, Integer.MAX_VALUE), null));
        bad.add(new Bad("key bytes -1", withInt32(valid, 16, -1), null));
        bad.add(new Bad("frame length 2^31-1", withInt32(valid, 20, Integer.MAX_VALUE), null));
        bad.add(
                new Bad(
                        "timestamp -1",
                        frame(
                                "hostile,kind=neg v",
                                new long[] {HOSTILE_TS, -1},
                                new double[] {1, 2}),
                        Set.of("timestamp_out_of_range")));
        bad.add(
                new Bad(
                        "timestamp Long.MAX_VALUE",
                        frame("hostile,kind=max v", new long[] {Long.MAX_VALUE}, new double[] {1}),
                        Set.of("timestamp_out_of_range")));

        // Hostile but valid: 10,000 series in one frame, non-finite values, huge magnitudes.
        List<byte[]> goodHostile = new ArrayList<>();
        FrameWriter wide = new FrameWriter();
        for (int n = 0; n < 10_000; n++) {
            String key = String.format("hostile,n=%05d v", n);
            wide.addSample(wide.addSeries(key), HOSTILE_TS + n % 1000, n);
            expect(expected, key, HOSTILE_TS + n % 1000, n);
        }
        goodHostile.add(wide.toByteArray());
        goodSamples += 10_000;
        String nf = "hostile,kind=nonfinite v";
        goodHostile.add(
                frame(
                        nf,
                        new long[] {
                            HOSTILE_TS + 1,
                            HOSTILE_TS + 2,
                            HOSTILE_TS + 3,
                            HOSTILE_TS + 4,
                            HOSTILE_TS + 5
                        },
                        new double[] {
                            1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2.5
                        }));
        expect(expected, nf, HOSTILE_TS + 1, 1.0);
        expect(expected, nf, HOSTILE_TS + 5, 2.5);
        goodSamples += 2;
        String huge = "hostile,kind=huge v";
        goodHostile.add(
                frame(
                        huge,
                        new long[] {HOSTILE_TS + 1, HOSTILE_TS + 2, HOSTILE_TS + 3},
                        new double[] {1e300, -1e300, Double.MIN_VALUE}));
        expect(expected, huge, HOSTILE_TS + 1, 1e300);
        expect(expected, huge, HOSTILE_TS + 2, -1e300);
        expect(expected, huge, HOSTILE_TS + 3, Double.MIN_VALUE);
        goodSamples += 3;
        byte[] past = frame("hostile,kind=past v", new long[] {YEAR_2000}, new double[] {7});
        expect(expected, "hostile,kind=past v", YEAR_2000, 7);
        goodSamples += 1;
        // Far-future samples: one frame first in partition 1, one sample inside a good frame.
        List<Bad> dead = new ArrayList<>(bad);
        byte[] future = frame("hostile,kind=future v", new long[] {YEAR_2100}, new double[] {9});
        dead.add(
                new Bad(
                        "sample in 2100",
                        utf8("hostile,kind=future v=9.0 " + YEAR_2100 * 1_000_000L),
                        Set.of("timestamp_in_future")));
        long soon = System.currentTimeMillis() + 2 * 3_600_000L;
        FrameWriter mixedFuture = new FrameWriter();
        mixedFuture.addSample(mixedFuture.addSeries("hostile,kind=mixed v"), HOSTILE_TS + 6, 3);
        mixedFuture.addSample(mixedFuture.addSeries("hostile,kind=soon v"), soon, 4);
        goodHostile.add(mixedFuture.toByteArray());
        expect(expected, "hostile,kind=mixed v", HOSTILE_TS + 6, 3);
        goodSamples += 1;
        dead.add(
                new Bad(
                        "sample 2 h ahead in a good frame",
                        utf8("hostile,kind=soon v=4.0 " + soon * 1_000_000L),
                        Set.of("timestamp_in_future")));

        byte[] sentinel =
                frame(
                        Reliability.SENTINEL_KEY,
                        new long[] {Reliability.lastTimestamp(generator) + 6 * WINDOW_MS},
                        new double[] {0});
        List<byte[]> good = new ArrayList<>();
        generator.forEachFrame(500, (f, n) -> good.add(f));
        long records = produce(prefix + "-in", past, good, goodHostile, bad, sentinel, future);
        goodSamples += 2; // sentinels

        String jobId = cluster.submit(jar, Reliability.jobArgs(broker, prefix, WINDOW_MS, 2));
        check(
                prefix,
                jobId,
                expected,
                dead,
                Map.of(
                        "recordsIn",
                        records,
                        "samplesIn",
                        goodSamples,
                        "malformedRecords",
                        (long) bad.size(),
                        "nonFiniteValues",
                        3L,
                        "futureSamples",
                        2L));
    }

    // ------------------------------------------------------------------ line protocol

    @Test
    void shouldDeadLetterEveryBadLineAndCountEveryGoodSample() throws Exception {
        String prefix = "hostile-ilp";
        broker.createTopics(2, prefix + "-in");
        broker.createTopics(1, prefix + "-out", prefix + "-dlq", prefix + "-late");
        SampleGenerator generator = new SampleGenerator(100_000, 200, START_MS, 100, 20, 43);
        Map<String, ExpectedWindows.Window> expected = Reliability.expected(generator, WINDOW_MS);
        long goodSamples = generator.samples();
        long t = HOSTILE_TS * 1_000_000L;

        List<Bad> bad = new ArrayList<>();
        bad.add(
                new Bad(
                        "1 MB line",
                        utf8("cpu,host=" + "a".repeat(1_000_000) + " v=1 " + t),
                        Set.of("line_too_long")));
        byte[] badUtf8 = utf8("cpu,host=\u0001\u0001 v=1 " + t);
        badUtf8[9] = (byte) 0xC3;
        badUtf8[10] = (byte) 0x28;
        bad.add(new Bad("invalid UTF-8", badUtf8, Set.of("bad_utf8")));
        bad.add(new Bad("backslash at the end", utf8("cpu,host=a\\"), Set.of("bad_escape")));
        StringBuilder tags = new StringBuilder("cpu");
        for (int i = 0; i < 10_000; i++) {
            tags.append(",t").append(i).append("=v");
        }
        bad.add(
                new Bad(
                        "10,000 tags",
                        utf8(tags + " v=1 " + t),
                        Set.of("too_many_tags", "line_too_long")));
        StringBuilder tags300 = new StringBuilder("cpu");
        for (int i = 0; i < 300; i++) {
            tags300.append(",t").append(i).append("=v");
        }
        bad.add(new Bad("300 tags", utf8(tags300 + " v=1 " + t), Set.of("too_many_tags")));
        bad.add(new Bad("duplicate tag", utf8("cpu,a=1,a=2 v=1 " + t), Set.of("duplicate_tag")));
        bad.add(new Bad("tag without =", utf8("cpu,host v=1 " + t), Set.of("bad_tag")));
        bad.add(new Bad("no fields", utf8("cpu,host=a"), Set.of("missing_fields")));
        bad.add(new Bad("no measurement", utf8(",host=a v=1 " + t), Set.of("missing_measurement")));
        bad.add(new Bad("word value", utf8("cpu,host=a v=abc " + t), Set.of("bad_field_value")));
        bad.add(
                new Bad(
                        "int64 overflow",
                        utf8("cpu,host=a v=99999999999999999999i " + t),
                        Set.of("bad_number")));
        bad.add(
                new Bad(
                        "unterminated string",
                        utf8("cpu,host=a s=\"abc " + t),
                        Set.of("unterminated_string")));
        bad.add(new Bad("bad timestamp", utf8("cpu,host=a v=1 12ab"), Set.of("bad_timestamp")));
        bad.add(
                new Bad(
                        "negative timestamp",
                        utf8("cpu,host=a v=1 -5"),
                        Set.of("timestamp_out_of_range")));
        bad.add(new Bad("NaN", utf8("cpu,host=a v=NaN " + t), null));
        bad.add(new Bad("escaped =", utf8("cpu,host=a\\=b=c=d v=1 " + t), null));
        bad.add(new Bad("tombstone", null, Set.of("empty_record")));

        List<byte[]> goodHostile = new ArrayList<>();
        // Escape abuse that is valid: escaped comma, space and equals, a literal backslash.
        goodHostile.add(utf8("hostile\\,m\\ x,t\\ k\\=1=v\\,1\\ 2\\\\ f\\=x=1.5 " + t));
        goodSamples += 1;
        goodHostile.add(utf8("hostile_nf,host=a v=1e999,w=2.5,x=-1e999 " + t));
        expect(expected, "hostile_nf,host=a w", HOSTILE_TS, 2.5);
        goodSamples += 1;
        goodHostile.add(utf8("hostile_s,host=a s=\"x y\",b=true,n=3i " + (t + 1_000_000)));
        expect(expected, "hostile_s,host=a n", HOSTILE_TS + 1, 3);
        goodSamples += 1;
        // Good and bad lines in one record: the good ones count, the bad one is dead-lettered.
        String mixedBad = "hostile_mixed,host=a v=oops " + t;
        goodHostile.add(
                utf8(
                        "hostile_mixed,host=a v=1 "
                                + t
                                + "\n"
                                + mixedBad
                                + "\n\n# comment\nhostile_mixed,host=a v=2 "
                                + (t + 2_000_000)
                                + "\n"));
        expect(expected, "hostile_mixed,host=a v", HOSTILE_TS, 1);
        expect(expected, "hostile_mixed,host=a v", HOSTILE_TS + 2, 2);
        goodSamples += 2;
        Bad mixed = new Bad("bad line in a good record", utf8(mixedBad), Set.of("bad_field_value"));

        byte[] past = utf8("hostile_past,host=a v=7 " + YEAR_2000 * 1_000_000L);
        expect(expected, "hostile_past,host=a v", YEAR_2000, 7);
        goodSamples += 1;
        // Far-future lines: one record first in partition 1, one line inside a good record.
        byte[] future = utf8("hostile_future,host=a v=9 " + YEAR_2100 * 1_000_000L);
        long soon = (System.currentTimeMillis() + 2 * 3_600_000L) * 1_000_000L;
        String soonLine = "hostile_soon,host=b v=2,w=3 " + soon;
        goodHostile.add(utf8("hostile_soon,host=a v=1 " + t + "\n" + soonLine));
        expect(expected, "hostile_soon,host=a v", HOSTILE_TS, 1);
        goodSamples += 1;
        byte[] sentinel =
                utf8(
                        "tsagg_sentinel,host=none flush=0 "
                                + (Reliability.lastTimestamp(generator) + 6 * WINDOW_MS)
                                        * 1_000_000L);
        List<byte[]> good = new ArrayList<>();
        LineProtocolProducer.forEachRecord(
                generator, 200, TimestampPrecision.NANOSECONDS, (r, n) -> good.add(r));
        long records = produce(prefix + "-in", past, good, goodHostile, bad, sentinel, future);
        goodSamples += 2; // sentinels
        List<Bad> allBad = new ArrayList<>(bad);
        allBad.add(mixed);
        long malformedLines = allBad.size() - 1; // not the tombstone
        allBad.add(new Bad("line in 2100", future, Set.of("timestamp_in_future")));
        allBad.add(
                new Bad(
                        "line 2 h ahead in a good record",
                        utf8(soonLine),
                        Set.of("timestamp_in_future")));

        String jobId =
                cluster.submit(
                        jar, Reliability.jobArgs(broker, prefix, WINDOW_MS, 2, "--format", "ilp"));
        Map<String, List<JsonNode>> actual =
                check(
                        prefix,
                        jobId,
                        expected,
                        allBad,
                        Map.of(
                                "recordsIn",
                                records,
                                "samplesIn",
                                goodSamples,
                                "malformedLines",
                                malformedLines,
                                "nonFiniteValues",
                                2L,
                                "nonNumericFields",
                                2L,
                                "futureSamples",
                                3L));
        assertThat(actual).hasSize(expected.size() + 1);
    }

    // ------------------------------------------------------------------ shared

    /**
     * Runs until every expected window is committed and the metrics reached the expected values,
     * then compares results, dead letters and metrics. Allows one extra result key starting with
     * {@code hostile\,m} (the escape-abuse line, whose canonical key the test does not recompute).
     */
    private Map<String, List<JsonNode>> check(
            String prefix,
            String jobId,
            Map<String, ExpectedWindows.Window> expected,
            List<Bad> bad,
            Map<String, Long> metrics)
            throws Exception {
        try {
            return checkRunning(prefix, jobId, expected, bad, metrics);
        } finally {
            // Free the slots for the next test, whatever happened.
            if (!cluster.jobStatus(jobId).equals("CANCELED")) {
                cluster.cancel(jobId);
                cluster.awaitJobStatus(jobId, "CANCELED", Duration.ofMinutes(1));
            }
        }
    }

    private Map<String, List<JsonNode>> checkRunning(
            String prefix,
            String jobId,
            Map<String, ExpectedWindows.Window> expected,
            List<Bad> bad,
            Map<String, Long> metrics)
            throws Exception {
        long t0 = System.nanoTime();
        cluster.awaitAllTasksRunning(jobId, Duration.ofMinutes(1));
        Map<String, List<JsonNode>> actual =
                Reliability.awaitResults(
                        broker,
                        prefix + "-out",
                        expected.size(),
                        Duration.ofMinutes(3),
                        Duration.ofSeconds(3));
        Map<String, Long> measured = awaitMetrics(jobId, metrics, Duration.ofSeconds(60));
        String status = cluster.jobStatus(jobId);
        JsonNode exceptions = cluster.rest("/jobs/" + jobId + "/exceptions");
        System.out.printf(
                "%s: %d results (%d expected), metrics %s, job %s, %.1f s%n",
                prefix,
                actual.size(),
                expected.size(),
                measured,
                status,
                (System.nanoTime() - t0) / 1e9);
        assertThat(status).as("job stays up").isEqualTo("RUNNING");
        assertThat(exceptions.path("exceptionHistory").path("entries").size())
                .as("no failure: %s", exceptions)
                .isZero();

        // Dead letters: each bad record (or line) once, with an acceptable reason.
        Map<String, String> reasons = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> d :
                TopicReader.readCommitted(
                        broker.bootstrapServers(), new Properties(), prefix + "-dlq")) {
            String id = payloadId(d.value());
            // Several bad records with the same bytes (a tombstone and an empty value): keep the
            // reasons of all.
            reasons.merge(
                    id,
                    header(d, DeadLetterSerializationSchema.REASON),
                    (a, b) -> a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a);
            seen.merge(id, 1, Integer::sum);
        }
        Map<String, String> report = new TreeMap<>();
        Map<String, Integer> sent = new HashMap<>();
        for (Bad b : bad) {
            sent.merge(payloadId(b.value()), 1, Integer::sum);
        }
        for (Bad b : bad) {
            String id = payloadId(b.value());
            String reason = reasons.get(id);
            report.put(b.name(), reason);
            assertThat(seen.getOrDefault(id, 0))
                    .as("dead letters of '%s'", b.name())
                    .isEqualTo(sent.get(id));
            assertThat(reason).as("reason of '%s'", b.name()).isNotBlank();
            if (b.reasons() != null) {
                assertThat(List.of(reason.split("\\|")))
                        .as("reason of '%s'", b.name())
                        .containsAnyElementsOf(b.reasons());
            }
        }
        System.out.printf("%s: dead-letter reasons %s%n", prefix, report);
        assertThat(seen.values().stream().mapToInt(Integer::intValue).sum())
                .as("no other dead letters")
                .isEqualTo(bad.size());
        assertThat(
                        TopicReader.readCommitted(
                                broker.bootstrapServers(), new Properties(), prefix + "-late"))
                .as("late samples")
                .isEmpty();

        // Results: every expected window exactly.
        Map<String, List<JsonNode>> known = new LinkedHashMap<>(actual);
        known.keySet().removeIf(k -> k.startsWith("hostile\\,m"));
        for (Map.Entry<String, List<JsonNode>> e : actual.entrySet()) {
            if (e.getKey().startsWith("hostile\\,m")) {
                System.out.printf("%s: escape-abuse result %s%n", prefix, e.getValue());
                assertThat(e.getValue()).hasSize(1);
                assertThat(e.getValue().get(0).get("count").asLong()).isEqualTo(1);
            }
        }
        Map<String, ExpectedWindows.Window> exact = new HashMap<>(expected);
        String hugeId = "hostile,kind=huge v@" + Math.floorDiv(HOSTILE_TS, WINDOW_MS) * WINDOW_MS;
        ExpectedWindows.Window hugeExpected = exact.remove(hugeId);
        List<JsonNode> hugeActual = known.remove(hugeId);
        if (hugeExpected != null) {
            System.out.printf("%s: extreme magnitudes gave %s%n", prefix, hugeActual);
            assertThat(hugeActual).hasSize(1);
            JsonNode h = hugeActual.get(0);
            assertThat(h.get("count").asLong()).isEqualTo(3);
            assertThat(h.get("min").asDouble()).isEqualTo(-1e300);
            assertThat(h.get("max").asDouble()).isEqualTo(1e300);
        }
        Reliability.assertExactlyOnce(exact, known);

        // Metrics equal what the test produced.
        assertThat(measured).isEqualTo(metrics);
        return actual;
    }

    /** Sums of the source's counters over its subtasks, once they equal {@code want}. */
    private Map<String, Long> awaitMetrics(String jobId, Map<String, Long> want, Duration timeout)
            throws Exception {
        String vertex = cluster.rest("/jobs/" + jobId).path("vertices").get(0).path("id").asText();
        String base = "/jobs/" + jobId + "/vertices/" + vertex + "/subtasks/metrics";
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> got = new TreeMap<>();
        while (true) {
            Map<String, String> ids = new HashMap<>();
            for (JsonNode m : cluster.rest(base)) {
                String id = m.path("id").asText();
                for (String name : want.keySet()) {
                    if (id.endsWith("." + name)) {
                        ids.put(name, id);
                    }
                }
            }
            got.clear();
            if (ids.size() == want.size()) {
                JsonNode values = cluster.rest(base + "?get=" + String.join(",", ids.values()));
                for (JsonNode v : values) {
                    for (Map.Entry<String, String> e : ids.entrySet()) {
                        if (e.getValue().equals(v.path("id").asText())) {
                            got.put(e.getKey(), Math.round(v.path("sum").asDouble()));
                        }
                    }
                }
            }
            if (got.equals(want) || System.nanoTime() > deadline) {
                return new TreeMap<>(got);
            }
            Thread.sleep(500);
        }
    }

    /**
     * Produces the corpus: {@code past} first on partition 0 and {@code future} first on partition
     * 1 (if it moved the watermark, everything after it in that partition would be late), then the
     * good records round-robin with a hostile-good or bad record after every 5th, and the sentinel
     * on every partition. Returns the number of records.
     */
    private static long produce(
            String topic,
            byte[] past,
            List<byte[]> good,
            List<byte[]> goodHostile,
            List<Bad> bad,
            byte[] sentinel,
            byte[] future)
            throws Exception {
        List<byte[]> extras = new ArrayList<>(goodHostile);
        List<byte[]> badValues = new ArrayList<>();
        for (Bad b : bad) {
            badValues.add(b.value());
        }
        // Hostile-good ones early (their samples must not be late), bad ones spread after them.
        extras.addAll(badValues);
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.put("max.request.size", "2000000");
        p.put("acks", "all");
        long records = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, 0, null, null, past)).get();
            records++;
            producer.send(new ProducerRecord<>(topic, 1, null, null, future)).get();
            records++;
            int next = 0;
            for (int i = 0; i < good.size(); i++) {
                int partition = i % 2;
                producer.send(new ProducerRecord<>(topic, partition, null, null, good.get(i)));
                records++;
                if (i % 5 == 4 && next < extras.size()) {
                    producer.send(
                                    new ProducerRecord<>(
                                            topic, partition, null, null, extras.get(next++)))
                            .get();
                    records++;
                }
            }
            while (next < extras.size()) {
                producer.send(new ProducerRecord<>(topic, 0, null, null, extras.get(next++))).get();
                records++;
            }
            for (int partition = 0; partition < 2; partition++) {
                producer.send(new ProducerRecord<>(topic, partition, null, null, sentinel)).get();
                records++;
            }
        }
        return records;
    }

    private static void expect(
            Map<String, ExpectedWindows.Window> expected, String key, long ts, double v) {
        long start = Math.floorDiv(ts, WINDOW_MS) * WINDOW_MS;
        expected.computeIfAbsent(key + "@" + start, k -> new ExpectedWindows.Window()).add(ts, v);
    }

    private static byte[] frame(String key, long[] ts, double[] values) {
        FrameWriter w = new FrameWriter();
        int s = w.addSeries(key);
        for (int i = 0; i < ts.length; i++) {
            w.addSample(s, ts[i], values[i]);
        }
        return w.toByteArray();
    }

    private static byte[] withInt16(byte[] frame, int offset, int value) {
        byte[] copy = frame.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putShort(offset, (short) value);
        return copy;
    }

    private static byte[] withInt32(byte[] frame, int offset, int value) {
        byte[] copy = frame.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return copy;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A tombstone's dead letter has an empty value (DeadLetter keeps no null payload). */
    private static String payloadId(byte[] value) {
        if (value == null) {
            value = new byte[0];
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(value);
            return Base64.getEncoder().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}

package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsagg.job.ExpectedWindows;
import io.tsagg.job.generate.SampleGenerator;
import io.tsagg.serde.frame.FrameWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A cardinality explosion against a small managed-memory budget ({@code
 * taskmanager.memory.managed.size}, default {@code 4m} per TaskManager, 2 TaskManagers x 1 slot):
 * 200 steady series over 100 s of event time, and in the window [20 s, 30 s) a burst of {@code
 * tsagg.memory.series} (default 120,000) new series. The degradation policy: new keys are refused
 * (dead-letter reason {@code state_memory_exhausted}, metric {@code refusedSamples}) once only the
 * reserve of the pool is free, while keys that have state keep opening panes. So:
 *
 * <ul>
 *   <li>every window of the steady series, before and after the burst, is complete and exact
 *       (against an independent computation), and none of their samples is refused;
 *   <li>only burst series are refused; per (key, window) result count + refused = produced, and
 *       windows without refusals are exact; {@code refusedSamples} equals the samples of the
 *       refused dead letters (one per sample, or one per partial summary of the pre-aggregator);
 *   <li>no failover, no TaskManager lost, no OutOfMemoryError; the pool gauge is back to the
 *       sentinel's pane once the windows fired, and after cancel the TaskManagers report no managed
 *       memory in use ({@code Status.Flink.Memory.Managed.Used} = 0) and log no leak;
 *   <li>with {@code --key-refresh 10s}, the window operators hold the names of at most the steady
 *       series and the sentinel once the windows fired ({@code liveKeys}): the burst's keys are
 *       forgotten, not kept on the heap for the job's lifetime.
 * </ul>
 *
 * <pre>
 * mvn -B -o -pl job -am verify -Dit.test=MemoryLimitIT -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtsagg.memory.series=2000000 -Dtsagg.memory.managed=16m
 * </pre>
 */
class MemoryLimitIT {
    private static final long WINDOW_MS = 10_000;
    private static final long START_MS = 1_767_225_600_000L;
    private static final String REFUSED = "state_memory_exhausted";
    private static final String BURST_PREFIX = "explode,id=";
    private static final String MANAGED_USED = "Status.Flink.Memory.Managed.Used";

    /** A refused partial summary line: {@code <series> <field>_count=<n>,<field>_sum=...}. */
    private static final Pattern PARTIAL = Pattern.compile(" ([^ =,]+)_count=(\\d+)[,i ]");

    @Test
    void shouldRefuseNewSeriesAndKeepExistingSeriesExactWhenManagedMemoryRunsOut()
            throws Exception {
        assumeTrue(System.getProperty("tsagg.job.jar") != null, "runs in failsafe, after package");
        Path jar = Path.of(System.getProperty("tsagg.job.jar"));
        int burst = Integer.parseInt(Reliability.intProperty("tsagg.memory.series", "120000"));
        String managed = Reliability.intProperty("tsagg.memory.managed", "4m");
        String prefix = "memory";
        long t0 = System.nanoTime();
        // The broker starts while the test generates its data and starts the cluster.
        CompletableFuture<KafkaBroker> brokerStart =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return KafkaBroker.start();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
        try {
            // 200 series, 100 ms step: 1,000 ticks = 100 s.
            SampleGenerator generator = new SampleGenerator(200_000, 200, START_MS, 100, 20, 51);
            Map<String, ExpectedWindows.Window> expected =
                    Reliability.expected(generator, WINDOW_MS);
            long burstTs = START_MS + 25_000;

            List<byte[]> records = new ArrayList<>();
            generator.forEachFrame(500, (f, n) -> records.add(f));
            // The burst goes in once the steady series are at ~22 s (their 20 s panes exist).
            int burstAt = (int) (records.size() * 0.22);
            List<byte[]> burstFrames = new ArrayList<>();
            FrameWriter w = new FrameWriter();
            for (int i = 0; i < burst; i++) {
                String key = String.format(BURST_PREFIX + "%07d v", i);
                long ts = burstTs + i % 1000;
                w.addSample(w.addSeries(key), ts, i);
                long start = Math.floorDiv(ts, WINDOW_MS) * WINDOW_MS;
                expected.computeIfAbsent(key + "@" + start, k -> new ExpectedWindows.Window())
                        .add(ts, i);
                if (w.sampleCount() == 1000) {
                    burstFrames.add(w.toByteArray());
                    w.reset();
                }
            }
            if (w.sampleCount() > 0) {
                burstFrames.add(w.toByteArray());
            }
            records.addAll(burstAt, burstFrames);
            FrameWriter s = new FrameWriter();
            s.addSample(
                    s.addSeries(Reliability.SENTINEL_KEY),
                    Reliability.lastTimestamp(generator) + 6 * WINDOW_MS,
                    0);
            StandaloneCluster cluster =
                    StandaloneCluster.start(
                            StandaloneCluster.Options.defaults()
                                    .withWorkDir(Path.of("target", "memory-it"))
                                    .withTaskManagers(2, 1)
                                    .withTaskManagerMemory("1024m")
                                    .withConfig("taskmanager.memory.managed.size", managed)
                                    .withConfig("metrics.fetcher.update-interval", "1000")
                                    .withConfig("restart-strategy.type", "none"));
            try (cluster) {
                KafkaBroker broker = brokerStart.join();
                broker.createTopics(2, prefix + "-in");
                broker.createTopics(1, prefix + "-out", prefix + "-dlq", prefix + "-late");
                produce(broker, prefix + "-in", records, s.toByteArray());
                System.out.printf(
                        "%s: produced %,d records (%,d burst series), managed memory %s per"
                                + " TaskManager, %.1f s%n",
                        prefix, records.size(), burst, managed, (System.nanoTime() - t0) / 1e9);

                String jobId =
                        cluster.submit(
                                jar,
                                Reliability.jobArgs(
                                        broker, prefix, WINDOW_MS, 2, "--key-refresh", "10s"));
                cluster.awaitAllTasksRunning(jobId, Duration.ofMinutes(1));

                // Read results as they are committed until the steady series' last window is there
                // (every window fired), and a few seconds more for anything extra.
                String lastWindow =
                        generator.seriesKey(0)
                                + "@"
                                + Math.floorDiv(Reliability.lastTimestamp(generator), WINDOW_MS)
                                        * WINDOW_MS;
                Map<String, List<JsonNode>> results =
                        readCommittedUntil(
                                broker.bootstrapServers(),
                                prefix + "-out",
                                lastWindow,
                                Duration.ofMinutes(Math.max(3, burst / 200_000)),
                                Duration.ofSeconds(3),
                                cluster,
                                jobId);
                Map<String, Long> gauges =
                        metrics(
                                cluster,
                                jobId,
                                1,
                                List.of(
                                        "refusedSamples",
                                        "poolPagesInUse",
                                        "poolPagesHighWater",
                                        "poolPagesBudget",
                                        "liveKeys"));
                long managedUsedRunning = managedMemoryUsed(cluster);
                String status = cluster.jobStatus(jobId);
                JsonNode exceptions = cluster.rest("/jobs/" + jobId + "/exceptions");

                // Refused samples by (key, window), from the dead letters (line protocol).
                Map<String, Integer> refused = new HashMap<>();
                long[] refusedSamples = {0};
                Map<String, Integer> otherReasons = new TreeMap<>();
                // Streamed: a long run has millions of dead letters.
                TopicReader.forEachCommitted(
                        broker.bootstrapServers(),
                        new Properties(),
                        prefix + "-dlq",
                        Duration.ofMinutes(Math.max(2, burst / 200_000)),
                        d -> {
                            String reason =
                                    new String(
                                            d.headers().lastHeader("tsagg.reason").value(),
                                            StandardCharsets.UTF_8);
                            if (!reason.equals(REFUSED)) {
                                otherReasons.merge(reason, 1, Integer::sum);
                                return;
                            }
                            String line = new String(d.value(), StandardCharsets.UTF_8);
                            long ts =
                                    Long.parseLong(line.substring(line.lastIndexOf(' ') + 1))
                                            / 1_000_000L;
                            String key;
                            int samples;
                            Matcher partial = PARTIAL.matcher(line);
                            if (partial.find()) {
                                // A refused partial summary (pre-aggregation): one line for its
                                // samples.
                                key = line.substring(0, partial.start()) + " " + partial.group(1);
                                samples = Integer.parseInt(partial.group(2));
                            } else {
                                // A refused sample: "<series key>=<value> <ns>".
                                key = line.substring(0, line.lastIndexOf('='));
                                samples = 1;
                            }
                            refused.merge(
                                    key + "@" + Math.floorDiv(ts, WINDOW_MS) * WINDOW_MS,
                                    samples,
                                    Integer::sum);
                            refusedSamples[0] += samples;
                        });
                long refusedTotal = refusedSamples[0];
                System.out.printf(
                        "%s: job %s, %d results, %,d refused samples in dead letters, gauges %s,"
                                + " managed memory used %,d bytes, %.1f s%n",
                        prefix,
                        status,
                        results.size(),
                        refusedTotal,
                        gauges,
                        managedUsedRunning,
                        (System.nanoTime() - t0) / 1e9);
                cluster.cancel(jobId);
                cluster.awaitJobStatus(jobId, "CANCELED", Duration.ofMinutes(1));
                long managedUsedAfter = awaitManagedMemoryReleased(cluster, Duration.ofSeconds(20));

                assertThat(status).isEqualTo("RUNNING");
                assertThat(exceptions.path("exceptionHistory").path("entries").size())
                        .as("no failure: %s", exceptions)
                        .isZero();
                for (int i = 0; i < cluster.taskManagerCount(); i++) {
                    assertThat(cluster.isTaskManagerRunning(i)).as("TaskManager %d", i).isTrue();
                }
                assertThat(otherReasons).as("other dead letters").isEmpty();
                assertThat(refusedTotal).as("the budget was exceeded").isPositive();
                assertThat(gauges.get("refusedSamples")).isEqualTo(refusedTotal);
                // Only new series are refused: the burst's, and possibly the sentinel (a new key
                // too, if it arrives while the burst's pane still holds the pool).
                Map<String, Integer> refusedOthers = new TreeMap<>(refused);
                refusedOthers
                        .keySet()
                        .removeIf(
                                id ->
                                        id.startsWith(BURST_PREFIX)
                                                || id.startsWith(Reliability.SENTINEL_KEY + "@"));
                assertThat(refusedOthers)
                        .as("refused samples of series older than the burst")
                        .isEmpty();

                // The series that existed before the burst: every window complete and exact.
                Map<String, ExpectedWindows.Window> steady = new HashMap<>();
                Map<String, List<JsonNode>> steadyResults = new HashMap<>();
                for (Map.Entry<String, ExpectedWindows.Window> e : expected.entrySet()) {
                    if (!e.getKey().startsWith(BURST_PREFIX)) {
                        steady.put(e.getKey(), e.getValue());
                        if (results.containsKey(e.getKey())) {
                            steadyResults.put(e.getKey(), results.get(e.getKey()));
                        }
                    }
                }
                Reliability.assertExactlyOnce(steady, steadyResults);

                // Burst series: every sample is in a result or refused; windows without refusals
                // are exact.
                int exact = 0;
                int partial = 0;
                int burstWindows = 0;
                List<String> problems = new ArrayList<>();
                for (Map.Entry<String, ExpectedWindows.Window> e : expected.entrySet()) {
                    String id = e.getKey();
                    if (!id.startsWith(BURST_PREFIX)) {
                        continue;
                    }
                    burstWindows++;
                    int n = e.getValue().count();
                    int r = refused.getOrDefault(id, 0);
                    List<JsonNode> got = results.get(id);
                    long counted = got == null ? 0 : got.get(0).get("count").asLong();
                    if (got != null && got.size() > 1) {
                        problems.add(id + " emitted " + got.size() + " times");
                    }
                    if (counted + r != n) {
                        problems.add(
                                id + ": " + counted + " in results + " + r + " refused != " + n);
                    } else if (r == 0) {
                        e.getValue().check(id, got.get(0));
                        exact++;
                    } else {
                        partial++;
                    }
                }
                Set<String> unexpected = new HashSet<>(results.keySet());
                unexpected.removeAll(expected.keySet());
                System.out.printf(
                        "%s: steady series %d of %d windows exact; burst series %d of %d windows"
                                + " exact, %d refused, %d problems; liveKeys %d; %.1f s%n",
                        prefix,
                        steadyResults.size(),
                        steady.size(),
                        exact,
                        burstWindows,
                        partial,
                        problems.size(),
                        gauges.get("liveKeys"),
                        (System.nanoTime() - t0) / 1e9);
                assertThat(problems).as("accounting").isEmpty();
                assertThat(unexpected).as("results of no produced (key, window)").isEmpty();
                // State released once the windows fired: only the sentinel's pane may remain.
                assertThat(gauges.get("poolPagesInUse"))
                        .as("pool pages in use")
                        .isLessThanOrEqualTo(4);
                assertThat(gauges.get("poolPagesHighWater"))
                        .as("the pool was used up to its reserve")
                        .isGreaterThan(gauges.get("poolPagesBudget") / 2);
                // The burst's keys forgotten once the watermark passed their last announcement
                // (--key-refresh 10s) plus the window: the names of series that went quiet do not
                // stay on the heap (RELIABILITY.md, finding 2).
                assertThat(gauges.get("liveKeys"))
                        .as("interned keys after every window fired")
                        .isLessThanOrEqualTo(200 + 1);
                assertThat(managedUsedRunning)
                        .as("managed memory in use while running")
                        .isPositive();
                assertThat(managedUsedAfter).as("managed memory in use after cancel").isZero();

                List<String> logProblems = new ArrayList<>();
                try (Stream<Path> logs = Files.list(cluster.logDir())) {
                    for (Path log : logs.toList()) {
                        for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                            if (line.contains("OutOfMemoryError")
                                    || line.toLowerCase().contains("memory leak")
                                    || line.contains("Not all slot managed memory is freed")) {
                                logProblems.add(log.getFileName() + ": " + line);
                            }
                        }
                    }
                }
                assertThat(logProblems).as("log lines about memory").isEmpty();
            }
        } finally {
            KafkaBroker broker = brokerStart.handle((b, e) -> b).join();
            if (broker != null) {
                broker.close();
            }
        }
    }

    /**
     * Committed results by "key@window_start" (duplicates kept), read incrementally (each record
     * once) until {@code until} is among them, then for {@code settle} more; the job must stay
     * RUNNING meanwhile.
     */
    private static Map<String, List<JsonNode>> readCommittedUntil(
            String bootstrap,
            String topic,
            String until,
            Duration timeout,
            Duration settle,
            StandaloneCluster cluster,
            String jobId)
            throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("max.poll.records", "10000");
        Map<String, List<JsonNode>> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (var info : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            assertThat(parts).as("partitions of %s", topic).isNotEmpty();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            long settleUntil = Long.MAX_VALUE;
            long lastCheck = 0;
            while (System.nanoTime() < Math.min(deadline, settleUntil)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    JsonNode node = Reliability.JSON.readTree(r.value());
                    String id = node.get("key").asText() + "@" + node.get("window_start").asLong();
                    out.computeIfAbsent(id, k -> new ArrayList<>()).add(node);
                }
                if (settleUntil == Long.MAX_VALUE && out.containsKey(until)) {
                    settleUntil = System.nanoTime() + settle.toNanos();
                }
                if (System.nanoTime() - lastCheck > 2_000_000_000L) {
                    assertThat(cluster.jobStatus(jobId)).as("job").isEqualTo("RUNNING");
                    lastCheck = System.nanoTime();
                }
            }
        }
        return out;
    }

    /** Sum over the TaskManagers of {@value #MANAGED_USED}, in bytes. */
    private static long managedMemoryUsed(StandaloneCluster cluster) throws Exception {
        long sum = 0;
        int found = 0;
        for (JsonNode tm : cluster.rest("/taskmanagers").path("taskmanagers")) {
            String id = tm.path("id").asText();
            for (JsonNode m :
                    cluster.rest("/taskmanagers/" + id + "/metrics?get=" + MANAGED_USED)) {
                sum += Long.parseLong(m.path("value").asText());
                found++;
            }
        }
        assertThat(found).as("%s of every TaskManager", MANAGED_USED).isEqualTo(2);
        return sum;
    }

    /** Polls {@link #managedMemoryUsed} until it is 0 or the timeout passed; returns the last. */
    private static long awaitManagedMemoryReleased(StandaloneCluster cluster, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long used = managedMemoryUsed(cluster);
        while (used != 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            used = managedMemoryUsed(cluster);
        }
        return used;
    }

    /** Sums over the subtasks of the vertex {@code index} of the named operator metrics. */
    static Map<String, Long> metrics(
            StandaloneCluster cluster, String jobId, int index, List<String> names)
            throws Exception {
        String vertex =
                cluster.rest("/jobs/" + jobId).path("vertices").get(index).path("id").asText();
        String base = "/jobs/" + jobId + "/vertices/" + vertex + "/subtasks/metrics";
        Map<String, Long> got = new TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (got.size() < names.size() && System.nanoTime() < deadline) {
            Map<String, String> ids = new HashMap<>();
            for (JsonNode m : cluster.rest(base)) {
                String id = m.path("id").asText();
                for (String name : names) {
                    if (id.endsWith("." + name)) {
                        ids.put(id, name);
                    }
                }
            }
            if (!ids.isEmpty()) {
                for (JsonNode v : cluster.rest(base + "?get=" + String.join(",", ids.keySet()))) {
                    got.put(ids.get(v.path("id").asText()), Math.round(v.path("sum").asDouble()));
                }
            }
            if (got.size() < names.size()) {
                Thread.sleep(1000);
            }
        }
        return got;
    }

    private static void produce(
            KafkaBroker broker, String topic, List<byte[]> records, byte[] sentinel)
            throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.put("linger.ms", "5");
        p.put("acks", "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < records.size(); i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, null, records.get(i)));
            }
            for (int partition = 0; partition < 2; partition++) {
                producer.send(new ProducerRecord<>(topic, partition, null, null, sentinel));
            }
            producer.flush();
        }
    }
}

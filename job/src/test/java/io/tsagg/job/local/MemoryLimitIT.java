package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tsagg.job.ExpectedWindows;
import io.tsagg.job.generate.SampleGenerator;
import io.tsagg.serde.frame.FrameWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A cardinality explosion against a small managed-memory budget ({@code
 * taskmanager.memory.managed.size: 16m}, 2 TaskManagers x 1 slot): 200 steady series over 100 s of
 * event time, and in the window [20 s, 30 s) a burst of {@code tsagg.memory.series} (default
 * 400,000) distinct series. The job must not fail or lose a TaskManager; every sample is either in
 * a result or refused to the dead-letter topic with reason {@code state_memory_exhausted} (per
 * (key, window): result count + refused = produced); (key, window)s without refusals are exact; the
 * {@code refusedSamples} metric equals the refused dead letters; after the windows fired the pool
 * gauges are back near zero, and after cancel no TaskManager logs a managed-memory leak.
 *
 * <pre>
 * mvn -B -o -pl job -am verify -Dit.test=MemoryLimitIT -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dtsagg.memory.series=2000000
 * </pre>
 */
class MemoryLimitIT {
    private static final long WINDOW_MS = 10_000;
    private static final long START_MS = 1_767_225_600_000L;
    private static final String REFUSED = "state_memory_exhausted";

    @Test
    void shouldRefuseNewSeriesWhenManagedMemoryRunsOutAndStayUp() throws Exception {
        assumeTrue(System.getProperty("tsagg.job.jar") != null, "runs in failsafe, after package");
        Path jar = Path.of(System.getProperty("tsagg.job.jar"));
        int burst = Integer.parseInt(Reliability.intProperty("tsagg.memory.series", "400000"));
        String prefix = "memory";
        long t0 = System.nanoTime();
        try (KafkaBroker broker = KafkaBroker.start();
                StandaloneCluster cluster =
                        StandaloneCluster.start(
                                StandaloneCluster.Options.defaults()
                                        .withWorkDir(Path.of("target", "memory-it"))
                                        .withTaskManagers(2, 1)
                                        .withTaskManagerMemory("1024m")
                                        .withConfig("taskmanager.memory.managed.size", "16m")
                                        .withConfig("metrics.fetcher.update-interval", "1000")
                                        .withConfig("restart-strategy.type", "none"))) {
            broker.createTopics(2, prefix + "-in");
            broker.createTopics(1, prefix + "-out", prefix + "-dlq", prefix + "-late");
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
                String key = String.format("explode,id=%07d v", i);
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
            byte[] sentinel = new byte[0];
            FrameWriter s = new FrameWriter();
            s.addSample(
                    s.addSeries(Reliability.SENTINEL_KEY),
                    Reliability.lastTimestamp(generator) + 6 * WINDOW_MS,
                    0);
            sentinel = s.toByteArray();
            produce(broker, prefix + "-in", records, sentinel);
            System.out.printf(
                    "%s: produced %,d records (%,d burst series) in %.1f s%n",
                    prefix, records.size(), burst, (System.nanoTime() - t0) / 1e9);

            String jobId = cluster.submit(jar, Reliability.jobArgs(broker, prefix, WINDOW_MS, 2));
            cluster.awaitAllTasksRunning(jobId, Duration.ofMinutes(1));

            // Wait until the steady series' last window is committed (every window fired).
            String lastWindow =
                    generator.seriesKey(0)
                            + "@"
                            + Math.floorDiv(Reliability.lastTimestamp(generator), WINDOW_MS)
                                    * WINDOW_MS;
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            Map<String, List<JsonNode>> results = Reliability.readResults(broker, prefix + "-out");
            while (!results.containsKey(lastWindow) && System.nanoTime() < deadline) {
                assertThat(cluster.jobStatus(jobId)).isEqualTo("RUNNING");
                Thread.sleep(2000);
                results = Reliability.readResults(broker, prefix + "-out");
            }
            Thread.sleep(3000);
            results = Reliability.readResults(broker, prefix + "-out");
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
            String status = cluster.jobStatus(jobId);
            JsonNode exceptions = cluster.rest("/jobs/" + jobId + "/exceptions");

            // Refused samples by (key, window), from the dead letters (line protocol).
            Map<String, Integer> refused = new HashMap<>();
            int refusedTotal = 0;
            Map<String, Integer> otherReasons = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> d :
                    TopicReader.readCommitted(
                            broker.bootstrapServers(), new Properties(), prefix + "-dlq")) {
                String reason =
                        new String(
                                d.headers().lastHeader("tsagg.reason").value(),
                                StandardCharsets.UTF_8);
                if (!reason.equals(REFUSED)) {
                    otherReasons.merge(reason, 1, Integer::sum);
                    continue;
                }
                String line = new String(d.value(), StandardCharsets.UTF_8);
                int eq = line.lastIndexOf('=');
                String key = line.substring(0, eq);
                long ts = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)) / 1_000_000L;
                refused.merge(
                        key + "@" + Math.floorDiv(ts, WINDOW_MS) * WINDOW_MS, 1, Integer::sum);
                refusedTotal++;
            }
            System.out.printf(
                    "%s: job %s, %d results, %,d refused dead letters, gauges %s, %.1f s%n",
                    prefix,
                    status,
                    results.size(),
                    refusedTotal,
                    gauges,
                    (System.nanoTime() - t0) / 1e9);
            cluster.cancel(jobId);
            cluster.awaitJobStatus(jobId, "CANCELED", Duration.ofMinutes(1));
            Thread.sleep(2000);

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

            // Every sample is in a result or refused; windows without refusals are exact.
            int exact = 0;
            int partial = 0;
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, ExpectedWindows.Window> e : expected.entrySet()) {
                String id = e.getKey();
                int n = e.getValue().count();
                int r = refused.getOrDefault(id, 0);
                List<JsonNode> got = results.get(id);
                long counted = got == null ? 0 : got.get(0).get("count").asLong();
                if (got != null && got.size() > 1) {
                    problems.add(id + " emitted " + got.size() + " times");
                }
                if (counted + r != n) {
                    problems.add(id + ": " + counted + " in results + " + r + " refused != " + n);
                } else if (r == 0) {
                    e.getValue().check(id, got.get(0));
                    exact++;
                } else {
                    partial++;
                }
            }
            System.out.printf(
                    "%s: %d (key, window)s exact, %d partly refused, %d problems%n",
                    prefix, exact, partial, problems.size());
            assertThat(problems).as("accounting").isEmpty();
            // The steady series: never refused in the windows before the burst. After it, their
            // new panes are refused too while the burst's panes hold the pool (the store refuses
            // new (key, pane)s, not new keys: RELIABILITY.md, open finding 1), for as long as the
            // job lags behind, which depends on the machine's load: reported, not asserted.
            Map<Long, Integer> steadyRefusedByWindow = new TreeMap<>();
            for (int series = 0; series < generator.series(); series++) {
                for (long start = START_MS; start < START_MS + 100_000; start += WINDOW_MS) {
                    String id = generator.seriesKey(series) + "@" + start;
                    int r = refused.getOrDefault(id, 0);
                    if (r > 0) {
                        steadyRefusedByWindow.merge((start - START_MS) / 1000, r, Integer::sum);
                    }
                    if (start < START_MS + 20_000) {
                        assertThat(r).as("refused in " + id).isZero();
                    }
                }
            }
            System.out.printf(
                    "%s: refused samples of the steady series by window start (s): %s%n",
                    prefix, steadyRefusedByWindow);
            // State released once the windows fired: only the sentinel's pane may remain.
            assertThat(gauges.get("poolPagesInUse")).as("pool pages in use").isLessThanOrEqualTo(4);
            assertThat(gauges.get("poolPagesHighWater"))
                    .as("the pool was used up to its budget")
                    .isGreaterThan(gauges.get("poolPagesBudget") / 2);

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

package io.tsagg.job.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tsagg.job.ExpectedWindows;
import io.tsagg.job.generate.SampleGenerator;
import io.tsagg.serde.frame.FrameWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Shared pieces of the reliability tests: a paced background producer of generated frames that ends
 * with a sentinel frame per partition (its far-future timestamp moves every partition's watermark
 * past the last window, so an unbounded job fires every window), the independent computation of the
 * expected windows, and the exact comparison of read_committed results.
 */
final class Reliability {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SENTINEL_KEY = "tsagg_sentinel,host=none flush";

    private Reliability() {}

    static String intProperty(String name, String fallback) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** The job arguments every reliability test uses. */
    static List<String> jobArgs(
            KafkaBroker broker, String prefix, long windowMs, int parallelism, String... more) {
        List<String> args =
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
                                (windowMs / 1000) + "s",
                                "--checkpoint-interval",
                                "1s",
                                "--starting-offsets",
                                "earliest",
                                "--parallelism",
                                Integer.toString(parallelism)));
        args.addAll(List.of(more));
        return args;
    }

    // ------------------------------------------------------------ paced producer

    /** Produces the generator's frames at {@code rate} samples/s in a background thread. */
    static final class PacedProducer implements AutoCloseable {
        private final Thread thread;
        private final AtomicLong produced = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean done;
        private volatile boolean stop;
        private volatile boolean paused;
        private final long total;

        PacedProducer(
                SampleGenerator generator,
                String bootstrapServers,
                String topic,
                int partitions,
                long rate,
                long windowMs) {
            this.total = generator.samples();
            long sentinelTs = lastTimestamp(generator) + 6 * windowMs;
            thread =
                    new Thread(
                            () -> {
                                try {
                                    run(
                                            generator,
                                            bootstrapServers,
                                            topic,
                                            partitions,
                                            rate,
                                            sentinelTs);
                                    done = true;
                                } catch (Throwable t) {
                                    failure.set(t);
                                }
                            },
                            "paced-producer");
            thread.setDaemon(true);
            thread.start();
        }

        private void run(
                SampleGenerator generator,
                String bootstrapServers,
                String topic,
                int partitions,
                long rate,
                long sentinelTs)
                throws Exception {
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrapServers);
            p.put("key.serializer", ByteArraySerializer.class.getName());
            p.put("value.serializer", ByteArraySerializer.class.getName());
            p.put("linger.ms", "5");
            p.put("acks", "all");
            // Broker restarts: keep retrying (idempotent producer: no duplicates, order kept).
            p.put("enable.idempotence", "true");
            p.put("delivery.timeout.ms", "300000");
            p.put("max.block.ms", "300000");
            AtomicReference<Exception> sendFailure = new AtomicReference<>();
            long start = System.nanoTime();
            long[] records = {0};
            long[] pausedNanos = {0};
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
                generator.forEachFrame(
                        1000,
                        (frame, samples) -> {
                            if (stop) {
                                throw new InterruptedException("stopped");
                            }
                            if (sendFailure.get() != null) {
                                throw sendFailure.get();
                            }
                            int partition = (int) (records[0]++ % partitions);
                            producer.send(
                                    new ProducerRecord<>(topic, partition, null, null, frame),
                                    (md, e) -> {
                                        if (e != null) {
                                            sendFailure.compareAndSet(null, e);
                                        }
                                    });
                            long n = produced.addAndGet(samples);
                            if (paused) {
                                long pausedAt = System.nanoTime();
                                while (paused && !stop) {
                                    Thread.sleep(20);
                                }
                                pausedNanos[0] += System.nanoTime() - pausedAt;
                            }
                            long due = start + pausedNanos[0] + (long) (n * 1e9 / rate);
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                        });
                producer.flush();
                FrameWriter writer = new FrameWriter();
                int index = writer.addSeries(SENTINEL_KEY.getBytes(StandardCharsets.UTF_8));
                writer.addSample(index, sentinelTs, 0.0);
                byte[] sentinel = writer.toByteArray();
                for (int partition = 0; partition < partitions; partition++) {
                    producer.send(new ProducerRecord<>(topic, partition, null, null, sentinel))
                            .get();
                }
                producer.flush();
            }
            if (sendFailure.get() != null) {
                throw sendFailure.get();
            }
        }

        /** Holds the producer after its current frame (the pause does not count for the rate). */
        void pause() {
            paused = true;
        }

        void resume() {
            paused = false;
        }

        /** Fraction of the samples handed to the producer so far. */
        double progress() {
            return total == 0 ? 1 : produced.get() / (double) total;
        }

        boolean isDone() {
            check();
            return done;
        }

        void check() {
            if (failure.get() != null) {
                throw new AssertionError("producer failed", failure.get());
            }
        }

        void awaitDone(Duration timeout) throws InterruptedException {
            thread.join(timeout.toMillis());
            check();
            assertThat(done).as("producer finished within %s", timeout).isTrue();
        }

        void awaitProgress(double fraction) throws InterruptedException {
            while (progress() < fraction && !isDone()) {
                Thread.sleep(50);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(10_000);
        }
    }

    static long lastTimestamp(SampleGenerator generator) {
        long ticks = (generator.samples() + generator.series() - 1) / generator.series();
        long max = Long.MIN_VALUE;
        for (int s = 0; s < generator.series(); s++) {
            max = Math.max(max, generator.timestamp(ticks - 1, s));
        }
        return max;
    }

    // ------------------------------------------------------------ results

    /** Completed checkpoints of a job, from the REST API. */
    static long completedCheckpoints(StandaloneCluster cluster, String jobId) {
        try {
            return cluster.rest("/jobs/" + jobId + "/checkpoints")
                    .path("counts")
                    .path("completed")
                    .asLong();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Waits until at least {@code n} checkpoints completed. */
    static void awaitCheckpoints(StandaloneCluster cluster, String jobId, long n, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (completedCheckpoints(cluster, jobId) < n) {
            assertThat(System.nanoTime())
                    .as("%d checkpoints in %s", n, timeout)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Committed results by "key@window_start", every occurrence (duplicates kept). */
    static Map<String, List<JsonNode>> readResults(KafkaBroker broker, String topic)
            throws Exception {
        Map<String, List<JsonNode>> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                TopicReader.readCommitted(broker.bootstrapServers(), new Properties(), topic)) {
            JsonNode node = JSON.readTree(r.value());
            String id = node.get("key").asText() + "@" + node.get("window_start").asLong();
            out.computeIfAbsent(id, k -> new ArrayList<>()).add(node);
        }
        return out;
    }

    /**
     * Polls the committed results until they hold {@code expected} distinct windows (or the timeout
     * passes), waits {@code settle} more for anything extra (duplicates) to be committed, and
     * returns the last read.
     */
    static Map<String, List<JsonNode>> awaitResults(
            KafkaBroker broker, String topic, int expected, Duration timeout, Duration settle)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, List<JsonNode>> results = readResults(broker, topic);
        while (results.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            results = readResults(broker, topic);
        }
        int before = results.size();
        Thread.sleep(settle.toMillis());
        results = readResults(broker, topic);
        if (results.size() < before) {
            throw new AssertionError(
                    topic + ": " + before + " committed windows, then only " + results.size());
        }
        return results;
    }

    /** Every expected (key, window) exactly once, nothing else, statistics exact. */
    static void assertExactlyOnce(
            Map<String, ExpectedWindows.Window> expected, Map<String, List<JsonNode>> actual) {
        List<String> duplicates = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> e : actual.entrySet()) {
            if (e.getValue().size() > 1) {
                duplicates.add(e.getKey() + " x" + e.getValue().size());
            }
            if (!expected.containsKey(e.getKey())) {
                extra.add(e.getKey());
            }
        }
        for (String id : expected.keySet()) {
            if (!actual.containsKey(id)) {
                missing.add(id);
            }
        }
        assertThat(duplicates).as("duplicated windows").isEmpty();
        assertThat(missing).as("missing windows (of %d)", expected.size()).isEmpty();
        assertThat(extra).as("unexpected windows").isEmpty();
        for (Map.Entry<String, ExpectedWindows.Window> e : expected.entrySet()) {
            e.getValue().check(e.getKey(), actual.get(e.getKey()).get(0));
        }
    }

    // ------------------------------------------------------------ independent computation

    static Map<String, ExpectedWindows.Window> expected(SampleGenerator generator, long windowMs)
            throws Exception {
        Map<String, ExpectedWindows.Window> windows = new HashMap<>();
        generator.forEach(
                (s, ts, v) -> {
                    long start = Math.floorDiv(ts, windowMs) * windowMs;
                    windows.computeIfAbsent(
                                    generator.seriesKey(s) + "@" + start,
                                    k -> new ExpectedWindows.Window())
                            .add(ts, v);
                });
        return windows;
    }
}

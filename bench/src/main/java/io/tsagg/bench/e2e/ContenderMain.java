package io.tsagg.bench.e2e;

import io.tsagg.bench.baseline.DataStreamBaselineJob;
import io.tsagg.bench.baseline.SqlBaselineJob;
import io.tsagg.job.TsaggJob;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.local.FileTrees;
import io.tsagg.serde.frame.FrameDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One contender in its own JVM (started by {@link HarnessMain}): runs the job (or the raw consumer
 * loop) over a topic to its end, then writes what {@link RunProbe} measured as one JSON object to
 * {@code --report}.
 *
 * <p>Flink contenders run on a MiniCluster in this JVM with the same settings: parallelism {@code
 * --parallelism} (one slot per subtask), 256 MiB managed memory, 64 MiB network memory, exactly
 * once Kafka sinks, checkpoints every {@code --checkpoint-interval}.
 */
public final class ContenderMain {
    private static final Path CHECKPOINTS = createTempDir();

    private ContenderMain() {}

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("tsagg-bench-checkpoints-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Deletes the checkpoint directory, best effort: a leftover temporary directory must not fail a
     * run whose report is written.
     */
    private static void deleteRecursively(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (java.io.IOException e) {
            System.err.println("could not delete " + dir + " (left behind): " + e);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Contender contender = Contender.byId(a.get("contender"));
        String bootstrap = a.get("bootstrap-servers");
        String input = a.get("input-topic");
        String output = a.get("output-topic");
        String runId = a.get("run-id");
        int parallelism = Integer.parseInt(a.get("parallelism"));
        Duration window = Duration.ofMillis(Long.parseLong(a.get("window-ms")));
        Duration outOfOrderness = Duration.ofMillis(Long.parseLong(a.get("out-of-orderness-ms")));
        Duration checkpoints = Duration.ofMillis(Long.parseLong(a.get("checkpoint-ms")));
        Path report = Path.of(a.get("report"));

        int passes = Integer.parseInt(a.getOrDefault("passes", "1"));

        RunProbe.startSampler();
        StringBuilder lines = new StringBuilder();
        for (int pass = 1; pass <= passes; pass++) {
            if (pass > 1) {
                // Every pass starts on a collected heap, not on the garbage of the one before.
                System.gc();
            }
            lines.append(
                            runPass(
                                    contender,
                                    bootstrap,
                                    input,
                                    outputTopic(output, pass),
                                    runId + "-p" + pass,
                                    parallelism,
                                    window,
                                    outOfOrderness,
                                    checkpoints,
                                    pass))
                    .append('\n');
        }
        RunProbe.stopSampler();
        Files.writeString(report, lines, StandardCharsets.UTF_8);
        deleteRecursively(CHECKPOINTS);
        // Kafka and Flink leave non-daemon threads behind now and then; the report is written.
        System.exit(0);
    }

    /** The output topic of one pass: {@code base-p<pass>}; the harness creates it. */
    static String outputTopic(String base, int pass) {
        return base + "-p" + pass;
    }

    /**
     * One read of the input topic to its end by a new job (a new MiniCluster, consumer group and
     * output topic), measured by {@link RunProbe} from its first input record to its last result.
     * Returns the measurements as one JSON object.
     */
    private static String runPass(
            Contender contender,
            String bootstrap,
            String input,
            String output,
            String runId,
            int parallelism,
            Duration window,
            Duration outOfOrderness,
            Duration checkpoints,
            int pass)
            throws Exception {
        RunProbe.reset(output);
        long started = System.nanoTime();
        long samples = -1;
        switch (contender) {
            case RAW_ILP:
            case RAW_FRAMES:
                samples =
                        rawConsume(
                                bootstrap, input, parallelism, contender == Contender.RAW_FRAMES);
                break;
            case FLINK_SOURCE_ILP:
                samples =
                        SourceOnlyJob.run(
                                environment(parallelism, new Configuration()),
                                bootstrap,
                                input,
                                "bench-" + runId);
                break;
            case TSAGG_ILP:
            case TSAGG_FRAMES:
            case TSAGG_ILP_1P:
            case TSAGG_FRAMES_1P:
                {
                    StreamExecutionEnvironment env = environment(parallelism, new Configuration());
                    JobConfig config =
                            JobConfig.parse(
                                    "--bootstrap-servers",
                                    bootstrap,
                                    "--input-topic",
                                    input,
                                    "--output-topic",
                                    output,
                                    "--dlq-topic",
                                    output + "-dlq",
                                    "--late-topic",
                                    output + "-late",
                                    "--format",
                                    contender.input,
                                    "--window",
                                    window.toMillis() + "ms",
                                    "--out-of-orderness",
                                    outOfOrderness.toMillis() + "ms",
                                    "--checkpoint-interval",
                                    checkpoints.toMillis() + "ms",
                                    "--starting-offsets",
                                    "earliest",
                                    "--bounded",
                                    "--parallelism",
                                    Integer.toString(parallelism),
                                    "--group-id",
                                    "bench-" + runId,
                                    "--pre-aggregate",
                                    Boolean.toString(contender.preAggregates()),
                                    "--kafka.interceptor.classes",
                                    RunProbe.class.getName());
                    TsaggJob.build(env, config);
                    env.execute("bench " + runId);
                    break;
                }
            case DATASTREAM:
                {
                    StreamExecutionEnvironment env = environment(parallelism, new Configuration());
                    env.enableCheckpointing(checkpoints.toMillis(), CheckpointingMode.EXACTLY_ONCE);
                    Properties kafka = new Properties();
                    kafka.put("interceptor.classes", RunProbe.class.getName());
                    DataStreamBaselineJob.build(
                            env,
                            bootstrap,
                            kafka,
                            input,
                            output,
                            "bench-" + runId,
                            window,
                            outOfOrderness);
                    env.execute("bench " + runId);
                    break;
                }
            case SQL:
                {
                    Configuration conf = new Configuration();
                    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpoints);
                    conf.set(
                            CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                            CheckpointingMode.EXACTLY_ONCE);
                    SqlBaselineJob.configure(conf);
                    StreamExecutionEnvironment env = environment(parallelism, conf);
                    StreamTableEnvironment tables =
                            StreamTableEnvironment.create(
                                    env,
                                    EnvironmentSettings.newInstance().inStreamingMode().build());
                    tables.getConfig().addConfiguration(conf);
                    SqlBaselineJob.run(
                            tables,
                            bootstrap,
                            RunProbe.class.getName(),
                            input,
                            output,
                            "bench-" + runId,
                            window,
                            outOfOrderness);
                    break;
                }
            default:
                throw new IllegalArgumentException("no runner for " + contender);
        }
        long finished = System.nanoTime();
        RunProbe.sample();
        long first = RunProbe.firstNanos();
        long last = RunProbe.lastNanos();
        return "{\"contender\":\""
                + contender.id
                + "\",\"pass\":"
                + pass
                + ",\"outputTopic\":\""
                + output
                + "\",\"recordsIn\":"
                + RunProbe.recordsIn()
                + ",\"samplesCounted\":"
                + samples
                + ",\"resultsOut\":"
                + RunProbe.resultsOut()
                + ",\"measuredNanos\":"
                + (first > 0 && last > first ? last - first : -1)
                + ",\"cpuNanos\":"
                + RunProbe.cpuNanosBetween(first, last)
                + ",\"gcMillis\":"
                + RunProbe.gcMillisBetween(first, last)
                + ",\"startupNanos\":"
                + (first > 0 ? first - started : -1)
                + ",\"wallNanos\":"
                + (finished - started)
                + ",\"totalCpuNanos\":"
                + RunProbe.processCpuNanos()
                + ",\"totalGcMillis\":"
                + RunProbe.gcMillis()
                + ",\"peakRssBytes\":"
                + RunProbe.peakRssBytes()
                + "}";
    }

    static StreamExecutionEnvironment environment(int parallelism, Configuration conf) {
        // A failed run must fail, not restart forever.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        // Checkpoints to local files: the JobManager's memory storage allows 5 MiB of state.
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, CHECKPOINTS.toUri().toString());
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    /**
     * {@code parallelism} threads, each with a plain {@link KafkaConsumer} assigned every {@code
     * parallelism}-th partition, read the topic to the end offsets found at start and touch every
     * record: its length and first byte for line protocol, the sample count in the header for
     * frames. Returns the samples counted.
     */
    static long rawConsume(String bootstrap, String topic, int parallelism, boolean frames)
            throws Exception {
        AtomicLong samples = new AtomicLong();
        AtomicLong checksum = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < parallelism; t++) {
            int index = t;
            Thread thread =
                    new Thread(
                            () -> {
                                try {
                                    long[] counts =
                                            consumeShare(
                                                    bootstrap, topic, index, parallelism, frames);
                                    samples.addAndGet(counts[0]);
                                    checksum.addAndGet(counts[1]);
                                } catch (Throwable e) {
                                    failure.compareAndSet(null, e);
                                }
                            },
                            "raw-consumer-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("raw consumer failed", failure.get());
        }
        if (checksum.get() == 42) {
            System.out.println("(checksum happens to be 42)");
        }
        return samples.get();
    }

    private static long[] consumeShare(
            String bootstrap, String topic, int index, int parallelism, boolean frames) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        long samples = 0;
        long checksum = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> mine = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                if (info.partition() % parallelism == index) {
                    mine.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(mine);
            consumer.seekToBeginning(mine);
            Map<TopicPartition, Long> end = consumer.endOffsets(mine);
            long remaining = 0;
            for (TopicPartition tp : mine) {
                remaining += end.get(tp) - consumer.position(tp);
            }
            while (remaining > 0) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                int n = records.count();
                if (n == 0) {
                    continue;
                }
                RunProbe.firstRecordsSeen(n);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    byte[] v = r.value();
                    if (frames) {
                        samples += readIntLe(v, FrameDescriptor.SAMPLE_COUNT_OFFSET);
                    } else {
                        samples++;
                    }
                    checksum += v.length + v[0];
                }
                remaining -= n;
            }
            RunProbe.resultSent();
        }
        return new long[] {samples, checksum};
    }

    private static int readIntLe(byte[] b, int at) {
        return (b[at] & 0xFF)
                | (b[at + 1] & 0xFF) << 8
                | (b[at + 2] & 0xFF) << 16
                | (b[at + 3] & 0xFF) << 24;
    }
}

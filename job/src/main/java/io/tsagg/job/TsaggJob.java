package io.tsagg.job;

import io.tsagg.job.config.ArgumentException;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.config.RollupSpec;
import io.tsagg.job.kafka.DeadLetterRouter;
import io.tsagg.job.kafka.DeadLetterSerializationSchema;
import io.tsagg.job.kafka.FrameRecordDeserializer;
import io.tsagg.job.kafka.KafkaSinks;
import io.tsagg.job.kafka.KafkaStartupCheck;
import io.tsagg.job.kafka.LateSampleSerializer;
import io.tsagg.job.kafka.LineProtocolRecordDeserializer;
import io.tsagg.job.kafka.PartitionRunDeserializer;
import io.tsagg.job.kafka.PartitionRunKafkaSource;
import io.tsagg.job.kafka.ResultSerializer;
import io.tsagg.job.rollup.GroupKeyMapper;
import io.tsagg.operators.window.PreAggregateOperator;
import io.tsagg.operators.window.WindowAggregateOperator;
import io.tsagg.operators.window.WindowSpec;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.RecordTypeInfo;
import io.tsagg.serde.record.WindowResult;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.memory.ManagedMemoryUseCase;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tsagg Flink job: Kafka samples in, windowed statistics out, exactly once.
 *
 * <pre>
 * KafkaSource (frames or line protocol, decoded once, in place; watermarks per partition;
 *              each partition's records of a fetch read in one call: PartitionRunKafkaSource)
 *   -> [dead-letter router, chained; unless one rollup, two-phase] --> dead-letter topic
 *   -> per rollup: [GroupKeyMapper: series id -> group id, chained]
 *        -> [PreAggregateOperator: partial summary per (key, pane), chained; --pre-aggregate]
 *        -> keyBy(group-key id)
 *        -> WindowAggregateOperator ---------- late samples -----> late topic
 *                  |------------ rejected input, refused samples -> dead-letter topic
 *        -> results (JSON | line protocol) ----------------------> the rollup's output topic
 * </pre>
 *
 * With one rollup the source computes its group ids directly and no mapper runs. With one rollup
 * and two-phase aggregation (the default) nothing sits between the source and the pre-aggregator
 * ({@link #direct}): an operator with a side output (the router) would make Flink hand every sample
 * to a broadcasting collector that copies its {@code StreamRecord} per output, measured at 13% of
 * the source thread for frames. Rejected input records instead go on with the samples (they are
 * rare) and leave for the dead-letter topic at the window operator, and the pre-aggregator writes
 * the origins of samples behind its watermark, which the router does otherwise. Run it with {@code
 * flink run tsagg-job.jar <args>} on a cluster, or with {@code ./tsagg run <args>} on an embedded
 * MiniCluster.
 */
public final class TsaggJob {
    private static final Logger LOG = LoggerFactory.getLogger(TsaggJob.class);

    public static final OutputTag<MetricRecord> LATE_SAMPLES =
            new OutputTag<>("late-samples", RecordTypeInfo.METRIC_RECORD);

    /** Samples the window operator had no memory for. */
    public static final OutputTag<DeadLetter> REFUSED_SAMPLES =
            new OutputTag<>("refused-samples", RecordTypeInfo.DEAD_LETTER);

    /**
     * Shares of a slot's managed memory (weights): the window state, and the pre-aggregator's few
     * open panes.
     */
    private static final int WINDOW_MEMORY_WEIGHT = 85;

    private static final int PRE_AGGREGATE_MEMORY_WEIGHT = 15;

    /** How long the start-up check waits for the broker (unreachable: warn and start anyway). */
    private static final Duration BROKER_CHECK_TIMEOUT = Duration.ofSeconds(30);

    private TsaggJob() {}

    public static void main(String[] args) throws Exception {
        int exit = run(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /**
     * Parses and checks the arguments and, with {@link KafkaStartupCheck}, the Kafka credentials
     * and transaction timeout (exit code 2 with a message naming the problem), then builds and runs
     * the job (0).
     */
    static int run(String[] args) throws Exception {
        if (JobConfig.wantsHelp(args)) {
            System.out.print(JobConfig.usage("flink run tsagg-job.jar"));
            return 0;
        }
        JobConfig config;
        try {
            config = JobConfig.parse(args);
            KafkaStartupCheck.check(config, BROKER_CHECK_TIMEOUT);
        } catch (ArgumentException e) {
            System.err.println("tsagg: " + e.getMessage());
            System.err.println("Run with --help to see every argument.");
            return 2;
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(config.flinkConfiguration());
        build(env, config);
        env.execute(jobName(config));
        return 0;
    }

    public static String jobName(JobConfig config) {
        StringBuilder topics = new StringBuilder();
        for (RollupSpec r : config.rollups()) {
            topics.append(topics.length() == 0 ? "" : ", ").append(r.outputTopic());
        }
        return "tsagg " + config.inputTopic() + " -> " + topics;
    }

    /** Adds the job's pipeline to {@code env} and applies the settings it relies on. */
    public static void build(StreamExecutionEnvironment env, JobConfig config) {
        Configuration settings = config.flinkConfiguration();
        // Records are reused along chains; every type has its own serializer (never Kryo).
        settings.set(PipelineOptions.OBJECT_REUSE, true);
        settings.set(PipelineOptions.GENERIC_TYPES, false);
        settings.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval());
        settings.set(
                CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                CheckpointingMode.EXACTLY_ONCE);
        env.configure(settings);
        if (config.parallelism() != null) {
            env.setParallelism(config.parallelism());
        }
        List<RollupSpec> rollups = config.rollups();
        LOG.info(
                "tsagg starting: {} | memory: {}",
                config.describe().trim().replaceAll("\\s*\\n\\s*", " | "),
                memoryBudget(env, rollups.size(), config.preAggregate()));

        WatermarkStrategy<MetricRecord> watermarks =
                WatermarkStrategy.<MetricRecord>forBoundedOutOfOrderness(config.outOfOrderness())
                        .withTimestampAssigner(new SampleTimestamp());
        if (!config.idleTimeout().isZero()) {
            watermarks = watermarks.withIdleness(config.idleTimeout());
        }
        // One rollup: the source builds its group keys. Several: the source emits series, each
        // rollup maps them to its own group keys.
        GroupKeySpec sourceKeys =
                rollups.size() == 1 ? rollups.get(0).groupKeys() : GroupKeySpec.series();
        DataStream<MetricRecord> input =
                env.fromSource(
                                source(config, sourceKeys),
                                watermarks,
                                "kafka: " + config.inputTopic(),
                                RecordTypeInfo.METRIC_RECORD)
                        .uid("tsagg-source");

        DataStream<MetricRecord> samples = input;
        DataStream<DeadLetter> deadLetters = null;
        if (!direct(config)) {
            SingleOutputStreamOperator<MetricRecord> routed =
                    input.process(new DeadLetterRouter(), RecordTypeInfo.METRIC_RECORD)
                            .name("route dead letters")
                            .uid("tsagg-router");
            samples = routed;
            deadLetters = routed.getSideOutput(DeadLetterRouter.DEAD_LETTERS);
        }
        for (RollupSpec rollup : rollups) {
            DataStream<MetricRecord> keyed = samples;
            if (!rollup.groupKeys().equals(sourceKeys)) {
                keyed =
                        samples.flatMap(
                                        new GroupKeyMapper(rollup.groupKeys()),
                                        RecordTypeInfo.METRIC_RECORD)
                                .name("group keys " + rollup.name())
                                .uid("tsagg-group-keys-" + rollup.name());
            }
            DataStream<DeadLetter> refused = rollup(keyed, rollup, config);
            deadLetters = deadLetters == null ? refused : deadLetters.union(refused);
        }
        deadLetters
                .sinkTo(
                        KafkaSinks.create(
                                config.bootstrapServers(),
                                config.kafkaProperties(),
                                new DeadLetterSerializationSchema(config.dlqTopic()),
                                config.exactlyOnce(),
                                config.transactionTimeout(),
                                transactionalIdPrefix(config, "dlq")))
                .name("kafka: " + config.dlqTopic())
                .uid("tsagg-dlq-sink");
    }

    /**
     * One rollup's window operator and sinks; returns its refused samples (for the dead letters).
     * The default rollup keeps the uids of the single-rollup job, so its savepoints stay valid.
     */
    private static DataStream<DeadLetter> rollup(
            DataStream<MetricRecord> samples, RollupSpec rollup, JobConfig config) {
        String suffix = rollup.isDefault() ? "" : "-" + rollup.name();
        WindowSpec spec =
                rollup.slide() == null
                        ? WindowSpec.tumbling(rollup.window().toMillis())
                        : WindowSpec.sliding(rollup.window().toMillis(), rollup.slide().toMillis());
        if (config.preAggregate()) {
            SingleOutputStreamOperator<MetricRecord> partials =
                    samples.transform(
                                    (rollup.isDefault() ? "" : rollup.name() + ": ")
                                            + "pre-aggregate "
                                            + spec,
                                    RecordTypeInfo.METRIC_RECORD,
                                    new PreAggregateOperator(
                                            spec,
                                            rollup.quantiles().isEmpty()
                                                    ? 0.0
                                                    : rollup.quantileAccuracy()))
                            .uid("tsagg-pre-aggregate" + suffix);
            // Holds only the panes between two watermarks or checkpoints; sends all when full.
            partials.getTransformation()
                    .declareManagedMemoryUseCaseAtOperatorScope(
                            ManagedMemoryUseCase.OPERATOR, PRE_AGGREGATE_MEMORY_WEIGHT);
            samples = partials;
        }
        SingleOutputStreamOperator<WindowResult> results =
                samples.keyBy(new KeyIdSelector(), Types.LONG)
                        .transform(
                                (rollup.isDefault() ? "" : rollup.name() + ": ") + "window " + spec,
                                RecordTypeInfo.WINDOW_RESULT,
                                new WindowAggregateOperator(
                                        spec,
                                        rollup.allowedLateness().toMillis(),
                                        LATE_SAMPLES,
                                        REFUSED_SAMPLES,
                                        rollup.quantiles().values(),
                                        rollup.quantileAccuracy()))
                        .uid("tsagg-window" + suffix);
        // The window state lives in this operator's share of the slot's managed memory.
        results.getTransformation()
                .declareManagedMemoryUseCaseAtOperatorScope(
                        ManagedMemoryUseCase.OPERATOR, WINDOW_MEMORY_WEIGHT);
        KafkaRecordSerializationSchema<WindowResult> serializer =
                new ResultSerializer(
                        rollup.outputTopic(),
                        rollup.stats(),
                        rollup.outputFormat(),
                        rollup.quantiles().names(),
                        config.maxFutureSkew().toMillis());
        results.sinkTo(
                        KafkaSinks.create(
                                config.bootstrapServers(),
                                config.kafkaProperties(),
                                serializer,
                                config.exactlyOnce(),
                                config.transactionTimeout(),
                                transactionalIdPrefix(config, "results" + suffix)))
                .name("kafka: " + rollup.outputTopic())
                .uid("tsagg-result-sink" + suffix);
        results.getSideOutput(LATE_SAMPLES)
                .sinkTo(
                        KafkaSinks.create(
                                config.bootstrapServers(),
                                config.kafkaProperties(),
                                new LateSampleSerializer(config.lateTopic(), rollup.name()),
                                config.exactlyOnce(),
                                config.transactionTimeout(),
                                transactionalIdPrefix(config, "late" + suffix)))
                .name("kafka: " + config.lateTopic() + suffix)
                .uid("tsagg-late-sink" + suffix);
        return results.getSideOutput(REFUSED_SAMPLES);
    }

    /** What the log says about memory: where window state lives and how it is budgeted. */
    private static String memoryBudget(
            StreamExecutionEnvironment env, int windowOperators, boolean preAggregate) {
        ReadableConfig c = env.getConfiguration();
        String managed =
                c.getOptional(TaskManagerOptions.MANAGED_MEMORY_SIZE)
                        .map(m -> "taskmanager.memory.managed.size " + m.toHumanReadableString())
                        .orElse(
                                "taskmanager.memory.managed.fraction "
                                        + c.get(TaskManagerOptions.MANAGED_MEMORY_FRACTION)
                                        + " of Flink memory");
        return "window state off-heap in managed memory ("
                + managed
                + " per TaskManager, divided among its slots), shared by "
                + windowOperators
                + " window operator(s) per slot"
                + (preAggregate
                        ? " ("
                                + WINDOW_MEMORY_WEIGHT
                                + "%) and as many pre-aggregators ("
                                + PRE_AGGREGATE_MEMORY_WEIGHT
                                + "%)"
                        : "")
                + "; each logs its budget when it starts";
    }

    /**
     * The source consumer's {@code max.poll.records} unless {@code --kafka.max.poll.records} says
     * otherwise: 10x Kafka's 500, so that each poll and each hand-over from Flink's fetcher thread
     * to the source task carries more records (end to end, one sample per record: 8-10% more
     * samples/s and 5-15% less CPU per sample in three pairs, bench/results/2026-12-06/max-poll).
     * Fetch sizes, not this, bound what the consumer buffers.
     */
    static final String MAX_POLL_RECORDS = "5000";

    /** The source consumer's properties: {@code --kafka.*}, then our defaults for what is unset. */
    static Properties sourceProperties(JobConfig config) {
        Properties p = config.kafkaProperties();
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        return p;
    }

    /**
     * Flink's {@code KafkaSource} as configured, whose readers hand each partition's records of a
     * fetch to the deserializer in one call ({@link PartitionRunKafkaSource}).
     */
    private static PartitionRunKafkaSource<MetricRecord> source(
            JobConfig config, GroupKeySpec groupKeys) {
        PartitionRunDeserializer<MetricRecord> deserializer = deserializer(config, groupKeys);
        KafkaSourceBuilder<MetricRecord> builder =
                KafkaSource.<MetricRecord>builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setTopics(config.inputTopic())
                        .setGroupId(config.groupId())
                        .setProperties(sourceProperties(config))
                        .setDeserializer(deserializer);
        switch (config.startingOffsets()) {
            case "earliest":
                builder.setStartingOffsets(OffsetsInitializer.earliest());
                break;
            case "latest":
                builder.setStartingOffsets(OffsetsInitializer.latest());
                break;
            default:
                builder.setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
        }
        if (config.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return new PartitionRunKafkaSource<>(builder.build(), deserializer);
    }

    private static PartitionRunDeserializer<MetricRecord> deserializer(
            JobConfig config, GroupKeySpec groupKeys) {
        boolean batches = direct(config);
        if ("ilp".equals(config.format())) {
            return new LineProtocolRecordDeserializer(
                    config.ilpPrecision(),
                    groupKeys,
                    config.maxFutureSkew().toMillis(),
                    batches,
                    config.keyRefresh().toMillis());
        }
        return new FrameRecordDeserializer(
                groupKeys,
                config.maxFutureSkew().toMillis(),
                batches,
                config.keyRefresh().toMillis());
    }

    /**
     * Whether the source feeds the pre-aggregator directly: one rollup and two-phase aggregation.
     * Then nothing runs between them, and a reader hands over each Kafka record's samples as one
     * batch. Otherwise the dead-letter router follows the source (the records go on to several
     * mappers, or every sample crosses the keyBy, so it costs little in comparison).
     */
    private static boolean direct(JobConfig config) {
        return config.preAggregate() && config.rollups().size() == 1;
    }

    /** Transactional ids must be unique per job and output across the Kafka cluster. */
    private static String transactionalIdPrefix(JobConfig config, String output) {
        return "tsagg-" + config.groupId() + "-" + config.inputTopic() + "-" + output;
    }

    /** Event time of a sample; dictionary and rejected records do not move the watermark. */
    private static final class SampleTimestamp
            implements SerializableTimestampAssigner<MetricRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public long extractTimestamp(MetricRecord r, long kafkaTimestamp) {
            // A batch's timestamp is its largest: all a bounded-out-of-orderness generator needs.
            return r.isSample() || r.isBatch() ? r.timestamp() : Long.MIN_VALUE;
        }
    }

    /** Keys the stream by group-key id (the id is already a hash; Flink spreads it again). */
    private static final class KeyIdSelector implements KeySelector<MetricRecord, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(MetricRecord r) {
            return r.keyId();
        }
    }
}

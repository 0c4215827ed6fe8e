package io.tsagg.job;

import io.tsagg.job.config.ArgumentException;
import io.tsagg.job.config.JobConfig;
import io.tsagg.job.kafka.DeadLetterRouter;
import io.tsagg.job.kafka.DeadLetterSerializationSchema;
import io.tsagg.job.kafka.FrameRecordDeserializer;
import io.tsagg.job.kafka.KafkaSinks;
import io.tsagg.job.kafka.LateSampleSerializer;
import io.tsagg.job.kafka.LineProtocolRecordDeserializer;
import io.tsagg.job.kafka.ResultJsonSerializer;
import io.tsagg.operators.window.WindowAggregateOperator;
import io.tsagg.operators.window.WindowSpec;
import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.RecordTypeInfo;
import io.tsagg.serde.record.WindowResult;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.memory.ManagedMemoryUseCase;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tsagg Flink job: Kafka samples in, windowed statistics out, exactly once.
 *
 * <pre>
 * KafkaSource (frames or line protocol, decoded in place; per-partition watermarks)
 *   -> dead-letter router ------------------------------> dead-letter topic
 *   -> keyBy(group-key id)
 *   -> WindowAggregateOperator -------- late samples ---> late topic
 *   -> results (JSON) ---------------------------------> output topic
 * </pre>
 *
 * Run it with {@code flink run tsagg-job.jar <args>} on a cluster, or with {@code ./tsagg run
 * <args>} on an embedded MiniCluster.
 */
public final class TsaggJob {
    private static final Logger LOG = LoggerFactory.getLogger(TsaggJob.class);

    public static final OutputTag<MetricRecord> LATE_SAMPLES =
            new OutputTag<>("late-samples", RecordTypeInfo.METRIC_RECORD);

    /** Samples the window operator had no memory for. */
    public static final OutputTag<DeadLetter> REFUSED_SAMPLES =
            new OutputTag<>("refused-samples", RecordTypeInfo.DEAD_LETTER);

    private TsaggJob() {}

    public static void main(String[] args) throws Exception {
        if (JobConfig.wantsHelp(args)) {
            System.out.print(JobConfig.usage("flink run tsagg-job.jar"));
            return;
        }
        JobConfig config;
        try {
            config = JobConfig.parse(args);
        } catch (ArgumentException e) {
            System.err.println("tsagg: " + e.getMessage());
            System.err.println("Run with --help to see every argument.");
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, config);
        env.execute(jobName(config));
    }

    public static String jobName(JobConfig config) {
        return "tsagg " + config.inputTopic() + " -> " + config.outputTopic();
    }

    /** Adds the job's pipeline to {@code env} and applies the settings it relies on. */
    public static void build(StreamExecutionEnvironment env, JobConfig config) {
        LOG.info("tsagg configuration:\n{}", config.describe());
        Configuration settings = new Configuration();
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

        WatermarkStrategy<MetricRecord> watermarks =
                WatermarkStrategy.<MetricRecord>forBoundedOutOfOrderness(config.outOfOrderness())
                        .withTimestampAssigner(new SampleTimestamp());
        DataStream<MetricRecord> input =
                env.fromSource(
                                source(config),
                                watermarks,
                                "kafka: " + config.inputTopic(),
                                RecordTypeInfo.METRIC_RECORD)
                        .uid("tsagg-source");

        SingleOutputStreamOperator<MetricRecord> samples =
                input.process(new DeadLetterRouter(), RecordTypeInfo.METRIC_RECORD)
                        .name("route dead letters")
                        .uid("tsagg-router");
        WindowSpec spec =
                config.slide() == null
                        ? WindowSpec.tumbling(config.window().toMillis())
                        : WindowSpec.sliding(config.window().toMillis(), config.slide().toMillis());
        SingleOutputStreamOperator<WindowResult> results =
                samples.keyBy(new KeyIdSelector(), Types.LONG)
                        .transform(
                                "window " + spec,
                                RecordTypeInfo.WINDOW_RESULT,
                                new WindowAggregateOperator(
                                        spec,
                                        config.allowedLateness().toMillis(),
                                        LATE_SAMPLES,
                                        REFUSED_SAMPLES))
                        .uid("tsagg-window");
        // The window state lives in this operator's share of the slot's managed memory.
        results.getTransformation()
                .declareManagedMemoryUseCaseAtOperatorScope(ManagedMemoryUseCase.OPERATOR, 100);
        results.sinkTo(
                        KafkaSinks.exactlyOnce(
                                config.bootstrapServers(),
                                config.kafkaProperties(),
                                new ResultJsonSerializer(config.outputTopic()),
                                transactionalIdPrefix(config, "results")))
                .name("kafka: " + config.outputTopic())
                .uid("tsagg-result-sink");
        samples.getSideOutput(DeadLetterRouter.DEAD_LETTERS)
                .union(results.getSideOutput(REFUSED_SAMPLES))
                .sinkTo(
                        KafkaSinks.exactlyOnce(
                                config.bootstrapServers(),
                                config.kafkaProperties(),
                                new DeadLetterSerializationSchema(config.dlqTopic()),
                                transactionalIdPrefix(config, "dlq")))
                .name("kafka: " + config.dlqTopic())
                .uid("tsagg-dlq-sink");
        results.getSideOutput(LATE_SAMPLES)
                .sinkTo(
                        KafkaSinks.exactlyOnce(
                                config.bootstrapServers(),
                                config.kafkaProperties(),
                                new LateSampleSerializer(config.lateTopic()),
                                transactionalIdPrefix(config, "late")))
                .name("kafka: " + config.lateTopic())
                .uid("tsagg-late-sink");
    }

    private static KafkaSource<MetricRecord> source(JobConfig config) {
        KafkaSourceBuilder<MetricRecord> builder =
                KafkaSource.<MetricRecord>builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setTopics(config.inputTopic())
                        .setGroupId(config.groupId())
                        .setProperties(config.kafkaProperties())
                        .setDeserializer(deserializer(config));
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
        return builder.build();
    }

    private static KafkaRecordDeserializationSchema<MetricRecord> deserializer(JobConfig config) {
        if ("ilp".equals(config.format())) {
            return new LineProtocolRecordDeserializer(config.ilpPrecision(), config.groupKeys());
        }
        return new FrameRecordDeserializer(config.groupKeys());
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
            return r.isSample() ? r.timestamp() : Long.MIN_VALUE;
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

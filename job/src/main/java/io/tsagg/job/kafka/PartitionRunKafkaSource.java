package io.tsagg.job.kafka;

import java.lang.reflect.Field;
import java.util.Properties;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.metrics.KafkaSourceReaderMetrics;
import org.apache.flink.connector.kafka.source.reader.KafkaSourceReader;
import org.apache.flink.connector.kafka.source.reader.fetcher.KafkaSourceFetcherManager;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Flink's {@link KafkaSource} with one change: its readers emit the records of a partition from one
 * fetch as one {@link PartitionRun} ({@link PartitionRunSplitReader}, {@link PartitionRunEmitter}),
 * so the task thread goes through Flink's source path (reader, mailbox loop, timestamp assigner and
 * watermark generator, chained operator) once per run instead of once per Kafka record. With one
 * sample per record that path cost about a sixth of the source task's time ({@code perf}, session
 * 9); with runs, tsagg went from 1.90x to 3.46x the DataStream baseline on that input, warm ({@code
 * bench/results/2026-12-07/e2e-session10}).
 *
 * <p>Everything else is the wrapped {@link KafkaSource}'s: the split enumerator, partition
 * discovery and assignment, the split and enumerator-state serializers (so checkpoints and
 * savepoints are those of a plain {@code KafkaSource}), the source reader with its offset commits
 * on checkpoint and its metrics, the consumer properties its builder completed, bounded reading and
 * the lineage vertex. The properties are read from the built source (a private field of Flink's
 * Kafka connector 5.0; a different connector that lacks it fails here, when the job is built).
 */
public final class PartitionRunKafkaSource<T>
        implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>,
                ResultTypeQueryable<T>,
                LineageVertexProvider {
    private static final long serialVersionUID = 1L;

    private final KafkaSource<T> kafka;
    private final PartitionRunDeserializer<T> deserializer;
    private final Properties props;

    /**
     * @param kafka the source as built (its deserializer is not used)
     * @param deserializer reads the records; the same settings as {@code kafka}'s
     */
    public PartitionRunKafkaSource(KafkaSource<T> kafka, PartitionRunDeserializer<T> deserializer) {
        this.kafka = kafka;
        this.deserializer = deserializer;
        this.props = propertiesOf(kafka);
    }

    private static Properties propertiesOf(KafkaSource<?> kafka) {
        try {
            Field f = KafkaSource.class.getDeclaredField("props");
            f.setAccessible(true);
            Properties p = new Properties();
            p.putAll((Properties) f.get(kafka));
            return p;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot read the consumer properties of Flink's KafkaSource (field 'props'):"
                            + " this Kafka connector version is not the one tsagg is built for",
                    e);
        }
    }

    @Override
    public Boundedness getBoundedness() {
        return kafka.getBoundedness();
    }

    @Override
    public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context)
            throws Exception {
        deserializer.open(
                new DeserializationSchema.InitializationContext() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return context.metricGroup().addGroup("deserializer");
                    }

                    @Override
                    public UserCodeClassLoader getUserCodeClassLoader() {
                        return context.getUserCodeClassLoader();
                    }
                });
        FutureCompletingBlockingQueue<RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>>> queue =
                new FutureCompletingBlockingQueue<>();
        KafkaSourceReaderMetrics metrics = new KafkaSourceReaderMetrics(context.metricGroup());
        Configuration config = new Configuration();
        props.stringPropertyNames().forEach(k -> config.setString(k, props.getProperty(k)));
        return new KafkaSourceReader<>(
                queue,
                new KafkaSourceFetcherManager(
                        queue,
                        () -> new PartitionRunSplitReader(props, context, metrics),
                        finished -> {}),
                new PartitionRunEmitter<>(
                        deserializer,
                        context.metricGroup().getIOMetricGroup().getNumRecordsInCounter()),
                config,
                context,
                metrics);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) {
        return kafka.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state)
            throws Exception {
        return kafka.restoreEnumerator(context, state);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return kafka.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafka.getEnumeratorCheckpointSerializer();
    }

    /** The wrapped source's: the topics it reads, for Flink's lineage graph. */
    @Override
    public LineageVertex getLineageVertex() {
        return kafka.getLineageVertex();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }
}

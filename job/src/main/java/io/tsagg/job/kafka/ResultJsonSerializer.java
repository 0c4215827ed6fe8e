package io.tsagg.job.kafka;

import io.tsagg.serde.json.WindowResultJsonEncoder;
import io.tsagg.serde.output.Stat;
import io.tsagg.serde.record.WindowResult;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Window results as JSON with the selected statistics; the Kafka key is the group key, the record
 * timestamp the window end.
 */
public final class ResultJsonSerializer implements KafkaRecordSerializationSchema<WindowResult> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final EnumSet<Stat> stats;
    private transient WindowResultJsonEncoder encoder;

    public ResultJsonSerializer(String topic) {
        this(topic, Stat.all());
    }

    public ResultJsonSerializer(String topic, Set<Stat> stats) {
        this.topic = topic;
        this.stats = EnumSet.copyOf(stats);
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        encoder = new WindowResultJsonEncoder(stats);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            WindowResult r, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                r.windowEnd(),
                Arrays.copyOf(r.keyBytes(), r.keyLength()),
                encoder.encode(r));
    }
}

package io.tsagg.job.kafka;

import io.tsagg.serde.json.WindowResultJsonEncoder;
import io.tsagg.serde.record.WindowResult;
import java.util.Arrays;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Window results as JSON; the Kafka key is the group key, the record timestamp the window end. */
public final class ResultJsonSerializer implements KafkaRecordSerializationSchema<WindowResult> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient WindowResultJsonEncoder encoder;

    public ResultJsonSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        encoder = new WindowResultJsonEncoder();
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

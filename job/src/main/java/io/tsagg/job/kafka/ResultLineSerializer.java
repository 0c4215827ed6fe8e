package io.tsagg.job.kafka;

import io.tsagg.serde.output.Stat;
import io.tsagg.serde.output.WindowResultLineEncoder;
import io.tsagg.serde.record.WindowResult;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Window results as InfluxDB line protocol ({@code --output-format ilp}), one line per key and
 * window with Telegraf basicstats field names, timestamped at the window start in ns:
 *
 * <pre>
 *   cpu,region=eu-1 usage_user_count=600,usage_user_mean=19.03,... 1767225600000000000
 * </pre>
 *
 * The Kafka key is the group key, the record timestamp the window end, as for JSON.
 */
public final class ResultLineSerializer implements KafkaRecordSerializationSchema<WindowResult> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final EnumSet<Stat> stats;
    private transient WindowResultLineEncoder encoder;

    public ResultLineSerializer(String topic, Set<Stat> stats) {
        this.topic = topic;
        this.stats = EnumSet.copyOf(stats);
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        encoder = new WindowResultLineEncoder(stats);
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

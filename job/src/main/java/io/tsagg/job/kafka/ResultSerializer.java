package io.tsagg.job.kafka;

import io.tsagg.serde.json.WindowResultJsonEncoder;
import io.tsagg.serde.output.ResultEncoder;
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
 * Window results as Kafka records: the value is JSON ({@code --output-format json}) or one InfluxDB
 * line-protocol line with Telegraf basicstats field names, timestamped at the window start in ns
 * ({@code ilp}); the Kafka key is the group key and the record timestamp the window end. Only the
 * selected statistics ({@code --stats}) are written, then the quantiles ({@code --quantiles}) under
 * their names ({@code p99}; {@code <field>_p99} in line protocol).
 */
public final class ResultSerializer implements KafkaRecordSerializationSchema<WindowResult> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final EnumSet<Stat> stats;
    private final boolean lineProtocol;
    private final String[] quantileNames;
    private transient ResultEncoder encoder;

    /**
     * @param format {@code json} or {@code ilp}
     */
    public ResultSerializer(String topic, Set<Stat> stats, String format) {
        this(topic, stats, format, new String[0]);
    }

    /**
     * @param format {@code json} or {@code ilp}
     * @param quantileNames output names of the operator's quantiles, in its order, e.g. {@code p99}
     */
    public ResultSerializer(String topic, Set<Stat> stats, String format, String[] quantileNames) {
        this.topic = topic;
        this.quantileNames = quantileNames.clone();
        this.stats = EnumSet.copyOf(stats);
        this.lineProtocol = "ilp".equals(format);
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        encoder =
                lineProtocol
                        ? new WindowResultLineEncoder(stats, quantileNames)
                        : new WindowResultJsonEncoder(stats, quantileNames);
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

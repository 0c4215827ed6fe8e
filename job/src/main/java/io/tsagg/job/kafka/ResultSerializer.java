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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Window results as Kafka records: the value is JSON ({@code --output-format json}) or one InfluxDB
 * line-protocol line with Telegraf basicstats field names, timestamped at the window start in ns
 * ({@code ilp}); the Kafka key is the group key and the record timestamp the window end. Only the
 * selected statistics ({@code --stats}) are written, then the quantiles ({@code --quantiles}) under
 * their names ({@code p99}; {@code <field>_p99} in line protocol).
 *
 * <p>A window that ends further ahead of the wall clock than {@code --max-future-skew} is stamped
 * at the wall clock plus that skew instead (its value still names the window's real end). Only the
 * final firing of a bounded or drained job emits such windows: it fires every open window, up to a
 * window size past the newest sample, and brokers refuse records stamped more than {@code
 * message.timestamp.after.max.ms} ahead (1 h by default since Kafka 4.0; the start-up check holds
 * the skew to that limit), which would fail the job at its very end.
 */
public final class ResultSerializer implements KafkaRecordSerializationSchema<WindowResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ResultSerializer.class);

    private final String topic;
    private final EnumSet<Stat> stats;
    private final boolean lineProtocol;
    private final String[] quantileNames;
    private final long maxAheadMs;
    private transient ResultEncoder encoder;

    /**
     * The latest record timestamp known to be within {@link #maxAheadMs} of the wall clock: the
     * clock is read again only for a window ending after it.
     */
    private transient long aheadBound;

    private transient boolean clampLogged;

    /**
     * @param format {@code json} or {@code ilp}
     * @param quantileNames output names of the operator's quantiles, in its order, e.g. {@code p99}
     * @param maxAheadMs records are stamped at most this far ahead of the wall clock ({@code
     *     --max-future-skew}); 0: at the window end, however far ahead
     */
    public ResultSerializer(
            String topic, Set<Stat> stats, String format, String[] quantileNames, long maxAheadMs) {
        if (maxAheadMs < 0) {
            throw new IllegalArgumentException("maxAheadMs must be >= 0, got " + maxAheadMs);
        }
        this.topic = topic;
        this.quantileNames = quantileNames.clone();
        this.stats = EnumSet.copyOf(stats);
        this.lineProtocol = "ilp".equals(format);
        this.maxAheadMs = maxAheadMs == 0 ? Long.MAX_VALUE : maxAheadMs;
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        encoder =
                lineProtocol
                        ? new WindowResultLineEncoder(stats, quantileNames)
                        : new WindowResultJsonEncoder(stats, quantileNames);
        aheadBound = Long.MIN_VALUE;
        clampLogged = false;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            WindowResult r, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                stamp(r.windowEnd()),
                Arrays.copyOf(r.keyBytes(), r.keyLength()),
                encoder.encode(r));
    }

    /** The record timestamp of a window ending at {@code windowEnd}. Hot path: one compare. */
    long stamp(long windowEnd) {
        if (windowEnd <= aheadBound) {
            return windowEnd;
        }
        long now = System.currentTimeMillis();
        aheadBound = now > Long.MAX_VALUE - maxAheadMs ? Long.MAX_VALUE : now + maxAheadMs;
        if (windowEnd <= aheadBound) {
            return windowEnd;
        }
        if (!clampLogged) {
            clampLogged = true;
            LOG.info(
                    "Topic {}: a window ending at {} ms, {} ms ahead of the wall clock, is stamped"
                            + " at {} ms (--max-future-skew ahead; brokers refuse records stamped"
                            + " further ahead); its value names its end. Logged once per sink"
                            + " subtask.",
                    topic,
                    windowEnd,
                    windowEnd - now,
                    aheadBound);
        }
        return aheadBound;
    }
}

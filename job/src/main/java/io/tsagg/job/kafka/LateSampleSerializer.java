package io.tsagg.job.kafka;

import io.tsagg.serde.record.MetricRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Late samples with their original bytes, one Kafka record each, so they can be replayed into the
 * input topic or written to a database as they are. The value is the sample's origin ({@link
 * MetricRecord#hasOrigin()}), in the input format: for line protocol the line it came from, cut
 * down to its own field ({@code cpu,host=a,region=eu usage_user=1.5 1700000000000000000}: every
 * tag, even those {@code --group-by} dropped, escapes as they were; see {@code LineOrigins}); for
 * frames a frame of its own holding just that sample under its original series key ({@code
 * FrameOrigins}). The Kafka key is the key the rollup aggregates by (the series key, or its group
 * key with {@code group-by}/{@code without}), header {@value #ROLLUP} names the rollup the sample
 * was late for.
 *
 * <p>A sample without its origin (not expected: every sample behind the source's watermark gets
 * one, see {@code DeadLetterRouter}) is written as a line built from what it carries, {@code
 * <aggregation key>=<value> <timestamp ns>}, with header {@value #RENDERED}.
 *
 * <p>With two-phase aggregation, samples that reach the window operator as a pre-aggregated summary
 * and turn out late (possible only after their source partition was idle while the others moved on)
 * are one line for the whole (key, pane), in the result line format ({@code cpu,host=a
 * usage_user_count=3,usage_user_sum=6,... <pane start>}), with header {@value #LATE_SUMMARY}.
 */
public final class LateSampleSerializer implements KafkaRecordSerializationSchema<MetricRecord> {
    private static final long serialVersionUID = 1L;

    /** Header naming the rollup a late sample was late for. */
    public static final String ROLLUP = "tsagg.rollup";

    /** Header marking a late sample written without its original bytes. */
    public static final String RENDERED = "tsagg.rendered";

    /** Header marking a line that summarizes several late samples of one (key, pane). */
    public static final String LATE_SUMMARY = "tsagg.late-summary";

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};

    private final String topic;
    private final byte[] rollup;

    public LateSampleSerializer(String topic) {
        this(topic, "default");
    }

    public LateSampleSerializer(String topic, String rollup) {
        this.topic = topic;
        this.rollup = rollup.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            MetricRecord r, KafkaSinkContext context, Long timestamp) {
        byte[] key = Arrays.copyOf(r.keyBytes(), Math.max(0, r.keyLength()));
        RecordHeaders headers = new RecordHeaders();
        headers.add(ROLLUP, rollup);
        if (r.isPartial()) {
            headers.add(LATE_SUMMARY, TRUE);
            byte[] summary = Arrays.copyOf(r.payload(), r.payloadLength());
            return new ProducerRecord<>(topic, null, r.timestamp(), key, summary, headers);
        }
        if (r.hasOrigin()) {
            byte[] origin = Arrays.copyOf(r.originBytes(), r.originLength());
            return new ProducerRecord<>(topic, null, r.timestamp(), key, origin, headers);
        }
        headers.add(RENDERED, TRUE);
        byte[] tail =
                ("=" + r.value() + " " + Math.multiplyExact(r.timestamp(), 1_000_000L))
                        .getBytes(StandardCharsets.US_ASCII);
        byte[] line = Arrays.copyOf(key, key.length + tail.length);
        System.arraycopy(tail, 0, line, key.length, tail.length);
        return new ProducerRecord<>(topic, null, r.timestamp(), key, line, headers);
    }
}

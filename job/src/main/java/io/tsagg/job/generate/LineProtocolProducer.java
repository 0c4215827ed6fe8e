package io.tsagg.job.generate;

import io.tsagg.serde.ilp.TimestampPrecision;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;

/**
 * Writes a {@link SampleGenerator}'s samples to a Kafka topic as InfluxDB line protocol, several
 * lines per record, as Telegraf's Kafka output does: the series key {@code cpu,host=h,region=r
 * usage_user} and a sample become {@code cpu,host=h,region=r usage_user=12.5 1767225600001000000}.
 * Values are written with {@link Double#toString}, which reads back to the same double, so results
 * can be checked exactly against the generator.
 */
public final class LineProtocolProducer {
    private LineProtocolProducer() {}

    /** Produces everything, flushes, and returns the number of Kafka records written. */
    public static long produce(
            SampleGenerator generator,
            String bootstrapServers,
            Properties extra,
            String topic,
            int partitions,
            int linesPerRecord,
            TimestampPrecision precision,
            PrintStream progress)
            throws Exception {
        return FrameProducer.produceRecords(
                generator.samples(),
                bootstrapServers,
                extra,
                topic,
                partitions,
                progress,
                consumer -> forEachRecord(generator, linesPerRecord, precision, consumer));
    }

    /** Packs the samples into records of up to {@code linesPerRecord} lines each. */
    public static void forEachRecord(
            SampleGenerator generator,
            int linesPerRecord,
            TimestampPrecision precision,
            SampleGenerator.FrameConsumer consumer)
            throws Exception {
        byte[][] buffer = {new byte[64 * linesPerRecord]};
        int[] fill = new int[2]; // bytes, lines
        generator.forEach(
                (s, ts, v) -> {
                    byte[] key = generator.seriesKeyBytes(s);
                    byte[] tail =
                            ("=" + v + " " + fromMillis(ts, precision) + "\n")
                                    .getBytes(StandardCharsets.US_ASCII);
                    int need = fill[0] + key.length + tail.length;
                    if (need > buffer[0].length) {
                        buffer[0] = Arrays.copyOf(buffer[0], Math.max(need, buffer[0].length * 2));
                    }
                    System.arraycopy(key, 0, buffer[0], fill[0], key.length);
                    System.arraycopy(tail, 0, buffer[0], fill[0] + key.length, tail.length);
                    fill[0] = need;
                    if (++fill[1] == linesPerRecord) {
                        consumer.accept(Arrays.copyOf(buffer[0], fill[0]), fill[1]);
                        fill[0] = 0;
                        fill[1] = 0;
                    }
                });
        if (fill[1] > 0) {
            consumer.accept(Arrays.copyOf(buffer[0], fill[0]), fill[1]);
        }
    }

    /** The timestamp {@code ms} in {@code precision} units (seconds round down). */
    static long fromMillis(long ms, TimestampPrecision precision) {
        switch (precision) {
            case NANOSECONDS:
                return Math.multiplyExact(ms, 1_000_000L);
            case MICROSECONDS:
                return Math.multiplyExact(ms, 1_000L);
            case SECONDS:
                return Math.floorDiv(ms, 1_000L);
            default:
                return ms;
        }
    }
}

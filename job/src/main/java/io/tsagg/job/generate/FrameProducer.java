package io.tsagg.job.generate;

import java.io.PrintStream;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a {@link SampleGenerator}'s samples to a Kafka topic as binary frames, spread round-robin
 * over the partitions, with an optional progress line.
 */
public final class FrameProducer {
    private FrameProducer() {}

    /** Produces everything, flushes, and returns the number of Kafka records written. */
    public static long produce(
            SampleGenerator generator,
            String bootstrapServers,
            Properties extra,
            String topic,
            int partitions,
            int samplesPerFrame,
            PrintStream progress)
            throws Exception {
        return produceRecords(
                generator.samples(),
                bootstrapServers,
                extra,
                topic,
                partitions,
                progress,
                consumer -> generator.forEachFrame(samplesPerFrame, consumer));
    }

    /** Kafka record values made from generated samples, handed to a consumer in order. */
    @FunctionalInterface
    interface RecordSource {
        void forEach(SampleGenerator.FrameConsumer consumer) throws Exception;
    }

    /** Sends every record of {@code records} round-robin over the partitions, then flushes. */
    static long produceRecords(
            long total,
            String bootstrapServers,
            Properties extra,
            String topic,
            int partitions,
            PrintStream progress,
            RecordSource records)
            throws Exception {
        Properties p = new Properties();
        p.putAll(extra);
        p.put("bootstrap.servers", bootstrapServers);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.putIfAbsent("linger.ms", "5");
        p.putIfAbsent("batch.size", "1048576");
        p.putIfAbsent("acks", "all");
        AtomicReference<Exception> failure = new AtomicReference<>();
        long[] counts = new long[2]; // records, samples
        long start = System.nanoTime();
        // On a terminal one line is redrawn; in a log or pipe a line is printed every quarter.
        boolean terminal = System.console() != null;
        long step = terminal ? 100_000 : Math.max(1, total / 4);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            records.forEach(
                    (frame, samples) -> {
                        if (failure.get() != null) {
                            throw failure.get();
                        }
                        int partition = (int) (counts[0] % partitions);
                        producer.send(
                                new ProducerRecord<>(topic, partition, null, null, frame),
                                (md, e) -> {
                                    if (e != null) {
                                        failure.compareAndSet(null, e);
                                    }
                                });
                        counts[0]++;
                        long before = counts[1];
                        counts[1] += samples;
                        if (progress != null
                                && counts[1] < total
                                && counts[1] / step != before / step) {
                            printProgress(progress, counts[1], total, start, terminal);
                        }
                    });
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        if (progress != null) {
            printProgress(progress, counts[1], total, start, terminal);
            if (terminal) {
                progress.println();
            }
        }
        return counts[0];
    }

    private static void printProgress(
            PrintStream out, long done, long total, long startNanos, boolean terminal) {
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        out.printf(
                (terminal ? "\r" : "")
                        + "  produced %,d / %,d samples (%d%%), %,.0f samples/s   %s",
                done,
                total,
                total == 0 ? 100 : done * 100 / total,
                done / seconds,
                terminal ? "" : System.lineSeparator());
        out.flush();
    }
}

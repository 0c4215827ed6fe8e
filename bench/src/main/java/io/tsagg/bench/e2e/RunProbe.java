package io.tsagg.bench.e2e;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a contender JVM measures about itself, the same way for every contender.
 *
 * <ul>
 *   <li>As a Kafka {@link ConsumerInterceptor} (set on every consumer of the contender through
 *       {@code interceptor.classes}): the time the first records reach the consumer, and the number
 *       of input records consumed.
 *   <li>As a {@link ProducerInterceptor} (the same class is also handed to the producers, which
 *       Flink's sinks create from the same properties): the time of the last result record sent to
 *       {@link #resultTopic}.
 *   <li>A sampler thread records process CPU time and GC time every {@value #SAMPLE_MILLIS} ms, so
 *       both can be read for the measured interval [first record, last result].
 * </ul>
 *
 * The measured interval excludes JVM and job start (before the first record) and job shutdown and
 * the final transaction commit (after the last result is handed to the producer). State is static:
 * Flink's MiniCluster runs the job in this JVM, and Kafka instantiates interceptors by class name.
 */
public final class RunProbe
        implements ConsumerInterceptor<Object, Object>, ProducerInterceptor<Object, Object> {
    static final int SAMPLE_MILLIS = 20;

    /** Output topic whose records count as results; set by {@link #reset} before each pass. */
    private static volatile String resultTopic = "";

    private static final AtomicLong FIRST_NANOS = new AtomicLong();
    private static final AtomicLong LAST_NANOS = new AtomicLong();
    private static final AtomicLong RECORDS_IN = new AtomicLong();
    private static final AtomicLong RESULTS_OUT = new AtomicLong();

    // (nanoTime, process CPU ns, GC ms) every SAMPLE_MILLIS; enough for an hour.
    private static final int MAX_SAMPLES = 200_000;
    private static final long[] SAMPLE_NANOS = new long[MAX_SAMPLES];
    private static final long[] SAMPLE_CPU = new long[MAX_SAMPLES];
    private static final long[] SAMPLE_GC = new long[MAX_SAMPLES];
    private static final Object SAMPLE_LOCK = new Object();
    private static volatile int samples;
    private static volatile boolean sampling;
    private static Thread sampler;

    public RunProbe() {}

    // ---------------------------------------------------------------- interceptors

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        int n = records.count();
        if (n > 0) {
            firstRecordsSeen(n);
        }
        return records;
    }

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        if (resultTopic.equals(record.topic())) {
            resultSent();
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}

    // ---------------------------------------------------------------- events

    /** {@code n} input records reached a consumer. */
    static void firstRecordsSeen(int n) {
        if (FIRST_NANOS.get() == 0) {
            FIRST_NANOS.compareAndSet(0, System.nanoTime());
        }
        RECORDS_IN.addAndGet(n);
    }

    /** A result left (for the raw consumer: the last input record was touched). */
    static void resultSent() {
        LAST_NANOS.accumulateAndGet(System.nanoTime(), Math::max);
        RESULTS_OUT.incrementAndGet();
    }

    /**
     * Starts a new measured pass: forgets the first and last instants and the counts, and counts
     * results sent to {@code topic} from now on. The CPU and GC sampler goes on.
     */
    static void reset(String topic) {
        resultTopic = topic;
        FIRST_NANOS.set(0);
        LAST_NANOS.set(0);
        RECORDS_IN.set(0);
        RESULTS_OUT.set(0);
    }

    static long firstNanos() {
        return FIRST_NANOS.get();
    }

    static long lastNanos() {
        return LAST_NANOS.get();
    }

    static long recordsIn() {
        return RECORDS_IN.get();
    }

    static long resultsOut() {
        return RESULTS_OUT.get();
    }

    // ---------------------------------------------------------------- CPU and GC sampler

    static synchronized void startSampler() {
        if (sampler != null) {
            return;
        }
        sampling = true;
        sampler =
                new Thread(
                        () -> {
                            while (sampling && samples < MAX_SAMPLES) {
                                sample();
                                try {
                                    Thread.sleep(SAMPLE_MILLIS);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "bench-probe-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    static synchronized void stopSampler() throws InterruptedException {
        sampling = false;
        if (sampler != null) {
            sampler.join();
        }
        sample();
    }

    /**
     * Takes one sample now (also the sampler's step), so that an interval just ended is covered.
     */
    static void sample() {
        synchronized (SAMPLE_LOCK) {
            int i = samples;
            if (i >= MAX_SAMPLES) {
                return;
            }
            SAMPLE_NANOS[i] = System.nanoTime();
            SAMPLE_CPU[i] = processCpuNanos();
            SAMPLE_GC[i] = gcMillis();
            samples = i + 1;
        }
    }

    static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    /** Process CPU ns between two instants, interpolated between samples. */
    static long cpuNanosBetween(long fromNanos, long toNanos) {
        return interpolate(SAMPLE_CPU, toNanos) - interpolate(SAMPLE_CPU, fromNanos);
    }

    /** GC ms between two instants, interpolated between samples. */
    static long gcMillisBetween(long fromNanos, long toNanos) {
        return interpolate(SAMPLE_GC, toNanos) - interpolate(SAMPLE_GC, fromNanos);
    }

    private static long interpolate(long[] values, long at) {
        int n = samples;
        if (n == 0) {
            return 0;
        }
        if (at <= SAMPLE_NANOS[0]) {
            return values[0];
        }
        for (int i = 1; i < n; i++) {
            if (SAMPLE_NANOS[i] >= at) {
                long t0 = SAMPLE_NANOS[i - 1];
                long t1 = SAMPLE_NANOS[i];
                double f = t1 == t0 ? 1 : (at - t0) / (double) (t1 - t0);
                return values[i - 1] + Math.round(f * (values[i] - values[i - 1]));
            }
        }
        return values[n - 1];
    }

    /** Peak resident set size of this process in bytes ({@code VmHWM}), or -1 if unknown. */
    static long peakRssBytes() {
        return peakRssBytes(Path.of("/proc/self/status"));
    }

    /** {@code VmHWM} of a {@code /proc/<pid>/status} file in bytes, or -1. */
    static long peakRssBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

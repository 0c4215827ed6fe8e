package io.tsagg.bench.serde;

import io.tsagg.serde.MalformedInputException;
import io.tsagg.serde.frame.FrameDecoder;
import io.tsagg.serde.frame.FrameWriter;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Binary frame decoding ({@link FrameDecoder}): wrap (full validation: CRC32C, UTF-8, key hashes,
 * series indexes) plus reading every sample, per sample. One op = one sample, so the score is
 * samples/s; MB/s = score x {@link #BYTES_PER_SAMPLE} (printed at setup) / 1e6.
 *
 * <p>{@code dictionary}: {@code repeated} decodes one frame again and again, so from the second
 * time on its key dictionary is one the decoder remembers (compared, not validated and hashed);
 * {@code new} cycles through one frame more than the decoder remembers dictionaries of, so every
 * frame's keys are validated and hashed.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar FrameDecode -prof gc} (the fork adds the
 * vector module).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class FrameDecodeBenchmark {
    static final int SAMPLES = 10_000;
    static double BYTES_PER_SAMPLE;

    @Param({"repeated", "new"})
    public String dictionary;

    /** Series per frame: 100 samples each, or one sample each (a scrape of 10,000 series). */
    @Param({"100", "10000"})
    public int series;

    private final FrameDecoder decoder = new FrameDecoder();
    private byte[][] frames;
    private long[] expectedSums;
    private int next;
    private byte[] frame;
    private long expected;

    @Setup
    public void setUp() throws MalformedInputException {
        int count = dictionary.equals("new") ? FrameDecoder.KEY_TABLES + 1 : 1;
        frames = new byte[count][];
        expectedSums = new long[count];
        for (int f = 0; f < count; f++) {
            setUp(f);
            frames[f] = frame;
            expectedSums[f] = expected;
        }
        BYTES_PER_SAMPLE = frame.length / (double) SAMPLES;
        System.out.printf(
                "%nframe: %d bytes, %d samples, %.2f bytes/sample, %d dictionaries%n",
                frame.length, SAMPLES, BYTES_PER_SAMPLE, count);
    }

    private void setUp(int f) throws MalformedInputException {
        FrameWriter w = new FrameWriter();
        for (int s = 0; s < series; s++) {
            w.addSeries(
                    "cpu,host=host-" + s + ",region=eu-" + (s % 5) + ",rack=r" + f + " usage_user");
        }
        Random random = new Random(1);
        long sum = 0;
        long[] ids = new long[series];
        for (int i = 0; i < SAMPLES; i++) {
            int s = i % series;
            long ts = 1_767_225_600_000L + i * 10L;
            double v = random.nextDouble() * 100;
            w.addSample(s, ts, v);
        }
        frame = w.toByteArray();
        // The expected checksum, from an independent walk of what was written.
        decoder.wrap(frame, 0, frame.length);
        for (int s = 0; s < series; s++) {
            ids[s] = decoder.seriesKeyHash(s);
        }
        random = new Random(1);
        for (int i = 0; i < SAMPLES; i++) {
            sum +=
                    checksum(
                            ids[i % series],
                            1_767_225_600_000L + i * 10L,
                            random.nextDouble() * 100);
        }
        expected = sum;
        long actual = decodeAll();
        if (actual != expected) {
            throw new AssertionError("frame checksum " + actual + " != expected " + expected);
        }
    }

    static long checksum(long id, long ts, double v) {
        return (id * 31 + ts) ^ Double.doubleToRawLongBits(v);
    }

    private long decodeAll() throws MalformedInputException {
        FrameDecoder d = decoder;
        d.wrap(frame, 0, frame.length);
        long sum = 0;
        int n = d.sampleCount();
        for (int i = 0; i < n; i++) {
            sum += checksum(d.seriesKeyHash(d.seriesIndex(i)), d.timestamp(i), d.value(i));
        }
        return sum;
    }

    /** Validate and read a whole frame; the checksum of what was read is checked every time. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public void decode(Blackhole bh) throws MalformedInputException {
        int f = next;
        next = f + 1 == frames.length ? 0 : f + 1;
        frame = frames[f];
        bh.consume(check(decodeAll(), expectedSums[f]));
    }

    /** Returns {@code actual} after checking it is {@code expected}. */
    static long check(long actual, long expected) {
        if (actual != expected) {
            throw new IllegalStateException("checksum " + actual + " != expected " + expected);
        }
        return actual;
    }
}

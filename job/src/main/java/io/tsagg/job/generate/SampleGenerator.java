package io.tsagg.job.generate;

import io.tsagg.serde.frame.FrameWriter;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Deterministic synthetic metrics: {@code series} series, each with one sample every {@code stepMs}
 * from {@code startMs}, for {@code samples} samples in all. Samples come tick by tick, but within
 * each block of {@code disorderTicks} ticks the ticks are shuffled (seeded), so the stream is out
 * of order by up to {@code disorderTicks * stepMs} ms while every series' timestamps stay distinct.
 *
 * <p>Series keys look like {@code cpu,host=host-0042,region=eu-2 usage_user}; values are a pure
 * function of (series, tick) with a per-series offset, a slow wave and noise, so tests can compute
 * the expected results independently of the order they were produced in.
 */
public final class SampleGenerator {
    private static final String[] REGIONS = {"eu-1", "eu-2", "us-1", "us-2", "ap-1"};
    private static final String[] FIELDS = {"usage_user", "usage_system"};

    private final long samples;
    private final int series;
    private final long startMs;
    private final long stepMs;
    private final int disorderTicks;
    private final long seed;
    private final byte[][] keys;

    /** Receives samples in production order. */
    @FunctionalInterface
    public interface SampleConsumer {
        void accept(int series, long timestampMs, double value) throws Exception;
    }

    public SampleGenerator(
            long samples, int series, long startMs, long stepMs, int disorderTicks, long seed) {
        if (samples < 0 || series < 1 || stepMs < 1 || disorderTicks < 1) {
            throw new IllegalArgumentException(
                    "need samples >= 0, series >= 1, step >= 1 ms, disorder >= 1 tick");
        }
        this.samples = samples;
        this.series = series;
        this.startMs = startMs;
        this.stepMs = stepMs;
        this.disorderTicks = disorderTicks;
        this.seed = seed;
        this.keys = new byte[series][];
        for (int s = 0; s < series; s++) {
            keys[s] = seriesKey(s).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The defaults of {@code ./tsagg local}: 100 ms step, 2 s of disorder, 2026-01-01. */
    public static SampleGenerator standard(long samples, int series, long seed) {
        return new SampleGenerator(samples, series, 1_767_225_600_000L, 100, 20, seed);
    }

    public long samples() {
        return samples;
    }

    public int series() {
        return series;
    }

    public long startMs() {
        return startMs;
    }

    /** Largest amount by which a sample can precede an earlier-produced one, in ms. */
    public long maxDisorderMs() {
        return (long) disorderTicks * stepMs;
    }

    public String seriesKey(int s) {
        return String.format(
                "cpu,host=host-%04d,region=%s %s",
                s / FIELDS.length, REGIONS[(s / FIELDS.length) % REGIONS.length], FIELDS[s % 2]);
    }

    public byte[] seriesKeyBytes(int s) {
        return keys[s];
    }

    public long timestamp(long tick, int s) {
        // A fixed per-series phase within the step keeps series apart in time.
        return startMs + tick * stepMs + (s % stepMs);
    }

    public double value(long tick, int s) {
        long h = mix(seed ^ (tick * 0x9E3779B97F4A7C15L) ^ ((long) s << 32));
        double noise = (h >>> 11) * 0x1.0p-53 - 0.5;
        double base = s % 7 == 0 ? 1.0e6 : 10.0 * (s % 10); // some with a large offset
        return base + 20.0 * Math.sin(tick / 50.0 + s) + noise * 5.0;
    }

    /** Calls {@code consumer} for every sample, in production order. */
    public void forEach(SampleConsumer consumer) throws Exception {
        long ticks = (samples + series - 1) / series;
        Random random = new Random(seed);
        int[] order = new int[disorderTicks];
        long emitted = 0;
        for (long block = 0; block < ticks && emitted < samples; block += disorderTicks) {
            int n = (int) Math.min(disorderTicks, ticks - block);
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int i = 0; i < n && emitted < samples; i++) {
                long tick = block + order[i];
                int perTick = (int) Math.min(series, samples - emitted);
                for (int s = 0; s < perTick; s++) {
                    consumer.accept(s, timestamp(tick, s), value(tick, s));
                }
                emitted += perTick;
            }
        }
    }

    /** Receives encoded frames. */
    @FunctionalInterface
    public interface FrameConsumer {
        void accept(byte[] frame, int samples) throws Exception;
    }

    /** Packs the samples into binary frames of up to {@code samplesPerFrame} samples each. */
    public void forEachFrame(int samplesPerFrame, FrameConsumer consumer) throws Exception {
        FrameWriter writer = new FrameWriter();
        int[] index = new int[series];
        forEach(
                (s, ts, v) -> {
                    if (writer.sampleCount() == 0) {
                        java.util.Arrays.fill(index, -1);
                    }
                    if (index[s] < 0) {
                        index[s] = writer.addSeries(keys[s]);
                    }
                    writer.addSample(index[s], ts, v);
                    if (writer.sampleCount() == samplesPerFrame) {
                        consumer.accept(writer.toByteArray(), writer.sampleCount());
                        writer.reset();
                    }
                });
        if (writer.sampleCount() > 0) {
            consumer.accept(writer.toByteArray(), writer.sampleCount());
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}

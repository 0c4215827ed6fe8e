package io.tsagg.operators.kernels;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the vector kernels on a daemon thread right after they were chosen, so that C2 has compiled
 * them before the first window fires.
 *
 * <p>Why: until C2 compiles it, Vector API code runs its Java fallback (every vector operation a
 * call, {@code reinterpretAsLongs} a round trip through a {@code ByteBuffer}), hundreds of times
 * slower than the compiled loop and allocating on every operation. A JFR profile of an end-to-end
 * run on frames (session 5, bench/results/2026-12-06/kernel-warmup) found the first panes' chunk
 * reductions there: 15% of the source thread's samples of the whole run, all within the first two
 * seconds of input, while Kafka input waited. The warm-up takes about {@value #CALLS} small calls,
 * well under a second of one thread's time at job start, and is done once per JVM (per class
 * loader).
 */
final class KernelWarmup implements Runnable {
    /** Calls: past C2's invocation and back-edge thresholds (10,000-15,000) with margin. */
    static final int CALLS = 40_000;

    private static final Logger LOG = LoggerFactory.getLogger(KernelWarmup.class);

    private final StatsKernels kernels;

    /** Sum of the results, kept so the calls are not optimized away. */
    private double sink;

    private KernelWarmup(StatsKernels kernels) {
        this.kernels = kernels;
    }

    /** Starts the warm-up of {@code kernels} on a daemon thread of the lowest priority. */
    static Thread start(StatsKernels kernels) {
        Thread t = new Thread(new KernelWarmup(kernels), "tsagg-kernel-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        try {
            // Sizes 1 to 67: every tail length and both the scalar and the vector entry. Every
            // other call on values that start with 64 zeros, for which the vector kernels find no
            // bias and take their TwoSum loop: both loops get compiled.
            double[] values = new double[67];
            double[] zeroLed = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = 1.0e6 + (i * 7919 % 101) * 0.25;
                zeroLed[i] = i < 64 ? 0.0 : values[i];
            }
            ChunkMoments out = new ChunkMoments();
            for (int i = 0; i < CALLS; i++) {
                kernels.moments((i & 1) == 0 ? values : zeroLed, 0, 1 + i % values.length, out);
                sink += out.m2();
            }
            LOG.debug(
                    "Statistics kernels {} warmed up in {} ms ({} calls, checksum {})",
                    kernels.name(),
                    (System.nanoTime() - start) / 1_000_000,
                    CALLS,
                    sink);
        } catch (RuntimeException | Error e) {
            // Only the warm-up is lost: the kernels compile on first use instead.
            LOG.warn("Warming up the statistics kernels failed", e);
        }
    }
}

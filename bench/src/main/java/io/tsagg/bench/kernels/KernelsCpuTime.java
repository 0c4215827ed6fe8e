package io.tsagg.bench.kernels;

import io.tsagg.operators.kernels.ChunkMoments;
import io.tsagg.operators.kernels.StatsKernels;
import io.tsagg.operators.kernels.StatsKernelsProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The comparison of {@link StatsKernelsBenchmark} (full-statistics kernel against its scalar twin,
 * on chunks that stay in L1/L2) measured by this thread's CPU time instead of wall time, with the
 * twins alternating in short blocks. On a shared machine, JMH's wall-clock score of one benchmark
 * method and then the other sees different loads (the scalar twin's score varied 3.6x between runs
 * here); CPU time leaves out the time the thread waits for a core, and alternation gives both twins
 * the same neighbours. Every call's result is checked bit for bit, as in the JMH benchmark.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     io.tsagg.bench.kernels.KernelsCpuTime [blocks] [sizes...]
 * </pre>
 *
 * Prints, per size, the median CPU ns per call of each twin over the measured blocks and their
 * ratio, as a markdown table.
 */
public final class KernelsCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long BLOCK_NS = 2_000_000;

    private KernelsCpuTime() {}

    public static void main(String[] args) {
        int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 101;
        int[] sizes =
                args.length > 1
                        ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                        : new int[] {256, 1000, 1023, 4096};
        StatsKernels vector =
                StatsKernelsProvider.vector()
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "jdk.incubator.vector is absent: run with"
                                                        + " --add-modules jdk.incubator.vector"));
        StatsKernels scalar = StatsKernelsProvider.scalar();
        System.out.println("| size | vector ns/call | scalar ns/call | scalar/vector | blocks |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: |");
        for (int size : sizes) {
            Twin v = new Twin(vector, size);
            Twin s = new Twin(scalar, size);
            KernelsCheck.assertTwinsAgree(vector, scalar, v.values, size);
            // Warm-up: both compiled by C2, and calls per block sized to about 2 ms.
            for (int i = 0; i < 20; i++) {
                v.block(v.calls);
                s.block(s.calls);
            }
            v.calibrate();
            s.calibrate();
            double[] vNs = new double[blocks];
            double[] sNs = new double[blocks];
            for (int b = 0; b < blocks; b++) {
                vNs[b] = v.block(v.calls);
                sNs[b] = s.block(s.calls);
            }
            double vMedian = median(vNs);
            double sMedian = median(sNs);
            System.out.printf(
                    "| %d | %.1f | %.1f | %.1fx | %d |%n",
                    size, vMedian, sMedian, sMedian / vMedian, blocks);
        }
    }

    private static double median(double[] a) {
        double[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    /** One twin on its own copy of the values, with its expected result. */
    private static final class Twin {
        final StatsKernels kernels;
        final double[] values;
        final int size;
        final long[] expected;
        final ChunkMoments moments = new ChunkMoments();
        int calls = 1000;

        Twin(StatsKernels kernels, int size) {
            this.kernels = kernels;
            this.size = size;
            SplittableRandom r = new SplittableRandom(42);
            values = new double[size];
            for (int i = 0; i < size; i++) {
                values[i] = 1e6 + r.nextDouble(-50.0, 50.0);
            }
            expected = KernelsCheck.copy(kernels.moments(values, 0, size, new ChunkMoments()));
        }

        /** Sets the calls per block to about {@link #BLOCK_NS} of CPU time. */
        void calibrate() {
            double ns = block(calls);
            calls = (int) Math.max(10, Math.min(10_000_000, BLOCK_NS / ns));
        }

        /** CPU ns per call over {@code n} checked calls. */
        double block(int n) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                KernelsCheck.same(kernels.moments(values, 0, size, moments), expected);
            }
            return (THREADS.getCurrentThreadCpuTime() - t0) / (double) n;
        }
    }
}

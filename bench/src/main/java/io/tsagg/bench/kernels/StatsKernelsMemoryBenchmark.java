package io.tsagg.bench.kernels;

import io.tsagg.operators.kernels.ChunkMoments;
import io.tsagg.operators.kernels.StatsKernels;
import io.tsagg.operators.kernels.StatsKernelsProvider;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The full-statistics kernel against a plain vector sum over the same memory, when the data are
 * larger than the caches: the kernel should run near memory speed, like the sum. The array (512 MiB
 * by default: our 2-core VM reports a 300 MiB L3, so 64 MiB would still be cached) is reduced chunk
 * by chunk, as the window store calls the kernels (chunks of at most 4 KiB = 512 values there);
 * both contenders walk the same chunks in the same order.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar StatsKernelsMemoryBenchmark -f 1 -wi 3 -i 5 -prof gc
 * </pre>
 *
 * Bandwidth = mebibytes / (ms/op) × 1000 MiB/s. Each operation checks its result against the one
 * computed at setup (sum of the chunk counts and a checksum of the chunk results).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class StatsKernelsMemoryBenchmark {

    @Param({"512"})
    int mebibytes;

    /** Values per kernel call. */
    @Param({"512", "4096"})
    int chunk;

    private double[] values;
    private StatsKernels vector;
    private StatsKernels scalar;
    private final ChunkMoments moments = new ChunkMoments();
    private double expectedVectorMoments;
    private double expectedScalarMoments;
    private double expectedSum;

    @Setup
    public void setup() {
        vector =
                StatsKernelsProvider.vector()
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "jdk.incubator.vector is absent:"
                                                        + " fork with --add-modules"));
        scalar = StatsKernelsProvider.scalar();
        values = new double[mebibytes * (1 << 20) / Double.BYTES];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextDouble(0.0, 100.0);
        }
        KernelsCheck.assertTwinsAgree(vector, scalar, values, chunk);
        expectedVectorMoments = moments(vector);
        expectedScalarMoments = moments(scalar);
        expectedSum = sum(vector);
    }

    /** A checksum of every chunk's moments; its count part must add up to the array length. */
    private double moments(StatsKernels kernels) {
        final double[] v = values;
        final int step = chunk;
        long count = 0;
        double checksum = 0.0;
        for (int from = 0; from < v.length; from += step) {
            ChunkMoments m = kernels.moments(v, from, Math.min(v.length, from + step), moments);
            count += m.count();
            checksum += m.sumHigh() + m.m2() + m.min() + m.max();
        }
        if (count != v.length) {
            throw new IllegalStateException("moments counted " + count + " of " + v.length);
        }
        return checksum;
    }

    private double sum(StatsKernels kernels) {
        final double[] v = values;
        final int step = chunk;
        double sum = 0.0;
        for (int from = 0; from < v.length; from += step) {
            sum += kernels.sum(v, from, Math.min(v.length, from + step));
        }
        return sum;
    }

    @Benchmark
    public double momentsVector() {
        return KernelsCheck.same(moments(vector), expectedVectorMoments);
    }

    @Benchmark
    public double sumVector() {
        return KernelsCheck.same(sum(vector), expectedSum);
    }

    @Benchmark
    public double momentsScalar() {
        return KernelsCheck.same(moments(scalar), expectedScalarMoments);
    }
}

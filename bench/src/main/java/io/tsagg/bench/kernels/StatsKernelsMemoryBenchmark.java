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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The full-statistics kernel against a plain vector sum over the same memory, when the data are
 * larger than the caches: the kernel should run near memory speed, like the sum. 64 MiB is beyond
 * L1/L2 on any machine; on a CPU with a huge L3 (our 2-core VM reports 300 MiB) only 512 MiB is
 * surely beyond every cache.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar StatsKernelsMemoryBenchmark \
 *     -f 1 -wi 3 -i 5 -prof gc
 * </pre>
 *
 * Bandwidth = mebibytes / (ms/op) × 1000 MiB/s.
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

    @Param({"64", "512"})
    int mebibytes;

    private double[] values;
    private StatsKernels vector;
    private StatsKernels scalar;
    private final ChunkMoments moments = new ChunkMoments();

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
        KernelsCheck.assertTwinsAgree(vector, scalar, values, values.length);
    }

    @Benchmark
    public void momentsVector(Blackhole bh) {
        StatsKernelsBenchmark.consume(bh, vector.moments(values, 0, values.length, moments));
    }

    @Benchmark
    public double sumVector() {
        return vector.sum(values, 0, values.length);
    }

    @Benchmark
    public void momentsScalar(Blackhole bh) {
        StatsKernelsBenchmark.consume(bh, scalar.moments(values, 0, values.length, moments));
    }
}

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
 * The full-statistics kernel ({@link StatsKernels#moments}) against its scalar twin on chunks that
 * stay in L1/L2, the sizes a store's per-slot chunk would have, including sizes that are not a
 * multiple of the lane count (vector and scalar tails). The plain sums are there for scale.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar StatsKernelsBenchmark \
 *     -f 1 -wi 3 -i 5 -prof gc
 * </pre>
 *
 * Throughput is per call; values per second = ops/s × size. Every call's result is compared with
 * the one computed at setup (the kernels are deterministic, so bit for bit), after the twins were
 * checked against each other.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
public class StatsKernelsBenchmark {

    @Param({"256", "1000", "1023", "4096"})
    int size;

    private double[] values;
    private final ChunkMoments moments = new ChunkMoments();
    private StatsKernels vector;
    private StatsKernels scalar;

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
        SplittableRandom r = new SplittableRandom(42);
        values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = 1e6 + r.nextDouble(-50.0, 50.0);
        }
        KernelsCheck.assertTwinsAgree(vector, scalar, values, size);
        expectedVector = KernelsCheck.copy(vector.moments(values, 0, size, new ChunkMoments()));
        expectedScalar = KernelsCheck.copy(scalar.moments(values, 0, size, new ChunkMoments()));
        expectedSumVector = vector.sum(values, 0, size);
        expectedSumScalar = scalar.sum(values, 0, size);
    }

    private long[] expectedVector;
    private long[] expectedScalar;
    private double expectedSumVector;
    private double expectedSumScalar;

    @Benchmark
    public void momentsVector(Blackhole bh) {
        consume(bh, KernelsCheck.same(vector.moments(values, 0, size, moments), expectedVector));
    }

    @Benchmark
    public void momentsScalar(Blackhole bh) {
        consume(bh, KernelsCheck.same(scalar.moments(values, 0, size, moments), expectedScalar));
    }

    @Benchmark
    public double sumVector() {
        return KernelsCheck.same(vector.sum(values, 0, size), expectedSumVector);
    }

    @Benchmark
    public double sumScalar() {
        return KernelsCheck.same(scalar.sum(values, 0, size), expectedSumScalar);
    }

    static void consume(Blackhole bh, ChunkMoments m) {
        bh.consume(m.count());
        bh.consume(m.sumHigh());
        bh.consume(m.sumLow());
        bh.consume(m.min());
        bh.consume(m.max());
        bh.consume(m.mean());
        bh.consume(m.m2());
    }
}

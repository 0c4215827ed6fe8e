package io.tsagg.bench.sketch;

import io.tsagg.operators.sketch.QuantileSketch;
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
 * Adding a chunk of raw values to a {@link QuantileSketch} (the per-value cost of quantiles) and
 * reading a quantile.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar QuantileSketchBenchmark -f 1 -wi 3 -i 5 -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class QuantileSketchBenchmark {
    @Param({"1000"})
    int size;

    private double[] values;
    private QuantileSketch sketch;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(3);
        values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = Math.exp(3 + r.nextDouble(-2, 2));
        }
        sketch = QuantileSketch.onHeap(QuantileSketch.DEFAULT_RELATIVE_ACCURACY, 2048, 64);
        sketch.addAll(values, 0, size);
    }

    /** Includes clearing the 2,112 bucket words. */
    @Benchmark
    public long addAll() {
        sketch.clear().addAll(values, 0, size);
        return sketch.count();
    }

    @Benchmark
    public double quantile() {
        return sketch.quantile(0.99);
    }
}

package io.tsagg.bench.sketch;

import io.tsagg.operators.sketch.HeapQuantileSketch;
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
 * reading a quantile; the sketch is a {@link HeapQuantileSketch}, grown to fit on setup.
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
    private HeapQuantileSketch sketch;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(3);
        values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = Math.exp(3 + r.nextDouble(-2, 2));
        }
        sketch = new HeapQuantileSketch(QuantileSketch.DEFAULT_RELATIVE_ACCURACY);
        addAll();
    }

    /** Includes clearing the occupied buckets (about 200 at 1% for this factor-of-55 range). */
    @Benchmark
    public long addAll() {
        sketch.clear();
        for (int i = 0; i < size; i++) {
            sketch.add(values[i]);
        }
        return sketch.sketch().count();
    }

    @Benchmark
    public double quantile() {
        return sketch.sketch().quantile(0.99);
    }
}

package io.tsagg.bench.window;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The keyed window operator, samples/s: ours ({@code operator=tsagg}: {@code
 * WindowAggregateOperator}, off-heap store on managed memory) against Flink's {@code
 * WindowOperator} with the same statistics as an {@code AggregateFunction} on the heap state
 * backend ({@code operator=flink}), both in Flink's keyed operator test harness with identical
 * input (see {@link WindowOperatorDriver}). One op = one sample, so the score is samples/s and
 * {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes allocated per sample, warm.
 *
 * <p>Checked inside the benchmark: at setup, both operators' results for a small input agree window
 * by window (counts, min, max, first, last exactly; sums, means and standard deviations within 1e-9
 * relative); at teardown, every sample fed is counted in the fired windows and the sums add up.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar WindowOperator -prof gc}. {@code -p
 * operator=tsagg,tsagg-quantiles} measures the cost of quantiles (p50, p90, p99 at 1%).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g", "-XX:+UseParallelGC"})
public class WindowOperatorBenchmark {
    /** Samples per invocation: prime, so watermarks and windows fall anywhere in a batch. */
    static final int BATCH = 100_003;

    @Param({"tsagg", "flink"})
    public String operator;

    @Param({"10000", "1000000"})
    public int keys;

    @Param({"tumbling", "sliding"})
    public String windows;

    @Param({"1000"})
    public int watermarkEvery;

    /**
     * {@code roundrobin}: the keys in the same order every round, as a scraper or producer walks
     * its series; {@code shuffled}: each round in a new random order (both operators see the same).
     */
    @Param({"roundrobin"})
    public String order;

    private WindowOperatorDriver driver;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        crossCheck("sliding".equals(windows), "shuffled".equals(order));
        // Enough managed memory for every open (key, pane) of 1M keys with their chunks.
        long managed = keys >= 100_000 ? 1L << 30 : 64L << 20;
        driver =
                new WindowOperatorDriver(
                        operator,
                        keys,
                        "sliding".equals(windows),
                        watermarkEvery,
                        managed,
                        false,
                        "shuffled".equals(order));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void process() throws Exception {
        driver.feed(BATCH);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            driver.finishAndCheck();
        } finally {
            driver.close();
        }
    }

    /** Both operators, the same small input: the same windows with the same statistics. */
    static void crossCheck(boolean sliding, boolean shuffled) throws Exception {
        Map<String, double[]> ours = run("tsagg", sliding, shuffled);
        Map<String, double[]> theirs = run("flink", sliding, shuffled);
        if (!ours.keySet().equals(theirs.keySet())) {
            throw new AssertionError(
                    "different windows: tsagg " + ours.size() + ", flink " + theirs.size());
        }
        String[] names = {"count", "sum", "min", "max", "mean", "stddev", "first", "last"};
        boolean[] exact = {true, false, true, true, false, false, true, true};
        for (Map.Entry<String, double[]> e : ours.entrySet()) {
            double[] a = e.getValue();
            double[] b = theirs.get(e.getKey());
            for (int i = 0; i < names.length; i++) {
                boolean same =
                        exact[i]
                                ? Double.compare(a[i], b[i]) == 0
                                : Double.compare(a[i], b[i]) == 0
                                        || Math.abs(a[i] - b[i])
                                                <= 1e-9 * Math.max(Math.abs(a[i]), Math.abs(b[i]));
                if (!same) {
                    throw new AssertionError(
                            names[i] + " of " + e.getKey() + ": tsagg " + a[i] + ", flink " + b[i]);
                }
            }
        }
    }

    private static Map<String, double[]> run(String operator, boolean sliding, boolean shuffled)
            throws Exception {
        try (WindowOperatorDriver d =
                new WindowOperatorDriver(operator, 1_009, sliding, 97, 64L << 20, true, shuffled)) {
            d.feed(50_021);
            d.finishAndCheck();
            return d.collected();
        }
    }
}

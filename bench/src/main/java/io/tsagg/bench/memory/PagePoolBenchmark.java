package io.tsagg.bench.memory;

import io.tsagg.operators.memory.PagePool;
import io.tsagg.operators.memory.SlabAllocator;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.memory.MemorySegment;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The page pool and slab allocator ({@link PagePool}, {@link SlabAllocator}) against the Java heap,
 * for what the window store does with them: keep the raw values of one window per key and drop them
 * when the window fires.
 *
 * <ul>
 *   <li>{@code slabChunks}: per key, a chunk that starts as a 64-byte block (7 values) and grows
 *       through the size classes to 4 KiB (511 values), then is reduced (summed) and refilled, as
 *       {@code ManagedWindowStore} does; all blocks freed and pages compacted when the window
 *       fires.
 *   <li>{@code heapGrowingArrays}: per key and window a {@code new double[8]} grown by doubling
 *       ({@code Arrays.copyOf}), what a list of values does; dropped to the GC when the window
 *       fires.
 *   <li>{@code heapExactArrays}: per key and window a {@code new double[n]} of the exact final
 *       size: the best a heap implementation can do, knowing the future.
 *   <li>{@code slabAllocateFree} / {@code heapAllocate}: one 64-byte block, allocated and freed, vs
 *       a {@code new long[8]} left to the GC.
 * </ul>
 *
 * One op = one value appended (chunk benchmarks) or one block (allocate benchmarks). Every chunk
 * benchmark returns the sum of what it stored, checked against the sum of the input.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar PagePool -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class PagePoolBenchmark {
    /** Values per invocation (one window of every key): 13 x 509 x 79, awkward on purpose. */
    static final int VALUES = 522_743;

    /**
     * Values per key and window: 13 (a quiet key, 40,211 keys), 509 (about a full chunk, 1,027
     * keys), 6,617 (a busy key, 79 keys). Each divides {@link #VALUES}.
     */
    @Param({"13", "509", "6617"})
    public int valuesPerWindow;

    private int keys;

    private static final int MAX_CLASS = 6; // 4 KiB: 8-byte header + 511 values
    private static final int BLOCKS = 4_099;

    private PagePool pool;
    private SlabAllocator slab;
    private long[] chunks;
    private double[][] arrays;
    private int[] fill;
    private double[] values;
    private double expected;
    private long[] blocks;

    @Setup(Level.Trial)
    public void setUp() {
        pool = PagePool.unmanaged(32 * 1024, 256L << 20);
        slab = new SlabAllocator(pool);
        keys = VALUES / valuesPerWindow;
        chunks = new long[keys];
        arrays = new double[keys][];
        fill = new int[keys];
        blocks = new long[BLOCKS];
        values = new double[VALUES];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 100;
            expected += values[i];
        }
        check("slabChunks", slabChunks());
        check("heapGrowingArrays", heapGrowingArrays());
        check("heapExactArrays", heapExactArrays());
    }

    private void check(String name, double sum) {
        if (Math.abs(sum - expected) > 1e-9 * expected) {
            throw new AssertionError(
                    name + " stored values summing to " + sum + ", not " + expected);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        check("slabChunks", slabChunks());
        if (slab.blocksInUse() != 0 || pool.pagesInUse() != 0) {
            throw new AssertionError(
                    "leak: " + slab.blocksInUse() + " blocks, " + pool.pagesInUse() + " pages");
        }
        pool.close();
    }

    /** One window: values arrive round robin over the keys; then the window fires. */
    @Benchmark
    @OperationsPerInvocation(VALUES)
    public double slabChunks() {
        java.util.Arrays.fill(chunks, SlabAllocator.NONE);
        double reduced = 0;
        int n = values.length;
        for (int i = 0; i < n; i++) {
            int k = i % keys;
            long h = chunks[k];
            if (h == SlabAllocator.NONE) {
                h = slab.allocate(0);
                chunks[k] = h;
                fill[k] = 0;
            }
            MemorySegment seg = slab.segment(h);
            int base = SlabAllocator.offset(h);
            int c = fill[k] >>> 24; // class in the high byte of our fill word
            int f = fill[k] & 0xFF_FFFF;
            if (f == (SlabAllocator.blockSize(c) >> 3) - 1) {
                if (c < MAX_CLASS) {
                    long grown = slab.allocate(c + 1);
                    MemorySegment to = slab.segment(grown);
                    seg.copyTo(base, to, SlabAllocator.offset(grown), 8 + (f << 3));
                    slab.free(h, c);
                    h = grown;
                    seg = to;
                    base = SlabAllocator.offset(grown);
                    c++;
                } else {
                    for (int j = 0; j < f; j++) {
                        reduced += seg.getDouble(base + 8 + (j << 3));
                    }
                    f = 0;
                }
                chunks[k] = h;
            }
            seg.putDouble(base + 8 + (f << 3), values[i]);
            fill[k] = c << 24 | (f + 1);
        }
        for (int k = 0; k < keys; k++) {
            long h = chunks[k];
            MemorySegment seg = slab.segment(h);
            int base = SlabAllocator.offset(h);
            int f = fill[k] & 0xFF_FFFF;
            for (int j = 0; j < f; j++) {
                reduced += seg.getDouble(base + 8 + (j << 3));
            }
            slab.free(h, fill[k] >>> 24);
        }
        slab.compact();
        return reduced;
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public double heapGrowingArrays() {
        int n = values.length;
        for (int k = 0; k < keys; k++) {
            arrays[k] = new double[8];
            fill[k] = 0;
        }
        for (int i = 0; i < n; i++) {
            int k = i % keys;
            double[] a = arrays[k];
            int f = fill[k];
            if (f == a.length) {
                arrays[k] = a = Arrays.copyOf(a, f * 2);
            }
            a[f] = values[i];
            fill[k] = f + 1;
        }
        double reduced = 0;
        for (int k = 0; k < keys; k++) {
            double[] a = arrays[k];
            for (int j = 0; j < fill[k]; j++) {
                reduced += a[j];
            }
            arrays[k] = null;
        }
        return reduced;
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public double heapExactArrays() {
        int n = values.length;
        int per = valuesPerWindow;
        for (int k = 0; k < keys; k++) {
            arrays[k] = new double[per];
            fill[k] = 0;
        }
        for (int i = 0; i < n; i++) {
            int k = i % keys;
            arrays[k][fill[k]++] = values[i];
        }
        double reduced = 0;
        for (int k = 0; k < keys; k++) {
            double[] a = arrays[k];
            for (int j = 0; j < fill[k]; j++) {
                reduced += a[j];
            }
            arrays[k] = null;
        }
        return reduced;
    }

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public void slabAllocateFree(Blackhole bh) {
        for (int i = 0; i < BLOCKS; i++) {
            long h = slab.allocate(0);
            slab.segment(h).putLong(SlabAllocator.offset(h) + 8, i);
            blocks[i] = h;
        }
        for (int i = BLOCKS - 1; i >= 0; i--) {
            slab.free(blocks[i], 0);
        }
        bh.consume(blocks);
    }

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public void heapAllocate(Blackhole bh) {
        for (int i = 0; i < BLOCKS; i++) {
            long[] block = new long[8];
            block[1] = i;
            bh.consume(block);
        }
    }
}

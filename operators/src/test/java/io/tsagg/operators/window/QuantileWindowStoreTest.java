package io.tsagg.operators.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsagg.operators.kernels.StatsKernelsProvider;
import io.tsagg.operators.memory.PagePool;
import io.tsagg.operators.memory.SlabAllocator;
import io.tsagg.operators.sketch.QuantileSketch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests for the quantile sketches of {@link ManagedWindowStore} and {@link HeapWindowStore}. */
class QuantileWindowStoreTest {
    private static final WindowSpec SPEC = WindowSpec.sliding(60_000, 20_000);
    private static final double ALPHA = QuantileSketch.DEFAULT_RELATIVE_ACCURACY;
    private static final double[] QUANTILES = {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0};

    private final List<PagePool> pools = new ArrayList<>();
    private final List<WindowStore> stores = new ArrayList<>();

    @AfterEach
    void leakCheck() {
        for (WindowStore s : stores) {
            s.close();
        }
        for (PagePool pool : pools) {
            pool.close();
            assertThat(pool.pagesInUse()).as("pages in use after close").isZero();
        }
    }

    private ManagedWindowStore managed(long budget) {
        PagePool pool = PagePool.unmanaged(32 * 1024, budget);
        pools.add(pool);
        ManagedWindowStore s =
                new ManagedWindowStore(
                        new SlabAllocator(pool),
                        SPEC,
                        new ChunkReducer(StatsKernelsProvider.get()),
                        ALPHA);
        stores.add(s);
        return s;
    }

    private ManagedWindowStore withoutQuantiles(long budget) {
        PagePool pool = PagePool.unmanaged(32 * 1024, budget);
        pools.add(pool);
        ManagedWindowStore s =
                new ManagedWindowStore(
                        new SlabAllocator(pool),
                        SPEC,
                        new ChunkReducer(StatsKernelsProvider.get()));
        stores.add(s);
        return s;
    }

    private HeapWindowStore heap() {
        HeapWindowStore s = new HeapWindowStore(ALPHA);
        stores.add(s);
        return s;
    }

    /** Samples of one test: key, timestamp, value. */
    private record Sample(long key, long ts, double value) {}

    private static List<Sample> samples(long seed, int n, int keys) {
        Random random = new Random(seed);
        List<Sample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long key = random.nextInt(keys) * 0x9E3779B97F4A7C15L;
            long ts = random.nextInt(120_000);
            double v =
                    switch ((int) Math.floorMod(key, 3)) {
                        case 0 -> 50 + 10 * random.nextGaussian(); // a gauge
                        case 1 -> Math.exp(3 + 2 * random.nextGaussian()); // latencies
                        default -> 100 * random.nextGaussian(); // both signs
                    };
            out.add(new Sample(key, ts, i % 97 == 0 ? 0.0 : v));
        }
        return out;
    }

    private static void feed(WindowStore s, List<Sample> samples) {
        for (Sample x : samples) {
            assertThat(s.add(x.key, SPEC.paneStart(x.ts), x.ts, x.value)).isTrue();
        }
    }

    /** Copies of a window's summaries by key, sketches included. */
    private static Map<Long, Summary> window(WindowStore s, long from, long to) throws Exception {
        Map<Long, Summary> out = new HashMap<>();
        s.forEachSummary(
                from,
                to,
                (k, sum) -> {
                    assertThat(sum.hasQuantiles()).isTrue();
                    assertThat(sum.sketch().count()).as("sketch count").isEqualTo(sum.count());
                    out.put(k, new Summary(ALPHA).copyFrom(sum));
                });
        return out;
    }

    private static void assertSameQuantiles(
            Map<Long, Summary> actual, Map<Long, Summary> expected, String what) {
        assertThat(actual.keySet()).as(what).isEqualTo(expected.keySet());
        for (Map.Entry<Long, Summary> e : expected.entrySet()) {
            Summary a = actual.get(e.getKey());
            assertThat(a.count()).as(what).isEqualTo(e.getValue().count());
            for (double q = 0; q <= 1.0; q += 0.01) {
                assertThat(a.quantile(q))
                        .as("%s, key %d, q %f", what, e.getKey(), q)
                        .isEqualTo(e.getValue().quantile(q));
            }
        }
    }

    @Test
    void shouldGiveQuantilesOfEveryWindowWithinTheAccuracyOfTheExactValues() throws Exception {
        List<Sample> samples = samples(11, 60_000, 300);
        ManagedWindowStore store = managed(64L << 20);
        HeapWindowStore heap = heap();
        feed(store, samples);
        feed(heap, samples);
        for (long end = 20_000; end <= 180_000; end += 20_000) {
            long from = end - 60_000;
            Map<Long, List<Double>> exact = new HashMap<>();
            for (Sample x : samples) {
                if (x.ts >= from && x.ts < end) {
                    exact.computeIfAbsent(x.key, k -> new ArrayList<>()).add(x.value);
                }
            }
            for (WindowStore s : new WindowStore[] {store, heap}) {
                Map<Long, Summary> w = window(s, from, end);
                assertThat(w.keySet()).isEqualTo(exact.keySet());
                for (Map.Entry<Long, List<Double>> e : exact.entrySet()) {
                    double[] sorted = e.getValue().stream().mapToDouble(d -> d).sorted().toArray();
                    for (double q : QUANTILES) {
                        double x = sorted[(int) Math.floor(q * (sorted.length - 1))];
                        double actual = w.get(e.getKey()).quantile(q);
                        assertThat(Math.abs(actual - x))
                                .as("%s window end %d key %d q %f", s, end, e.getKey(), q)
                                .isLessThanOrEqualTo(ALPHA * Math.abs(x) + 1e-12);
                    }
                }
            }
        }
    }

    @Test
    void shouldGiveIdenticalQuantilesInTheManagedAndTheHeapStore() throws Exception {
        // Many samples per key: chunks fill and grow, sketches grow through several size classes.
        List<Sample> samples = samples(42, 200_000, 500);
        ManagedWindowStore store = managed(64L << 20);
        HeapWindowStore heap = heap();
        feed(store, samples);
        feed(heap, samples);
        for (long end = 20_000; end <= 180_000; end += 20_000) {
            assertSameQuantiles(
                    window(store, end - 60_000, end),
                    window(heap, end - 60_000, end),
                    "window end " + end);
        }
    }

    @Test
    void shouldMergePartialsWithTheirSketchesAsIfTheirSamplesHadBeenAdded() throws Exception {
        List<Sample> samples = samples(7, 100_000, 1_000);
        HeapWindowStore reference = heap();
        ManagedWindowStore store = managed(64L << 20);
        HeapWindowStore heapStore = heap();
        HeapWindowStore partials = heap();
        Random random = new Random(7);
        DataOutputSerializer wire = new DataOutputSerializer(256);
        Summary decoded = new Summary(); // as a pre-aggregator's receiver: takes the sketch read
        for (int i = 0; i < samples.size(); i++) {
            Sample x = samples.get(i);
            long pane = SPEC.paneStart(x.ts);
            reference.add(x.key, pane, x.ts, x.value);
            if (random.nextBoolean()) {
                store.add(x.key, pane, x.ts, x.value);
                heapStore.add(x.key, pane, x.ts, x.value);
            } else {
                partials.add(x.key, pane, x.ts, x.value);
            }
            if (i % 10_000 == 9_999 || i == samples.size() - 1) {
                for (long p = partials.nextPaneStart(Long.MIN_VALUE);
                        p != Long.MAX_VALUE;
                        p = partials.nextPaneStart(p + 1)) {
                    long paneStart = p;
                    partials.forEachSummary(
                            paneStart,
                            paneStart + SPEC.paneSize(),
                            (k, summary) -> {
                                // Through the partial transport encoding.
                                wire.clear();
                                summary.write(wire);
                                decoded.read(new DataInputDeserializer(wire.getCopyOfBuffer()));
                                assertThat(store.merge(k, paneStart, decoded)).isTrue();
                                assertThat(heapStore.merge(k, paneStart, decoded)).isTrue();
                            });
                }
                partials.dropPanesBefore(Long.MAX_VALUE);
            }
        }
        for (long end = 20_000; end <= 180_000; end += 20_000) {
            Map<Long, Summary> expected = window(reference, end - 60_000, end);
            assertSameQuantiles(window(store, end - 60_000, end), expected, "managed " + end);
            assertSameQuantiles(window(heapStore, end - 60_000, end), expected, "heap " + end);
        }
    }

    @Test
    void shouldRefuseAPartialWithoutSketchInAStoreWithQuantiles() {
        ManagedWindowStore store = managed(8L << 20);
        Summary plain = new Summary();
        plain.add(5, 1.0);
        assertThatThrownBy(() -> store.merge(1L, 0, plain))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quantile sketch");
    }

    @Test
    void shouldRestoreSketchesByKeyGroupIntoOtherStores() throws Exception {
        List<Sample> samples = samples(9, 80_000, 700);
        ManagedWindowStore store = managed(64L << 20);
        feed(store, samples);
        WindowStore.KeyGroupOf kg = key -> (int) Math.floorMod(key, 7);
        store.prepareSnapshot(kg);
        byte[][] groups = new byte[7][];
        for (int g = 0; g < 7; g++) {
            DataOutputSerializer out = new DataOutputSerializer(1 << 16);
            store.writeKeyGroup(g, out);
            groups[g] = out.getCopyOfBuffer();
        }
        // One heap store with everything; three managed stores with a third of the key groups each.
        HeapWindowStore heap = heap();
        ManagedWindowStore[] thirds = {managed(64L << 20), managed(64L << 20), managed(64L << 20)};
        for (int g = 0; g < 7; g++) {
            heap.readKeyGroup(new DataInputDeserializer(groups[g]));
            thirds[g % 3].readKeyGroup(new DataInputDeserializer(groups[g]));
        }
        for (long end = 20_000; end <= 180_000; end += 20_000) {
            Map<Long, Summary> original = window(store, end - 60_000, end);
            assertSameQuantiles(window(heap, end - 60_000, end), original, "heap " + end);
            Map<Long, Summary> split = new HashMap<>();
            for (ManagedWindowStore t : thirds) {
                split.putAll(window(t, end - 60_000, end));
            }
            assertSameQuantiles(split, original, "split " + end);
        }
    }

    @Test
    void shouldWriteOnlyOccupiedBucketsInASnapshot() throws Exception {
        ManagedWindowStore store = managed(8L << 20);
        for (int i = 0; i < 600; i++) {
            store.add(1L, 0, i, 50.0 + (i % 60) * 0.5); // about 24 buckets
        }
        store.prepareSnapshot(key -> 0);
        DataOutputSerializer out = new DataOutputSerializer(1 << 12);
        store.writeKeyGroup(0, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThat(in.readInt()).isEqualTo(1); // entries
        in.readLong(); // pane
        in.readLong(); // key
        int from = in.getPosition();
        Summary read = new Summary().read(in);
        int sketchBytes = in.getPosition() - from - Summary.ENCODED_BYTES;
        assertThat(read.sketch().count()).isEqualTo(600);
        // Header (2 + 8 + 1 + 1 + 16 + 16) and a byte per occupied bucket; the region is 512 bytes.
        assertThat(sketchBytes).isEqualTo(44 + read.sketch().occupiedBuckets());
        assertThat(sketchBytes).isLessThan(80);
    }

    @Test
    void shouldCostAQuarterKibibytePerGaugePaneAtDefaultAccuracy() {
        ManagedWindowStore with = managed(256L << 20);
        ManagedWindowStore without = withoutQuantiles(256L << 20);
        Random random = new Random(3);
        int keys = 10_000;
        long before = with.bytesUsed();
        for (int k = 0; k < keys; k++) {
            double level = 10 + random.nextInt(90);
            // A 20 s pane of a 1 s gauge: 20 values within ±10% of a level.
            for (int i = 0; i < 20; i++) {
                with.add(k, 0, i * 1_000, level * (0.9 + 0.2 * random.nextDouble()));
            }
        }
        long withBytes = with.bytesUsed() - before;
        long withoutBefore = without.bytesUsed();
        random = new Random(3);
        for (int k = 0; k < keys; k++) {
            double level = 10 + random.nextInt(90);
            for (int i = 0; i < 20; i++) {
                without.add(k, 0, i * 1_000, level * (0.9 + 0.2 * random.nextDouble()));
            }
        }
        long withoutBytes = without.bytesUsed() - withoutBefore;
        long perSketch = (withBytes - withoutBytes) / keys;
        System.out.printf("quantile sketch bytes per (key, pane), gauge data: %d%n", perSketch);
        // 10 slab-column bytes for the handle, then a 128 to 256-byte region (±10% at 1%: 10
        // buckets; 20 values rarely hit them all).
        assertThat(perSketch).isBetween(128L, 8 + 256L);
    }

    @Test
    void shouldRefuseSamplesRatherThanFailWhenSketchesCannotGrow() throws Exception {
        ManagedWindowStore store = managed(2L << 20);
        Random random = new Random(5);
        Map<Long, Long> accepted = new HashMap<>();
        long refused = 0;
        for (int k = 0; k < 5_000; k++) {
            for (int i = 0; i < 40; i++) {
                // Values across many decades: every sketch grows towards its largest region.
                double v = Math.pow(10, random.nextDouble(-6, 6));
                if (store.add(k, 0, i, v)) {
                    accepted.merge((long) k, 1L, Long::sum);
                } else {
                    refused++;
                }
            }
        }
        assertThat(refused).isPositive();
        assertThat(store.refusedSamples()).isEqualTo(refused);
        Map<Long, Summary> w = window(store, 0, 60_000); // checks sketch count == count
        assertThat(w.keySet()).isEqualTo(accepted.keySet());
        for (Map.Entry<Long, Long> e : accepted.entrySet()) {
            assertThat(w.get(e.getKey()).count()).isEqualTo(e.getValue());
        }
        store.dropPanesBefore(Long.MAX_VALUE);
        assertThat(store.bytesUsed()).isZero();
    }

    @Test
    void shouldKeepNoSketchesWithoutQuantiles() throws Exception {
        ManagedWindowStore store = withoutQuantiles(8L << 20);
        store.add(1L, 0, 5, 2.0);
        store.forEachSummary(0, 60_000, (k, s) -> assertThat(s.hasQuantiles()).isFalse());
        assertThat(Arrays.stream(store.panes.get(0).segments).count())
                .isEqualTo(ManagedWindowStore.COLUMNS);
    }
}

package io.tsagg.operators.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.operators.kernels.StatsKernelsProvider;
import io.tsagg.operators.memory.PagePool;
import io.tsagg.operators.memory.SlabAllocator;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tests for {@link ManagedWindowStore}, mostly against {@link HeapWindowStore} as reference. */
class ManagedWindowStoreTest {
    private static final WindowSpec SPEC = WindowSpec.sliding(60_000, 20_000);

    private PagePool pool = PagePool.unmanaged(32 * 1024, 64L << 20);
    private ManagedWindowStore store = newStore(pool);

    private static ManagedWindowStore newStore(PagePool pool) {
        return new ManagedWindowStore(
                new SlabAllocator(pool), SPEC, new ChunkReducer(StatsKernelsProvider.get()));
    }

    @AfterEach
    void leakCheck() {
        store.close();
        pool.close();
        assertThat(pool.pagesInUse()).as("pages in use after close").isZero();
    }

    /** Collects a window's summaries by key. */
    private static Map<Long, Summary> window(WindowStore s, long from, long to) throws Exception {
        Map<Long, Summary> out = new HashMap<>();
        s.forEachSummary(from, to, (k, sum) -> out.put(k, new Summary().copyFrom(sum)));
        return out;
    }

    private static void assertSame(
            Map<Long, Summary> actual, Map<Long, Summary> expected, long seed) {
        assertThat(actual.keySet()).as("keys, seed %d", seed).isEqualTo(expected.keySet());
        for (Map.Entry<Long, Summary> e : expected.entrySet()) {
            Summary a = actual.get(e.getKey());
            Summary x = e.getValue();
            String what = "key " + e.getKey() + ", seed " + seed;
            assertThat(a.count()).as(what).isEqualTo(x.count());
            assertThat(a.min()).as(what).isEqualTo(x.min());
            assertThat(a.max()).as(what).isEqualTo(x.max());
            assertThat(a.first()).as(what).isEqualTo(x.first());
            assertThat(a.last()).as(what).isEqualTo(x.last());
            assertThat(a.firstTimestamp()).as(what).isEqualTo(x.firstTimestamp());
            assertThat(a.lastTimestamp()).as(what).isEqualTo(x.lastTimestamp());
            // Sums and means of data that cancels are judged against the data's magnitude.
            double scale = Math.max(Math.abs(x.min()), Math.abs(x.max()));
            assertThat(a.sum())
                    .as(what)
                    .isCloseTo(x.sum(), relative(Math.max(Math.abs(x.sum()), scale)));
            assertThat(a.mean())
                    .as(what)
                    .isCloseTo(x.mean(), relative(Math.max(Math.abs(x.mean()), scale)));
            if (x.count() > 1) {
                assertThat(a.stddev()).as(what).isCloseTo(x.stddev(), relative(x.stddev()));
            }
        }
    }

    private static org.assertj.core.data.Offset<Double> relative(double v) {
        return org.assertj.core.data.Offset.offset(Math.abs(v) * 1e-12 + 1e-300);
    }

    private static void feed(WindowStore s, long seed, int samples, int keys) {
        Random random = new Random(seed);
        for (int i = 0; i < samples; i++) {
            long key = random.nextInt(keys) * 0x9E3779B97F4A7C15L;
            long ts = random.nextInt(120_000);
            // Well-conditioned data: both stores must agree to 1e-12 (see the ill-conditioned
            // test).
            double v = key % 3 == 0 ? 1000 + random.nextGaussian() : random.nextGaussian() * 50;
            assertThat(s.add(key, SPEC.paneStart(ts), ts, v)).isTrue();
        }
    }

    @Test
    void shouldAgreeWithTheHeapStoreOnEveryWindow() throws Exception {
        long seed = 42;
        HeapWindowStore heap = new HeapWindowStore();
        // Keys with many samples fill and grow chunks; others stay in the smallest class.
        feed(store, seed, 200_000, 3_000);
        feed(heap, seed, 200_000, 3_000);
        for (long end = 20_000; end <= 180_000; end += 20_000) {
            assertSame(window(store, end - 60_000, end), window(heap, end - 60_000, end), seed);
        }
        heap.close();
    }

    @Test
    void shouldMergePartialSummariesAsIfTheirSamplesHadBeenAdded() throws Exception {
        long seed = 7;
        HeapWindowStore reference = new HeapWindowStore();
        HeapWindowStore heap = new HeapWindowStore();
        HeapWindowStore partials = new HeapWindowStore();
        Random random = new Random(seed);
        // Every timestamp once, in random order: no ties, so first and last do not depend on
        // the order partials arrive in.
        int n = 120_000;
        int[] times = new int[n];
        for (int i = 0; i < n; i++) {
            times[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = times[i];
            times[i] = times[j];
            times[j] = t;
        }
        for (int i = 0; i < n; i++) {
            long key = random.nextInt(2_000) * 0x9E3779B97F4A7C15L;
            long ts = times[i];
            double v = key % 3 == 0 ? 1000 + random.nextGaussian() : random.nextGaussian() * 50;
            long pane = SPEC.paneStart(ts);
            assertThat(reference.add(key, pane, ts, v)).isTrue();
            if (random.nextBoolean()) {
                assertThat(store.add(key, pane, ts, v)).isTrue();
                assertThat(heap.add(key, pane, ts, v)).isTrue();
            } else {
                assertThat(partials.add(key, pane, ts, v)).isTrue();
            }
            if (i % 10_000 == 9_999 || i == n - 1) {
                for (long p = partials.nextPaneStart(Long.MIN_VALUE);
                        p != Long.MAX_VALUE;
                        p = partials.nextPaneStart(p + 1)) {
                    long paneStart = p;
                    partials.forEachSummary(
                            paneStart,
                            paneStart + SPEC.paneSize(),
                            (k, summary) -> {
                                assertThat(store.merge(k, paneStart, summary)).isTrue();
                                assertThat(heap.merge(k, paneStart, summary)).isTrue();
                            });
                }
                partials.dropPanesBefore(Long.MAX_VALUE);
            }
        }
        for (long end = 20_000; end <= 180_000; end += 20_000) {
            Map<Long, Summary> expected = window(reference, end - 60_000, end);
            assertSame(window(store, end - 60_000, end), expected, seed);
            assertSame(window(heap, end - 60_000, end), expected, seed);
        }
        reference.close();
        heap.close();
        partials.close();
    }

    @Test
    void shouldKeepEightDigitsOfStddevOnIllConditionedData() throws Exception {
        long seed = 5;
        Random random = new Random(seed);
        double[] values = new double[5_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1e7 + random.nextInt(1000) * 0.1 / 1000;
            store.add(1L, 0, i, values[i]);
        }
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        for (double v : values) {
            sum = sum.add(new java.math.BigDecimal(v));
        }
        java.math.MathContext mc = java.math.MathContext.DECIMAL128;
        java.math.BigDecimal mean = sum.divide(java.math.BigDecimal.valueOf(values.length), mc);
        java.math.BigDecimal squares = java.math.BigDecimal.ZERO;
        for (double v : values) {
            java.math.BigDecimal d = new java.math.BigDecimal(v).subtract(mean);
            squares = squares.add(d.multiply(d));
        }
        double exact =
                Math.sqrt(
                        squares.divide(java.math.BigDecimal.valueOf(values.length - 1), mc)
                                .doubleValue());
        double actual = window(store, 0, 60_000).get(1L).stddev();
        assertThat(Math.abs(actual - exact) / exact)
                .as("relative error of stddev, seed %d", seed)
                .isLessThan(1e-8);
    }

    @Test
    void shouldKeepAtMost96BytesPerLiveEntryWithoutChunks() throws Exception {
        int keys = 100_000;
        for (int k = 0; k < keys; k++) {
            store.add(k * 31L, 0, 5, 1.0);
        }
        // Firing reduces chunks but keeps them; a snapshot does too. Measure without chunks:
        long chunkBytes = (long) keys * SlabAllocator.MIN_BLOCK;
        long perEntry = (store.bytesUsed() - chunkBytes) / keys;
        assertThat(perEntry).isLessThanOrEqualTo(96);
    }

    @Test
    void shouldStartChunksAtTheClassNineInTenSlotsOfTheLastReleasedPaneReached() throws Exception {
        store.add(1L, 0, 5, 1.0);
        long oneKeySmallestChunk = store.bytesUsed();
        store.dropPanesBefore(Long.MAX_VALUE);
        assertThat(store.firstChunkClass()).as("a pane of one slot tells nothing").isZero();
        // 1,000 keys of 100 samples each: chunks of 127 values (class 4, 1 KiB).
        double sum = 0;
        for (int i = 0; i < 100; i++) {
            for (int k = 0; k < 1_000; k++) {
                store.add(k * 31L, 0, 5 + i, k + i);
                sum += k + i;
            }
        }
        assertThat(window(store, 0, 60_000).values().stream().mapToDouble(Summary::sum).sum())
                .isEqualTo(sum);
        store.dropPanesBefore(Long.MAX_VALUE);
        assertThat(store.firstChunkClass()).isEqualTo(4);
        store.add(1L, 20_000, 20_005, 1.0);
        // The table starts at the smaller of the last two panes' (1,024 entries): unchanged.
        assertThat(store.bytesUsed() - oneKeySmallestChunk)
                .as("one key's first chunk: 1 KiB instead of 64 bytes")
                .isEqualTo(1_024 - 64);
        // The same statistics as when chunks grew from the smallest class.
        HeapWindowStore reference = new HeapWindowStore();
        reference.add(1L, 20_000, 20_005, 1.0);
        for (int i = 0; i < 130; i++) {
            for (int k = 0; k < 1_000; k++) {
                store.add(k * 31L, 20_000, 20_010 + i, k * 0.5 + i);
                reference.add(k * 31L, 20_000, 20_010 + i, k * 0.5 + i);
            }
        }
        assertSame(window(store, 0, 60_000), window(reference, 0, 60_000), 0);
        reference.close();
    }

    @Test
    void shouldStartATableAtTheSizeOfTheLastTwoPanesButNotAtThatOfOneBurst() throws Exception {
        // Panes of 1,000 keys (tables of 2,048 entries, 8 KiB) and one burst of 20,000 (65,536
        // entries, 256 KiB). What a pane's first key takes, less what the first pane's took: the
        // table's growth beyond 1,024 entries.
        int[] keys = {1_000, 1_000, 1_000, 20_000, 1_000, 1_000};
        long[] tableGrowth = {0, 0, 4_096, 4_096, 4_096, 4_096};
        long first = -1;
        for (int i = 0; i < keys.length; i++) {
            long pane = i * 20_000L;
            long before = store.bytesUsed();
            store.add(7L, pane, pane + 5, 1.0);
            long used = store.bytesUsed() - before;
            if (i == 0) {
                first = used;
            }
            assertThat(used - first).as("pane %d", i).isEqualTo(tableGrowth[i]);
            for (int k = 1; k < keys[i]; k++) {
                store.add(k * 31L, pane, pane + 5, 1.0);
            }
            store.dropPanesBefore(pane + 1);
        }
    }

    @Test
    void shouldFindEveryKeyWhateverTheOrderOfArrival() throws Exception {
        // Slots are tried in order first (Pane.findNext): the same keys in their slots' order,
        // backwards, shuffled, and with new keys between them, against the heap store.
        HeapWindowStore reference = new HeapWindowStore();
        Random random = new Random(7);
        long[] keys = new long[300];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = random.nextLong();
        }
        int t = 0;
        for (int round = 0; round < 12; round++) {
            int n = round < 4 ? 200 : keys.length;
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = round % 3 == 1 ? n - 1 - i : i;
            }
            if (round % 3 == 2) {
                for (int i = n - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int swap = order[i];
                    order[i] = order[j];
                    order[j] = swap;
                }
            }
            for (int i : order) {
                double v = random.nextGaussian() * 10;
                long pane = round < 6 ? 0 : 60_000;
                store.add(keys[i], pane, pane + t % 60_000, v);
                reference.add(keys[i], pane, pane + t % 60_000, v);
                t++;
            }
        }
        assertThat(window(store, 0, 60_000)).hasSize(keys.length);
        assertSame(window(store, 0, 60_000), window(reference, 0, 60_000), 0);
        assertSame(window(store, 60_000, 120_000), window(reference, 60_000, 120_000), 0);
        reference.close();
    }

    @Test
    void shouldStartChunksSmallWhenFewerThanNineInTenSlotsGrew() throws Exception {
        // 850 of 1,000 keys with 100 samples, 150 with one: 85% reached class 4.
        for (int k = 0; k < 1_000; k++) {
            int samples = k < 850 ? 100 : 1;
            for (int i = 0; i < samples; i++) {
                store.add(k * 31L, 0, 5 + i, i);
            }
        }
        store.dropPanesBefore(Long.MAX_VALUE);
        assertThat(store.firstChunkClass()).isZero();
        assertThat(ManagedWindowStore.classReachedByNineInTen(new int[] {1, 0, 9, 0, 0, 0, 0}, 10))
                .isEqualTo(2);
        assertThat(ManagedWindowStore.classReachedByNineInTen(new int[] {2, 0, 8, 0, 0, 0, 0}, 10))
                .isZero();
        assertThat(ManagedWindowStore.classReachedByNineInTen(new int[] {0, 1, 3, 6, 0, 0, 0}, 10))
                .isEqualTo(2);
    }

    @Test
    void shouldFindEveryKeyWhenTheProbeTableHasOnlyThreeTagBits() throws Exception {
        // A 32 GiB budget (pages are taken lazily) needs 29 bits for slot + 1: 3 bits of tag, so
        // many probes meet entries of other keys with the same tag and must check the key.
        store.close();
        pool.close();
        pool = PagePool.unmanaged(32 * 1024, 32L << 30);
        store = newStore(pool);
        int keys = 200_000;
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < keys; k++) {
                assertThat(store.add(k * 0x9E3779B97F4A7C15L, 0, round, k)).isTrue();
            }
        }
        assertThat(store.liveEntries()).isEqualTo(keys);
        Map<Long, Summary> w = window(store, 0, 60_000);
        assertThat(w).hasSize(keys);
        for (int k = 0; k < keys; k++) {
            Summary s = w.get(k * 0x9E3779B97F4A7C15L);
            assertThat(s.count()).as("key %d", k).isEqualTo(2);
            assertThat(s.sum()).as("key %d", k).isEqualTo(2.0 * k);
        }
        assertThat(store.summaryOf(keys * 0x9E3779B97F4A7C15L, 0, 60_000, new Summary())).isFalse();
    }

    @Test
    void shouldNameEachKeyToTheVisitorAheadOfItsVisitInLargePanes() throws Exception {
        int keys = PanedWindowStore.LOOKAHEAD_MIN_SLOTS + 100;
        for (int k = 0; k < keys; k++) {
            store.add(k * 31L, 0, 5, 1.0);
            store.add(k * 31L, SPEC.paneSize(), SPEC.paneSize() + 5, 1.0);
        }
        for (long[] window : new long[][] {{0, SPEC.paneSize()}, {0, 2 * SPEC.paneSize()}}) {
            java.util.List<Long> upcoming = new java.util.ArrayList<>();
            java.util.List<Long> visited = new java.util.ArrayList<>();
            store.forEachSummary(
                    window[0],
                    window[1],
                    new WindowStore.SummaryVisitor() {
                        @Override
                        public void visit(long keyId, Summary summary) {
                            // Named LOOKAHEAD visits before its own.
                            int at = visited.size();
                            if (at + PanedWindowStore.LOOKAHEAD < keys) {
                                assertThat(upcoming).hasSize(at + 1);
                            }
                            visited.add(keyId);
                        }

                        @Override
                        public void upcoming(long keyId) {
                            upcoming.add(keyId);
                        }
                    });
            assertThat(visited).hasSize(keys);
            assertThat(upcoming)
                    .isEqualTo(visited.subList(PanedWindowStore.LOOKAHEAD, visited.size()));
        }
    }

    @Test
    void shouldNotLookAheadInSmallPanes() throws Exception {
        for (int k = 0; k < 1_000; k++) {
            store.add(k * 31L, 0, 5, 1.0);
        }
        int[] upcoming = new int[1];
        store.forEachSummary(
                0,
                SPEC.paneSize(),
                new WindowStore.SummaryVisitor() {
                    @Override
                    public void visit(long keyId, Summary summary) {}

                    @Override
                    public void upcoming(long keyId) {
                        upcoming[0]++;
                    }
                });
        assertThat(upcoming[0]).isZero();
    }

    @Test
    void shouldFitOneMillionSeriesInOneGibibyte() throws Exception {
        store.close();
        pool.close();
        pool = PagePool.unmanaged(32 * 1024, 1L << 30);
        store = newStore(pool);
        for (int k = 0; k < 1_000_000; k++) {
            assertThat(store.add(k * 0x9E3779B97F4A7C15L, 0, k % 20_000, k)).isTrue();
        }
        assertThat(store.liveEntries()).isEqualTo(1_000_000);
        assertThat(store.refusedSamples()).isZero();
        assertThat(pool.bytesInUse()).isLessThan(1L << 30);
    }

    @Test
    void shouldFlushChunksThenRefuseNewKeysWhenMemoryRunsOut() throws Exception {
        store.close();
        pool.close();
        pool = PagePool.unmanaged(32 * 1024, 2L << 20);
        store = newStore(pool);
        Map<Long, Summary> expected = new HashMap<>();
        int accepted = 0;
        int refused = 0;
        for (int k = 0; k < 100_000; k++) {
            long key = k;
            for (int i = 0; i < 3; i++) {
                if (store.add(key, 0, i, k + i)) {
                    expected.computeIfAbsent(key, x -> new Summary()).add(i, k + i);
                    accepted++;
                } else {
                    refused++;
                }
            }
        }
        assertThat(refused).isPositive();
        assertThat(store.chunkFlushes()).isPositive();
        assertThat(store.refusedSamples()).isEqualTo(refused);
        // Keys that got in keep exact results, including samples added after the flush.
        Map<Long, Summary> actual = window(store, 0, 60_000);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (Map.Entry<Long, Summary> e : expected.entrySet()) {
            assertThat(actual.get(e.getKey()).count()).isEqualTo(e.getValue().count());
            assertThat(actual.get(e.getKey()).sum()).isEqualTo(e.getValue().sum());
        }
        assertThat(accepted).isEqualTo(expected.values().stream().mapToLong(Summary::count).sum());
    }

    @Test
    void shouldRefuseABurstOfNewKeysButKeepOpeningPanesForKeysWithState() throws Exception {
        store.close();
        pool.close();
        pool = PagePool.unmanaged(32 * 1024, 2L << 20);
        store = newStore(pool);
        long pane = SPEC.paneSize();
        // 300 steady keys in pane 0, then a burst of new keys until the pool is nearly full.
        for (long k = 0; k < 300; k++) {
            assertThat(store.add(k, 0, 1, k)).isTrue();
        }
        int burstRefused = 0;
        for (long k = 1_000_000; k < 1_100_000; k++) {
            if (!store.add(k, 0, 2, 1.0)) {
                burstRefused++;
            }
        }
        assertThat(burstRefused).isPositive();
        long refusedBefore = store.refusedSamples();
        // The steady keys open their next two panes, ten samples each: nothing is refused.
        Map<Long, Summary> expected = new HashMap<>();
        for (int p = 1; p <= 2; p++) {
            for (long k = 0; k < 300; k++) {
                for (int i = 0; i < 10; i++) {
                    long ts = p * pane + i;
                    assertThat(store.add(k, p * pane, ts, k * 10 + i)).as("key %d", k).isTrue();
                    if (p == 1) {
                        expected.computeIfAbsent(k, x -> new Summary()).add(ts, k * 10 + i);
                    }
                }
            }
        }
        assertThat(store.refusedSamples()).isEqualTo(refusedBefore);
        // A key that is new in these panes is still refused, in both.
        assertThat(store.add(7_000_000, pane, pane, 1.0)).isFalse();
        assertThat(store.add(7_000_000, 2 * pane, 2 * pane, 1.0)).isFalse();
        Map<Long, Summary> actual = window(store, pane, 2 * pane);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (Map.Entry<Long, Summary> e : expected.entrySet()) {
            Summary a = actual.get(e.getKey());
            assertThat(a.count()).isEqualTo(10);
            assertThat(a.sum()).isEqualTo(e.getValue().sum());
            assertThat(a.min()).isEqualTo(e.getValue().min());
            assertThat(a.max()).isEqualTo(e.getValue().max());
            assertThat(a.first()).isEqualTo(e.getValue().first());
            assertThat(a.last()).isEqualTo(e.getValue().last());
        }
    }

    @Test
    void shouldFreeEverythingWhenPanesAreDropped() throws Exception {
        feed(store, 3, 50_000, 5_000);
        assertThat(pool.pagesInUse()).isPositive();
        store.dropPanesBefore(Long.MAX_VALUE);
        assertThat(store.liveEntries()).isZero();
        assertThat(store.bytesUsed()).isZero();
        assertThat(pool.pagesInUse()).isZero();
    }

    @Test
    void shouldRestoreFromItsOwnSnapshotIntoAHeapStoreAndBack() throws Exception {
        feed(store, 9, 30_000, 1_000);
        WindowStore.KeyGroupOf kg = key -> (int) Math.floorMod(key, 7);
        store.prepareSnapshot(kg);
        DataOutputSerializer out = new DataOutputSerializer(1 << 20);
        for (int g = 0; g < 7; g++) {
            store.writeKeyGroup(g, out);
        }
        HeapWindowStore heap = new HeapWindowStore();
        PagePool otherPool = PagePool.unmanaged(32 * 1024, 64L << 20);
        ManagedWindowStore other = newStore(otherPool);
        for (WindowStore target : new WindowStore[] {heap, other}) {
            DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
            for (int g = 0; g < 7; g++) {
                target.readKeyGroup(in);
            }
        }
        for (long end = 20_000; end <= 180_000; end += 20_000) {
            Map<Long, Summary> original = window(store, end - 60_000, end);
            assertSame(window(heap, end - 60_000, end), original, 9);
            assertSame(window(other, end - 60_000, end), original, 9);
        }
        heap.close();
        other.close();
        otherPool.close();
        assertThat(otherPool.pagesInUse()).isZero();
    }
}

package io.tsagg.operators.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Tests for {@link HeapWindowStore}. */
class HeapWindowStoreTest {

    /** Key groups 3..9, so the snapshot index starts away from 0. */
    private static final WindowStore.KeyGroupOf KEY_GROUP_OF =
            key -> 3 + (int) Math.floorMod(key, 7L);

    @Test
    void shouldRefuseANewEntryBeyondItsMaximumAndTakeItAgainOncePanesAreDropped() {
        HeapWindowStore bounded = new HeapWindowStore(0.0, 3);
        assertThat(bounded.add(1, 0, 1, 1.0)).isTrue();
        assertThat(bounded.add(2, 0, 2, 2.0)).isTrue();
        assertThat(bounded.add(1, 1_000, 1_001, 3.0)).isTrue();

        assertThat(bounded.add(3, 0, 3, 4.0)).as("a fourth entry").isFalse();
        assertThat(bounded.merge(3, 1_000, new Summary())).as("an empty partial").isTrue();
        Summary partial = new Summary();
        partial.add(1_002, 5.0);
        assertThat(bounded.merge(2, 1_000, partial)).as("a fourth entry, merged").isFalse();
        assertThat(bounded.add(2, 0, 4, 6.0)).as("an existing entry").isTrue();
        assertThat(bounded.merge(1, 1_000, partial)).as("an existing entry, merged").isTrue();
        assertThat(bounded.liveEntries()).isEqualTo(3);

        bounded.dropPanesBefore(1_000);
        assertThat(bounded.add(3, 0, 3, 4.0)).as("room again").isTrue();
        bounded.close();
    }

    @Test
    void shouldSummariseEachKeyWhenWindowIsOnePane() throws Exception {
        final HeapWindowStore store = new HeapWindowStore();
        final Map<Long, Summary> expected = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            final long key = i % 3;
            final long ts = 100 + (i * 7) % 10;
            store.add(key, 100, ts, i * 1.5);
            expected.computeIfAbsent(key, k -> new Summary()).add(ts, i * 1.5);
        }

        final Map<Long, Summary> visited = visit(store, 100, 110);

        assertSameSummaries(visited, expected, "one pane");
    }

    @Test
    void shouldMergePanesInOrderWhenWindowSpansSeveral() throws Exception {
        final HeapWindowStore store = new HeapWindowStore();
        final TreeMap<Long, Map<Long, Summary>> panes = new TreeMap<>();
        // Panes are filled newest first, so the store has to order them itself.
        for (long pane = 40; pane >= 0; pane -= 10) {
            for (long key = 0; key < 4; key++) {
                if ((pane / 10 + key) % 3 == 0) {
                    continue;
                }
                for (int i = 0; i < 3; i++) {
                    final double v = pane + key * 100 + i;
                    store.add(key, pane, pane + i, v);
                    panes.computeIfAbsent(pane, p -> new TreeMap<>())
                            .computeIfAbsent(key, k -> new Summary())
                            .add(pane + i, v);
                }
            }
        }
        // The reference merges pane summaries oldest first, as the window does.
        final Map<Long, Summary> expected = new TreeMap<>();
        for (Map<Long, Summary> pane : panes.subMap(10L, 50L).values()) {
            for (Map.Entry<Long, Summary> e : pane.entrySet()) {
                expected.computeIfAbsent(e.getKey(), k -> new Summary()).merge(e.getValue());
            }
        }

        final Map<Long, Summary> visited = visit(store, 10, 50);

        assertSameSummaries(visited, expected, "panes 10..40");
        assertThat(visited.get(1L).first()).isEqualTo(110.0);
        assertThat(visited.get(1L).last()).isEqualTo(142.0);
    }

    @Test
    void shouldGiveSameSummaryAsVisitWhenOneKeyIsLookedUp() throws Exception {
        final long seed = System.nanoTime();
        final HeapWindowStore store = randomStore(new Random(seed), 200, 5);
        final Summary into = new Summary();

        for (long from = 0; from < 50; from += 10) {
            for (long to = from + 10; to <= 50; to += 10) {
                final Map<Long, Summary> visited = visit(store, from, to);
                for (Map.Entry<Long, Summary> e : visited.entrySet()) {
                    assertThat(store.summaryOf(e.getKey(), from, to, into)).isTrue();
                    final Map<Long, Summary> one = new TreeMap<>();
                    one.put(e.getKey(), new Summary().copyFrom(into));
                    assertSameSummaries(
                            one,
                            Map.of(e.getKey(), e.getValue()),
                            "seed " + seed + ", panes [" + from + ", " + to + ")");
                }
            }
        }
    }

    @Test
    void shouldReportNoSummaryWhenKeyHasNoSampleInRange() {
        final HeapWindowStore store = new HeapWindowStore();
        store.add(1, 0, 1, 1.0);
        store.add(2, 10, 11, 2.0);
        final Summary into = new Summary();
        into.add(5, 5.0);

        assertThat(store.summaryOf(1, 10, 20, into)).isFalse();
        assertThat(into.count()).isZero();
        assertThat(store.summaryOf(3, 0, 20, into)).isFalse();
        assertThat(store.summaryOf(1, 0, 20, into)).isTrue();
        assertThat(into.sum()).isEqualTo(1.0);
    }

    @Test
    void shouldVisitNothingWhenRangeHoldsNoPane() throws Exception {
        final HeapWindowStore store = new HeapWindowStore();
        store.add(1, 0, 1, 1.0);
        store.add(1, 20, 21, 1.0);

        assertThat(visit(store, 10, 20)).isEmpty();
        assertThat(visit(store, 21, 100)).isEmpty();
    }

    @Test
    void shouldFindNextPaneStartWhenPanesAreSparse() {
        final HeapWindowStore store = new HeapWindowStore();
        store.add(1, 30, 31, 1.0);
        store.add(1, -20, -15, 1.0);
        store.add(2, 100, 101, 1.0);

        assertThat(store.nextPaneStart(Long.MIN_VALUE)).isEqualTo(-20);
        assertThat(store.nextPaneStart(-19)).isEqualTo(30);
        assertThat(store.nextPaneStart(30)).isEqualTo(30);
        assertThat(store.nextPaneStart(31)).isEqualTo(100);
        assertThat(store.nextPaneStart(101)).isEqualTo(Long.MAX_VALUE);
        assertThat(store.livePanes()).isEqualTo(3);
    }

    @Test
    void shouldFreeOnlyEarlierPanesWhenDroppingBeforeAStart() throws Exception {
        final HeapWindowStore store = new HeapWindowStore();
        for (long pane = 0; pane < 50; pane += 10) {
            store.add(1, pane, pane, 1.0);
            store.add(2, pane, pane, 2.0);
        }

        store.dropPanesBefore(30);

        assertThat(store.livePanes()).isEqualTo(2);
        assertThat(store.liveEntries()).isEqualTo(4);
        assertThat(store.nextPaneStart(Long.MIN_VALUE)).isEqualTo(30);
        assertThat(visit(store, 0, 30)).isEmpty();
        assertThat(visit(store, 30, 40)).containsOnlyKeys(1L, 2L);
    }

    @Test
    void shouldStartEmptyWhenPaneIsReusedAfterDrop() throws Exception {
        final HeapWindowStore store = new HeapWindowStore();
        store.add(1, 0, 1, 100.0);
        store.add(2, 0, 2, 200.0);
        store.dropPanesBefore(10);

        store.add(3, 50, 51, 7.0);
        store.add(3, 0, 3, 5.0);

        final Map<Long, Summary> old = visit(store, 0, 10);
        assertThat(old).containsOnlyKeys(3L);
        assertThat(old.get(3L).count()).isEqualTo(1);
        assertThat(old.get(3L).sum()).isEqualTo(5.0);
        assertThat(visit(store, 50, 60).get(3L).sum()).isEqualTo(7.0);
    }

    @Test
    void shouldCountLiveEntriesPerKeyAndPaneWhenKeysSharePanes() {
        final HeapWindowStore store = new HeapWindowStore();

        for (int i = 0; i < 100; i++) {
            store.add(i % 5, (i % 4) * 10L, i, i);
        }

        assertThat(store.liveEntries()).isEqualTo(20);
        assertThat(store.livePanes()).isEqualTo(4);
        assertThat(store.bytesUsed()).isPositive();
    }

    @Test
    void shouldRestoreSameSummariesWhenKeyGroupsAreWrittenAndRead() throws Exception {
        final long seed = System.nanoTime();
        final HeapWindowStore store = randomStore(new Random(seed), 500, 6);
        final DataOutputSerializer out = new DataOutputSerializer(4096);

        store.prepareSnapshot(KEY_GROUP_OF);
        for (int kg = 0; kg < 16; kg++) {
            store.writeKeyGroup(kg, out);
        }
        final HeapWindowStore restored = new HeapWindowStore();
        final DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (int kg = 0; kg < 16; kg++) {
            restored.readKeyGroup(in);
        }

        assertThat(in.available()).isZero();
        assertThat(restored.liveEntries()).as("seed %d", seed).isEqualTo(store.liveEntries());
        assertThat(restored.livePanes()).as("seed %d", seed).isEqualTo(store.livePanes());
        for (long from = 0; from < 60; from += 10) {
            for (long to = from + 10; to <= 60; to += 10) {
                assertSameSummaries(
                        visit(restored, from, to),
                        visit(store, from, to),
                        "seed " + seed + ", panes [" + from + ", " + to + ")");
            }
        }
    }

    @Test
    void shouldRestoreOnlyKeysOfReadKeyGroupsWhenSplittingAcrossStores() throws Exception {
        final long seed = System.nanoTime();
        final HeapWindowStore store = randomStore(new Random(seed), 300, 3);
        store.prepareSnapshot(KEY_GROUP_OF);
        final DataOutputSerializer low = new DataOutputSerializer(4096);
        final DataOutputSerializer high = new DataOutputSerializer(4096);
        for (int kg = 3; kg <= 9; kg++) {
            store.writeKeyGroup(kg, kg < 6 ? low : high);
        }

        final HeapWindowStore lowStore = new HeapWindowStore();
        final DataInputDeserializer lowIn = new DataInputDeserializer(low.getCopyOfBuffer());
        for (int kg = 3; kg < 6; kg++) {
            lowStore.readKeyGroup(lowIn);
        }
        final HeapWindowStore highStore = new HeapWindowStore();
        final DataInputDeserializer highIn = new DataInputDeserializer(high.getCopyOfBuffer());
        for (int kg = 6; kg <= 9; kg++) {
            highStore.readKeyGroup(highIn);
        }

        final Map<Long, Summary> all = visit(store, 0, 30);
        final Map<Long, Summary> lowKeys = visit(lowStore, 0, 30);
        final Map<Long, Summary> highKeys = visit(highStore, 0, 30);
        assertThat(lowKeys.keySet())
                .as("seed %d", seed)
                .allMatch(k -> KEY_GROUP_OF.keyGroup(k) < 6);
        assertThat(highKeys.keySet())
                .as("seed %d", seed)
                .allMatch(k -> KEY_GROUP_OF.keyGroup(k) >= 6);
        final Map<Long, Summary> union = new TreeMap<>(lowKeys);
        union.putAll(highKeys);
        assertSameSummaries(union, all, "seed " + seed);
        assertThat(lowStore.liveEntries() + highStore.liveEntries()).isEqualTo(store.liveEntries());
    }

    @Test
    void shouldWriteEmptyKeyGroupsWhenStoreIsEmpty() throws Exception {
        final HeapWindowStore store = new HeapWindowStore();
        final DataOutputSerializer out = new DataOutputSerializer(64);

        store.prepareSnapshot(KEY_GROUP_OF);
        store.writeKeyGroup(0, out);
        store.writeKeyGroup(5, out);
        final HeapWindowStore restored = new HeapWindowStore();
        final DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        restored.readKeyGroup(in);
        restored.readKeyGroup(in);

        assertThat(out.length()).isEqualTo(8);
        assertThat(restored.liveEntries()).isZero();
        assertThat(restored.livePanes()).isZero();
    }

    @Test
    void shouldMatchReferenceWhenAddsAndDropsAreRandom() throws Exception {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final HeapWindowStore store = new HeapWindowStore();
        // (pane start, key) -> summary
        final TreeMap<Long, TreeMap<Long, Summary>> reference = new TreeMap<>();
        long horizon = 0;

        for (int step = 0; step < 40; step++) {
            for (int i = 0; i < 2_000; i++) {
                // Up to 3000 keys: slots and the merge index both grow.
                final long key = random.nextInt(3_000) * 0x9E3779B97F4A7C15L;
                final long pane = horizon + random.nextInt(8) * 10L;
                final long ts = pane + random.nextInt(10);
                final double v = random.nextGaussian() * 100;
                store.add(key, pane, ts, v);
                reference
                        .computeIfAbsent(pane, p -> new TreeMap<>())
                        .computeIfAbsent(key, k -> new Summary())
                        .add(ts, v);
            }
            final long from = horizon + random.nextInt(4) * 10L;
            final long to = from + (1 + random.nextInt(4)) * 10L;
            final Map<Long, Summary> expected = new TreeMap<>();
            for (TreeMap<Long, Summary> pane : reference.subMap(from, to).values()) {
                for (Map.Entry<Long, Summary> e : pane.entrySet()) {
                    expected.computeIfAbsent(e.getKey(), k -> new Summary()).merge(e.getValue());
                }
            }
            assertSameSummaries(
                    visit(store, from, to), expected, "seed " + seed + ", step " + step);

            horizon += random.nextInt(3) * 10L;
            store.dropPanesBefore(horizon);
            reference.headMap(horizon).clear();
            long entries = 0;
            for (TreeMap<Long, Summary> pane : reference.values()) {
                entries += pane.size();
            }
            assertThat(store.liveEntries()).as("seed %d, step %d", seed, step).isEqualTo(entries);
            assertThat(store.livePanes())
                    .as("seed %d, step %d", seed, step)
                    .isEqualTo(reference.size());
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A store with panes 0, 10, .. of random samples over {@code keys} keys. */
    private static HeapWindowStore randomStore(Random random, int keys, int panes) {
        final HeapWindowStore store = new HeapWindowStore();
        for (int i = 0; i < keys * panes * 3; i++) {
            final long key = random.nextLong();
            final long pane = random.nextInt(panes) * 10L;
            store.add(
                    random.nextBoolean() ? key % keys : key,
                    pane,
                    pane + random.nextInt(10),
                    random.nextGaussian());
        }
        return store;
    }

    /** Copies of the summaries the store visits over panes {@code [from, to)}, by key. */
    private static Map<Long, Summary> visit(WindowStore store, long from, long to)
            throws Exception {
        final Map<Long, Summary> visited = new TreeMap<>();
        store.forEachSummary(
                from,
                to,
                (key, summary) ->
                        assertThat(visited.put(key, new Summary().copyFrom(summary)))
                                .as("key %d visited twice", key)
                                .isNull());
        return visited;
    }

    private static void assertSameSummaries(
            Map<Long, Summary> actual, Map<Long, Summary> expected, String as) {
        assertThat(actual.keySet()).as(as).isEqualTo(expected.keySet());
        for (Map.Entry<Long, Summary> e : expected.entrySet()) {
            final Summary a = actual.get(e.getKey());
            final Summary x = e.getValue();
            final String key = as + ", key " + e.getKey();
            assertThat(a.count()).as(key).isEqualTo(x.count());
            assertThat(a.sum()).as(key).isEqualTo(x.sum());
            assertThat(a.min()).as(key).isEqualTo(x.min());
            assertThat(a.max()).as(key).isEqualTo(x.max());
            assertThat(a.mean()).as(key).isEqualTo(x.mean());
            assertThat(a.m2()).as(key).isEqualTo(x.m2());
            assertThat(a.firstTimestamp()).as(key).isEqualTo(x.firstTimestamp());
            assertThat(a.first()).as(key).isEqualTo(x.first());
            assertThat(a.lastTimestamp()).as(key).isEqualTo(x.lastTimestamp());
            assertThat(a.last()).as(key).isEqualTo(x.last());
        }
    }
}

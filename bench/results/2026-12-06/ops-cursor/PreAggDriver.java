import io.tsagg.operators.kernels.StatsKernelsProvider;
import io.tsagg.operators.memory.PagePool;
import io.tsagg.operators.memory.SlabAllocator;
import io.tsagg.operators.window.ChunkReducer;
import io.tsagg.operators.window.ManagedWindowStore;
import io.tsagg.operators.window.WindowSpec;
import java.util.SplittableRandom;

/** The pre-aggregator's use of the store with the e2e frames input: 5,000 keys in order per tick,
 * 100 ms ticks shuffled in blocks of 20, 10 s panes emitted once 5 s behind. */
public class PreAggDriver {
    final long[] keys;
    final ManagedWindowStore store;
    final PagePool pool = PagePool.unmanaged(32 * 1024, 256L << 20);
    long tickBase = 0;
    long emittedTo = 0;
    double sink;
    final SplittableRandom random = new SplittableRandom(5);
    final int[] order = new int[20];

    public PreAggDriver(int n) {
        keys = new long[n];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < n; i++) keys[i] = r.nextLong();
        store = new ManagedWindowStore(new SlabAllocator(pool), WindowSpec.tumbling(10_000), new ChunkReducer(StatsKernelsProvider.get())).withoutReserve();
    }

    /** One block of 20 ticks; returns samples added. */
    public long block() throws Exception {
        for (int i = 0; i < 20; i++) order[i] = i;
        for (int i = 19; i > 0; i--) { int j = random.nextInt(i + 1); int t = order[i]; order[i] = order[j]; order[j] = t; }
        long added = 0;
        for (int i = 0; i < 20; i++) {
            long tick = tickBase + order[i];
            for (int k = 0; k < keys.length; k++) {
                long ts = tick * 100 + (k % 100);
                store.add(keys[k], ts - ts % 10_000, ts, (k % 7) * 1e6 + tick % 50);
                added++;
            }
        }
        tickBase += 20;
        long watermark = tickBase * 100 - 5_000;
        while (emittedTo + 10_000 <= watermark) {
            store.forEachSummary(emittedTo, emittedTo + 10_000, (key, s) -> sink += s.count());
            store.dropPanesBefore(emittedTo + 10_000);
            emittedTo += 10_000;
        }
        return added;
    }
}

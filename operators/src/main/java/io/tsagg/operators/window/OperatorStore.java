package io.tsagg.operators.window;

import io.tsagg.operators.kernels.StatsKernels;
import io.tsagg.operators.kernels.StatsKernelsProvider;
import io.tsagg.operators.memory.PagePool;
import io.tsagg.operators.memory.SlabAllocator;
import org.apache.flink.core.memory.ManagedMemoryUseCase;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.Environment;
import org.apache.flink.runtime.memory.MemoryManager;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.slf4j.Logger;

/**
 * The {@link WindowStore} of one operator instance on its share of Flink managed memory (the
 * transformation must declare {@link ManagedMemoryUseCase#OPERATOR}), with the page pool it owns.
 * Without managed memory it falls back to a {@link HeapWindowStore} and says so in the log. {@link
 * #close()} frees the store, then gives every page back to Flink, also on failure.
 */
final class OperatorStore implements AutoCloseable {
    /** Below this much managed memory the operator keeps its state on the heap. */
    static final long MIN_MANAGED_BYTES = 1L << 20;

    final WindowStore store;

    /** The pool of the managed store, or null on the heap. */
    final PagePool pool;

    private OperatorStore(WindowStore store, PagePool pool) {
        this.store = store;
        this.pool = pool;
    }

    /**
     * @param quantileAccuracy relative accuracy of per-slot quantile sketches in (0, 1), or 0 for
     *     none
     */
    /**
     * @param emptiedWhenFull the owner empties the store whenever it refuses a sample (the
     *     pre-aggregator): no reserve of the pool for keys with state (see {@link
     *     ManagedWindowStore}), and a heap store holds at most {@code maxHeapEntries} entries;
     *     otherwise (the window operator) the reserve is kept and a heap store is unbounded
     */
    static OperatorStore create(
            AbstractStreamOperator<?> operator,
            String name,
            WindowSpec spec,
            double quantileAccuracy,
            boolean emptiedWhenFull,
            long maxHeapEntries,
            Logger log) {
        Environment env = operator.getContainingTask().getEnvironment();
        MemoryManager memoryManager = env.getMemoryManager();
        double fraction =
                operator.getOperatorConfig()
                        .getManagedMemoryFractionOperatorUseCaseOfSlot(
                                ManagedMemoryUseCase.OPERATOR,
                                env.getJobConfiguration(),
                                env.getTaskManagerInfo().getConfiguration(),
                                env.getUserCodeClassLoader().asClassLoader());
        long budget = fraction > 0 ? memoryManager.computeMemorySize(fraction) : 0;
        if (budget < MIN_MANAGED_BYTES) {
            log.warn(
                    "Operator {} has {} bytes of managed memory (fraction {}); keeping window"
                            + " state on the heap instead. Give the TaskManager managed memory"
                            + " (taskmanager.memory.managed.size) to use the off-heap store.",
                    name,
                    budget,
                    fraction);
            return new OperatorStore(
                    new HeapWindowStore(
                            quantileAccuracy, emptiedWhenFull ? maxHeapEntries : Long.MAX_VALUE),
                    null);
        }
        PagePool pool = PagePool.managed(memoryManager, operator, budget);
        StatsKernels kernels = StatsKernelsProvider.get();
        log.info(
                "Operator {} keeps its state off-heap: {} MiB of managed memory in pages of {}"
                        + " bytes; chunk reductions run on the {} kernels",
                name,
                budget >> 20,
                pool.pageSize(),
                kernels.name());
        ManagedWindowStore store =
                new ManagedWindowStore(
                        new SlabAllocator(pool), spec, new ChunkReducer(kernels), quantileAccuracy);
        return new OperatorStore(emptiedWhenFull ? store.withoutReserve() : store, pool);
    }

    /** Pool gauges (managed store only), and the store's size gauges. */
    void registerGauges(MetricGroup metrics) {
        if (pool != null) {
            metrics.gauge("poolPagesInUse", () -> pool.pagesInUse());
            metrics.gauge("poolPagesHighWater", () -> pool.highWaterPages());
            metrics.gauge("poolPagesBudget", () -> pool.maxPages());
            metrics.gauge("poolPageBytes", () -> pool.pageSize());
            metrics.gauge("chunkFlushes", () -> ((ManagedWindowStore) store).chunkFlushes());
            // 1 when chunk reductions run on the Vector API kernels, 0 on the scalar twin.
            int vector = StatsKernelsProvider.get() == StatsKernelsProvider.scalar() ? 0 : 1;
            metrics.gauge("kernelVector", () -> vector);
        }
        metrics.gauge(
                "stateBytesPerEntry",
                () -> store.liveEntries() == 0 ? 0L : store.bytesUsed() / store.liveEntries());
        metrics.gauge("liveEntries", () -> store.liveEntries());
        metrics.gauge("livePanes", () -> store.livePanes());
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            if (pool != null) {
                pool.close();
            }
        }
    }
}

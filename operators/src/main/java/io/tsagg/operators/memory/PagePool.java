package io.tsagg.operators.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.apache.flink.runtime.memory.MemoryAllocationException;
import org.apache.flink.runtime.memory.MemoryManager;

/**
 * Fixed-size off-heap pages for one operator, taken lazily from Flink's {@link MemoryManager} (the
 * operator's share of managed memory) up to a budget, and given back all at once in {@link
 * #close()}. Pages freed by their user go to a free list and are reused; they return to Flink only
 * on close, so a busy operator does not churn the memory manager.
 *
 * <p>This class and {@link SlabAllocator} are the only places that hand out raw memory; everything
 * else addresses it through handles ({@code page << 32 | offset}), or, on the window store's
 * per-sample path, through {@link #address} and {@link RawMemory}. Every page is counted: pages in
 * use, high-water mark, and pages allocated from the memory manager.
 *
 * <p>Single-threaded (the operator's task thread). {@link #close()} is safe to call twice.
 */
public final class PagePool implements AutoCloseable {
    /** What a page comes from: Flink's memory manager, or plain off-heap memory for tests. */
    private interface Source {
        MemorySegment allocate() throws MemoryAllocationException;

        void releaseAll(List<MemorySegment> segments);
    }

    private final Source source;
    private final int pageSize;
    private final int maxPages;

    private MemorySegment[] pages = new MemorySegment[16];

    /** Each page's absolute address, for {@link RawMemory}. */
    private long[] addresses = new long[16];

    private int allocated;
    private int[] free = new int[16];
    private int freeCount;
    private int inUse;
    private int highWater;
    private boolean closed;

    private PagePool(Source source, int pageSize, long budgetBytes) {
        if (pageSize < 4096 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException(
                    "page size must be a power of two >= 4096, got " + pageSize);
        }
        this.source = source;
        this.pageSize = pageSize;
        this.maxPages = (int) Math.min(Integer.MAX_VALUE >> 1, Math.max(0, budgetBytes / pageSize));
    }

    /** Pages from Flink's managed memory, owned by {@code owner} (the operator). */
    public static PagePool managed(MemoryManager memoryManager, Object owner, long budgetBytes) {
        Source s =
                new Source() {
                    @Override
                    public MemorySegment allocate() throws MemoryAllocationException {
                        return memoryManager.allocatePages(owner, 1).get(0);
                    }

                    @Override
                    public void releaseAll(List<MemorySegment> segments) {
                        memoryManager.release(segments);
                    }
                };
        return new PagePool(s, memoryManager.getPageSize(), budgetBytes);
    }

    /** Pages of plain off-heap memory, for tests and benchmarks outside a Flink task. */
    public static PagePool unmanaged(int pageSize, long budgetBytes) {
        Source s =
                new Source() {
                    @Override
                    public MemorySegment allocate() {
                        return MemorySegmentFactory.allocateOffHeapUnsafeMemory(pageSize);
                    }

                    @Override
                    public void releaseAll(List<MemorySegment> segments) {
                        for (MemorySegment segment : segments) {
                            segment.free();
                        }
                    }
                };
        return new PagePool(s, pageSize, budgetBytes);
    }

    public int pageSize() {
        return pageSize;
    }

    /** Pages this pool may hold at most. */
    public int maxPages() {
        return maxPages;
    }

    /**
     * Takes a page and returns its index, or -1 when the budget is used up (or the memory manager
     * has no page left for us). The page's content is undefined.
     */
    public int allocate() {
        if (closed) {
            throw new IllegalStateException("page pool is closed");
        }
        int page;
        if (freeCount > 0) {
            page = free[--freeCount];
        } else {
            if (allocated >= maxPages) {
                return -1;
            }
            MemorySegment segment;
            try {
                segment = source.allocate();
            } catch (MemoryAllocationException e) {
                return -1;
            }
            if (!segment.isOffHeap()) {
                source.releaseAll(List.of(segment));
                throw new IllegalStateException("managed memory pages must be off-heap");
            }
            if (allocated == pages.length) {
                pages = Arrays.copyOf(pages, pages.length * 2);
                addresses = Arrays.copyOf(addresses, addresses.length * 2);
            }
            page = allocated++;
            pages[page] = segment;
            addresses[page] = segment.getAddress();
            RawMemory.register(addresses[page], pageSize);
        }
        if (++inUse > highWater) {
            highWater = inUse;
        }
        return page;
    }

    /** Gives a page back to the pool for reuse. */
    public void free(int page) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = page;
        inUse--;
    }

    /** Absolute address of a page's first byte, for {@link RawMemory}. Hot path. */
    public long address(int page) {
        return addresses[page];
    }

    /** The memory of a page. Hot path. */
    public MemorySegment segment(int page) {
        return pages[page];
    }

    public int pagesInUse() {
        return inUse;
    }

    public int highWaterPages() {
        return highWater;
    }

    /** Pages taken from the memory manager (in use or on the free list). */
    public int pagesAllocated() {
        return allocated;
    }

    public long bytesInUse() {
        return (long) inUse * pageSize;
    }

    /** Returns every page to where it came from. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<MemorySegment> all = new ArrayList<>(allocated);
        for (int i = 0; i < allocated; i++) {
            RawMemory.unregister(addresses[i]);
            all.add(pages[i]);
            pages[i] = null;
        }
        allocated = 0;
        inUse = 0;
        freeCount = 0;
        source.releaseAll(all);
    }

    public boolean isClosed() {
        return closed;
    }
}

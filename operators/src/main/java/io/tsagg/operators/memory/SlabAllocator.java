package io.tsagg.operators.memory;

import org.apache.flink.core.memory.MemorySegment;

/**
 * Blocks of power-of-two sizes ({@link #MIN_BLOCK} to the page size) carved from {@link PagePool}
 * pages, so a quiet key costs a 64-byte block, not a page. Each size class keeps an intrusive free
 * list (a freed block holds the handle of the next free one); a page whose blocks are all free goes
 * back to the pool on {@link #compact()} and may be carved into another class.
 *
 * <p>A block is named by a handle {@code page << 32 | offset}; {@link #segment(long)} and {@link
 * #offset(long)} turn it into memory; {@link #NONE} (-1) marks "no block".
 *
 * <p>Freeing only pushes a block on its free list. After a bulk free (a pane dropped, chunks
 * flushed), {@link #compact()} gives pages whose blocks are all free back to the pool in one pass
 * over the free lists, so they can be carved into another class.
 *
 * <p>Single-threaded.
 */
public final class SlabAllocator {
    public static final long NONE = -1L;
    public static final int MIN_BLOCK = 64;

    private final PagePool pool;
    private final int pageShift;
    private final int classes;

    /** Per class: head of the free list, and the page being carved with its next offset. */
    private final long[] freeHead;

    private final int[] carvePage;
    private final int[] carveOffset;

    /** Per page: the size class it is carved into (-1: not carved) and its live block count. */
    private byte[] pageClass = new byte[64];

    private int[] pageLive = new int[64];

    private long blocksInUse;
    private long bytesInUse;

    public SlabAllocator(PagePool pool) {
        this.pool = pool;
        this.pageShift = Integer.numberOfTrailingZeros(pool.pageSize());
        this.classes = pageShift - Integer.numberOfTrailingZeros(MIN_BLOCK) + 1;
        this.freeHead = new long[classes];
        this.carvePage = new int[classes];
        this.carveOffset = new int[classes];
        for (int c = 0; c < classes; c++) {
            freeHead[c] = NONE;
            carvePage[c] = -1;
        }
        java.util.Arrays.fill(pageClass, (byte) -1);
    }

    public PagePool pool() {
        return pool;
    }

    /** The size class holding blocks of at least {@code bytes} bytes. */
    public static int sizeClass(int bytes) {
        int size = Math.max(MIN_BLOCK, Integer.highestOneBit(bytes - 1) << 1);
        return Integer.numberOfTrailingZeros(size) - Integer.numberOfTrailingZeros(MIN_BLOCK);
    }

    public static int blockSize(int sizeClass) {
        return MIN_BLOCK << sizeClass;
    }

    public int largestClass() {
        return classes - 1;
    }

    /** Allocates a block of the class, or returns {@link #NONE} when memory is exhausted. */
    public long allocate(int sizeClass) {
        long handle = freeHead[sizeClass];
        if (handle != NONE) {
            freeHead[sizeClass] = segment(handle).getLong(offset(handle));
            taken(handle, sizeClass);
            return handle;
        }
        int size = blockSize(sizeClass);
        int page = carvePage[sizeClass];
        if (page < 0 || carveOffset[sizeClass] + size > pool.pageSize()) {
            page = pool.allocate();
            if (page < 0) {
                return NONE;
            }
            ensurePageSlots(page);
            pageClass[page] = (byte) sizeClass;
            pageLive[page] = 0;
            carvePage[sizeClass] = page;
            carveOffset[sizeClass] = 0;
        }
        handle = ((long) page << 32) | carveOffset[sizeClass];
        carveOffset[sizeClass] += size;
        taken(handle, sizeClass);
        return handle;
    }

    private void taken(long handle, int sizeClass) {
        pageLive[(int) (handle >>> 32)]++;
        blocksInUse++;
        bytesInUse += blockSize(sizeClass);
    }

    /** Frees a block of the given class. */
    public void free(long handle, int sizeClass) {
        segment(handle).putLong(offset(handle), freeHead[sizeClass]);
        freeHead[sizeClass] = handle;
        pageLive[(int) (handle >>> 32)]--;
        blocksInUse--;
        bytesInUse -= blockSize(sizeClass);
    }

    /**
     * Returns every page whose blocks are all free to the pool (a page being carved too). One pass
     * over the free lists; call it after bulk frees, not per block.
     */
    public void compact() {
        for (int c = 0; c < classes; c++) {
            int page = carvePage[c];
            if (page >= 0 && pageLive[page] == 0) {
                carvePage[c] = -1; // nothing live: stop carving it, it goes back below
            }
            long kept = NONE;
            long h = freeHead[c];
            while (h != NONE) {
                long next = segment(h).getLong(offset(h));
                if (pageLive[(int) (h >>> 32)] != 0) {
                    segment(h).putLong(offset(h), kept);
                    kept = h;
                }
                h = next;
            }
            freeHead[c] = kept;
        }
        for (int page = 0; page < pool.pagesAllocated() && page < pageClass.length; page++) {
            int c = pageClass[page];
            if (c >= 0 && pageLive[page] == 0 && carvePage[c] != page) {
                pageClass[page] = -1;
                pool.free(page);
            }
        }
    }

    private void ensurePageSlots(int page) {
        if (page >= pageClass.length) {
            int n = Math.max(page + 1, pageClass.length * 2);
            byte[] classesOfPages = java.util.Arrays.copyOf(pageClass, n);
            java.util.Arrays.fill(classesOfPages, pageClass.length, n, (byte) -1);
            pageClass = classesOfPages;
            pageLive = java.util.Arrays.copyOf(pageLive, n);
        }
    }

    /** Memory of a block. Hot path. */
    public MemorySegment segment(long handle) {
        return pool.segment((int) (handle >>> 32));
    }

    /** Offset of a block within its segment. Hot path. */
    public static int offset(long handle) {
        return (int) handle;
    }

    public long blocksInUse() {
        return blocksInUse;
    }

    /** Bytes of live blocks (not counting carved but unused space). */
    public long bytesInUse() {
        return bytesInUse;
    }

    public int pageShift() {
        return pageShift;
    }
}

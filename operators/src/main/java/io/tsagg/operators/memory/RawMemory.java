package io.tsagg.operators.memory;

import java.lang.reflect.Field;
import java.util.Arrays;
import sun.misc.Unsafe;

/**
 * The one door to raw off-heap memory: loads and stores at absolute addresses of pages that a
 * {@link PagePool} handed out (see {@link PagePool#address}), for the window store's per-sample
 * path. A {@code MemorySegment} access loads the segment's address, limit and heap reference and
 * checks all three each time; the store's own invariants (a slot below the pane's size, a chunk
 * fill below its capacity) already keep its addresses in its blocks. Going by address on that path
 * made {@code WindowOperatorBenchmark} (10k keys, tumbling) 8% to 43% faster in three alternating
 * runs (bench/results/2026-12-07/session13).
 *
 * <p>Checked mode: with {@code -Dtsagg.memory.checks=true} (the build's tests run with it) every
 * access first checks that its bytes lie inside a page of an open pool, and throws {@link
 * IndexOutOfBoundsException} if not, so an address computed wrong, or used after its pool closed,
 * fails a test instead of corrupting memory. Off by default: the job and the benchmarks run without
 * the check.
 *
 * <p>Thread-safe: pages are registered and unregistered under a lock, and accesses read an
 * immutable snapshot of the page table.
 */
public final class RawMemory {
    /** Whether every access is checked against the live pages (read once, at class load). */
    public static final boolean CHECKED = Boolean.getBoolean("tsagg.memory.checks");

    private static final Unsafe UNSAFE = unsafe();

    /** Checked mode: start addresses of live pages, sorted, and each page's end; copy on write. */
    private static volatile long[][] live = {new long[0], new long[0]};

    private RawMemory() {}

    private static Unsafe unsafe() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Hot path. */
    public static long getLong(long address) {
        if (CHECKED) {
            check(address, 8);
        }
        return UNSAFE.getLong(address);
    }

    /** Hot path. */
    public static void putLong(long address, long value) {
        if (CHECKED) {
            check(address, 8);
        }
        UNSAFE.putLong(address, value);
    }

    /** Hot path. */
    public static int getInt(long address) {
        if (CHECKED) {
            check(address, 4);
        }
        return UNSAFE.getInt(address);
    }

    /** Hot path. */
    public static void putInt(long address, int value) {
        if (CHECKED) {
            check(address, 4);
        }
        UNSAFE.putInt(address, value);
    }

    /** Hot path. */
    public static double getDouble(long address) {
        if (CHECKED) {
            check(address, 8);
        }
        return UNSAFE.getDouble(address);
    }

    /** Hot path. */
    public static void putDouble(long address, double value) {
        if (CHECKED) {
            check(address, 8);
        }
        UNSAFE.putDouble(address, value);
    }

    /** Checked mode: a page of {@code bytes} at {@code address} may be accessed from now on. */
    static void register(long address, int bytes) {
        if (!CHECKED) {
            return;
        }
        synchronized (RawMemory.class) {
            int at = Arrays.binarySearch(live[0], address);
            if (at >= 0) {
                throw new IllegalStateException("page at " + address + " registered twice");
            }
            live =
                    new long[][] {
                        insert(live[0], -at - 1, address), insert(live[1], -at - 1, address + bytes)
                    };
        }
    }

    /** Checked mode: the page at {@code address} goes back to its owner; no more accesses. */
    static void unregister(long address) {
        if (!CHECKED) {
            return;
        }
        synchronized (RawMemory.class) {
            int at = Arrays.binarySearch(live[0], address);
            if (at < 0) {
                throw new IllegalStateException("page at " + address + " is not registered");
            }
            live = new long[][] {remove(live[0], at), remove(live[1], at)};
        }
    }

    private static long[] insert(long[] a, int at, long v) {
        long[] b = new long[a.length + 1];
        System.arraycopy(a, 0, b, 0, at);
        b[at] = v;
        System.arraycopy(a, at, b, at + 1, a.length - at);
        return b;
    }

    private static long[] remove(long[] a, int at) {
        long[] b = new long[a.length - 1];
        System.arraycopy(a, 0, b, 0, at);
        System.arraycopy(a, at + 1, b, at, b.length - at);
        return b;
    }

    private static void check(long address, int bytes) {
        long[][] pages = live;
        int at = Arrays.binarySearch(pages[0], address);
        // The page starting at or before the address must hold all its bytes.
        int page = at >= 0 ? at : -at - 2;
        if (page < 0 || address + bytes > pages[1][page]) {
            throw new IndexOutOfBoundsException(
                    bytes + " bytes at address " + address + " are outside every live page");
        }
    }
}

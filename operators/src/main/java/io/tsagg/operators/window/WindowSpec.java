package io.tsagg.operators.window;

import java.io.Serializable;

/**
 * Event-time windows aligned to the epoch: tumbling ({@code slide == size}) or sliding. State is
 * kept per <em>pane</em> of {@code gcd(size, slide)} milliseconds, so a sample is added once
 * however many sliding windows contain it; a window is the merge of its {@code size / pane} panes.
 *
 * <p>Window {@code [start, start + size)} exists for every {@code start} that is a multiple of
 * {@code slide}. Timestamps before the epoch work (floor arithmetic).
 */
public final class WindowSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long slide;
    private final long pane;

    private WindowSpec(long size, long slide) {
        if (size <= 0) {
            throw new IllegalArgumentException("window size must be > 0 ms, got " + size);
        }
        if (slide <= 0 || slide > size) {
            throw new IllegalArgumentException(
                    "window slide must be > 0 and <= the window size ("
                            + size
                            + " ms), got "
                            + slide);
        }
        this.size = size;
        this.slide = slide;
        this.pane = gcd(size, slide);
    }

    public static WindowSpec tumbling(long sizeMs) {
        return new WindowSpec(sizeMs, sizeMs);
    }

    public static WindowSpec sliding(long sizeMs, long slideMs) {
        return new WindowSpec(sizeMs, slideMs);
    }

    public long size() {
        return size;
    }

    public long slide() {
        return slide;
    }

    public long paneSize() {
        return pane;
    }

    public boolean isTumbling() {
        return slide == size;
    }

    /** Start of the pane holding {@code timestamp}. Hot path. */
    public long paneStart(long timestamp) {
        return timestamp - Math.floorMod(timestamp, pane);
    }

    /** End of the last window containing the pane that starts at {@code paneStart}. Hot path. */
    public long lastWindowEnd(long paneStart) {
        return paneStart - Math.floorMod(paneStart, slide) + size;
    }

    /** End of the first window containing the pane that starts at {@code paneStart}. */
    public long firstWindowEnd(long paneStart) {
        // The first window containing the pane is the earliest slide-aligned start s with
        // s + size > paneStart, i.e. s = floor((paneStart - size) / slide) * slide + slide.
        long s = Math.floorDiv(paneStart - size, slide) * slide + slide;
        return s + size;
    }

    /**
     * End of the last window that ends at or before {@code timestamp}, or {@link Long#MIN_VALUE}
     * when there is none.
     */
    public long lastWindowEndAtOrBefore(long timestamp) {
        if (timestamp < Long.MIN_VALUE + size) {
            return Long.MIN_VALUE;
        }
        return Math.floorDiv(timestamp - size, slide) * slide + size;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String toString() {
        return isTumbling()
                ? "tumbling(" + size + " ms)"
                : "sliding(" + size + " ms every " + slide + " ms)";
    }
}

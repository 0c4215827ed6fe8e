package io.tsagg.operators.window;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Per (group key, pane) summaries of a window operator. The operator decides which panes make a
 * window and when it fires; the store only keeps, merges and frees panes, and writes them to a
 * checkpoint key group by key group.
 *
 * <p>Single-threaded: called from the operator's task thread only. Implementations own their memory
 * and release all of it in {@link #close()}.
 */
public interface WindowStore extends AutoCloseable {

    /** Visits the summary of one group key. The summary is only valid during the call. */
    @FunctionalInterface
    interface SummaryVisitor {
        void visit(long keyId, Summary summary) throws Exception;

        /**
         * The key of a visit a few visits ahead: a visitor that looks keys up elsewhere (in a hash
         * table much larger than the caches) may start that lookup now, so its cache misses overlap
         * with the visits in between. A hint: it may name keys that are not visited.
         */
        default void upcoming(long keyId) {}
    }

    /**
     * Adds a sample to the pane starting at {@code paneStart}. Returns false when the store has no
     * memory left for a new (key, pane); the caller decides what to do with the sample. Hot path.
     */
    boolean add(long keyId, long paneStart, long timestamp, double value);

    /**
     * Merges a partial summary of samples of the pane starting at {@code paneStart} (from a
     * pre-aggregator) into the (key, pane), as if its samples had been added. Its first and last
     * timestamps must lie in the pane. Returns false, changing nothing, when the store has no
     * memory left for a new (key, pane) or the entry cannot hold that many more samples.
     */
    boolean merge(long keyId, long paneStart, Summary partial);

    /** Smallest pane start held at or after {@code from}, or {@link Long#MAX_VALUE}. */
    long nextPaneStart(long from);

    /**
     * Visits each group key present in panes {@code [from, to)} with its summary merged over those
     * panes.
     */
    void forEachSummary(long from, long to, SummaryVisitor visitor) throws Exception;

    /**
     * Sets {@code into} to the summary of one group key merged over panes {@code [from, to)}, the
     * same as {@link #forEachSummary} would visit. Returns false when the key has no sample there.
     */
    boolean summaryOf(long keyId, long from, long to, Summary into);

    /** Frees every pane that starts before {@code paneStart}. */
    void dropPanesBefore(long paneStart);

    /** Number of live (key, pane) entries. */
    long liveEntries();

    /** Number of live panes. */
    int livePanes();

    /** Bytes of memory the store holds. */
    long bytesUsed();

    /**
     * Prepares {@link #writeKeyGroup}: indexes entries by key group. {@code keyGroupOf} maps a key
     * id to its key group.
     */
    void prepareSnapshot(KeyGroupOf keyGroupOf);

    /**
     * Writes the entries of one key group (after {@link #prepareSnapshot}). Each entry is the pane
     * start, the key id, a {@link Summary} of the samples already reduced, and the raw values not
     * reduced yet ({@code int n}, {@code n} doubles), so a restored store reduces in the same order
     * as one that never stopped and gives bit-identical results.
     */
    void writeKeyGroup(int keyGroup, DataOutputView out) throws IOException;

    /** Adds the entries written by {@link #writeKeyGroup} to this store. */
    void readKeyGroup(DataInputView in) throws IOException;

    @Override
    void close();

    /** Maps a key id to a key group. */
    @FunctionalInterface
    interface KeyGroupOf {
        int keyGroup(long keyId);
    }
}

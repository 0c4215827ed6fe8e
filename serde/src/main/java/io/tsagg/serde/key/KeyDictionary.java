package io.tsagg.serde.key;

import io.tsagg.serde.collections.Long2IntOpenMap;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interned group keys: the 64-bit id the hot path carries, mapped once to the key's UTF-8 bytes so
 * results can name it. Bytes live in one growing arena, so a million keys are a handful of arrays,
 * not a million objects.
 *
 * <p><b>Forgetting.</b> Each entry keeps the latest valid-until time its announcements carried
 * ({@code MetricRecord.validUntil()}): its senders stamp every sample of the id they send without
 * announcing it again before that time. {@link #forgetExpired} drops the entries whose time is
 * before a limit, so a window operator that passes its watermark minus window size and allowed
 * lateness keeps only the keys that can still get a sample it accepts (see {@code
 * WindowAggregateOperator}); series that stop reporting stop costing heap. Entries announced as
 * valid for good ({@link Long#MAX_VALUE}) are never dropped. Not thread-safe.
 */
public final class KeyDictionary {
    private Long2IntOpenMap index = new Long2IntOpenMap(1024, -1);
    private long[] ids = new long[1024];
    private long[] validUntil = new long[1024];
    private int[] offsets = new int[1024];
    private int[] lengths = new int[1024];
    private byte[] arena = new byte[64 * 1024];
    private int arenaUsed;
    private int size;

    /**
     * No entry's valid-until time is earlier (a lower bound, exact after {@link #forgetExpired}).
     */
    private long earliestValidUntil = Long.MAX_VALUE;

    /** Adds the key for good unless its id is known already. Returns the entry number. */
    public int put(long id, byte[] bytes, int offset, int length) {
        return put(id, bytes, offset, length, Long.MAX_VALUE);
    }

    /**
     * Adds the key unless its id is known already, and keeps the later of its valid-until times.
     * Returns the entry number.
     */
    public int put(long id, byte[] bytes, int offset, int length, long validUntil) {
        int entry = index.get(id);
        if (entry >= 0) {
            if (validUntil > this.validUntil[entry]) {
                this.validUntil[entry] = validUntil;
            }
            return entry;
        }
        if (size == ids.length) {
            int n = size * 2;
            ids = Arrays.copyOf(ids, n);
            this.validUntil = Arrays.copyOf(this.validUntil, n);
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
        }
        if (arenaUsed + length > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + length));
        }
        System.arraycopy(bytes, offset, arena, arenaUsed, length);
        entry = size++;
        ids[entry] = id;
        this.validUntil[entry] = validUntil;
        earliestValidUntil = Math.min(earliestValidUntil, validUntil);
        offsets[entry] = arenaUsed;
        lengths[entry] = length;
        arenaUsed += length;
        index.put(id, entry);
        return entry;
    }

    /** Entry number of the id, or -1. Hot path. */
    public int find(long id) {
        return index.get(id);
    }

    /**
     * Whether {@link #forgetExpired} with this limit would drop anything: a compare, so callers may
     * ask on every watermark.
     */
    public boolean hasExpired(long limit) {
        return earliestValidUntil < limit;
    }

    /**
     * Drops every entry valid until before {@code limit}; the others keep their order (so cursors
     * still find them mostly in sequence) but may get new entry numbers. Returns how many were
     * dropped. Rebuilds the arrays and the index when anything is dropped, and shrinks them when at
     * most a quarter of their room is left in use, so a burst of keys that went quiet gives its
     * memory back. Not a hot path: once per key epoch, in time.
     */
    public int forgetExpired(long limit) {
        if (!hasExpired(limit)) {
            return 0;
        }
        int kept = 0;
        int keptBytes = 0;
        long earliest = Long.MAX_VALUE;
        for (int e = 0; e < size; e++) {
            if (validUntil[e] >= limit) {
                kept++;
                keptBytes += lengths[e];
                earliest = Math.min(earliest, validUntil[e]);
            }
        }
        int dropped = size - kept;
        earliestValidUntil = earliest;
        if (dropped == 0) {
            return 0;
        }
        int room = ids.length;
        while (room > 1024 && kept <= room / 4) {
            room /= 2;
        }
        long[] newIds = room == ids.length ? ids : new long[room];
        long[] newValidUntil = room == ids.length ? validUntil : new long[room];
        int[] newOffsets = room == ids.length ? offsets : new int[room];
        int[] newLengths = room == ids.length ? lengths : new int[room];
        int arenaRoom = arena.length;
        while (arenaRoom > 64 * 1024 && keptBytes <= arenaRoom / 4) {
            arenaRoom /= 2;
        }
        byte[] newArena = arenaRoom == arena.length ? arena : new byte[arenaRoom];
        Long2IntOpenMap newIndex = new Long2IntOpenMap(Math.max(1024, kept), -1);
        int to = 0;
        int used = 0;
        for (int e = 0; e < size; e++) {
            if (validUntil[e] < limit) {
                continue;
            }
            // Moving down in place is safe: entry `to` and its bytes are never after entry `e`.
            int length = lengths[e];
            System.arraycopy(arena, offsets[e], newArena, used, length);
            newIds[to] = ids[e];
            newValidUntil[to] = validUntil[e];
            newOffsets[to] = used;
            newLengths[to] = length;
            newIndex.put(ids[e], to);
            used += length;
            to++;
        }
        ids = newIds;
        validUntil = newValidUntil;
        offsets = newOffsets;
        lengths = newLengths;
        arena = newArena;
        arenaUsed = used;
        index = newIndex;
        size = kept;
        return dropped;
    }

    /** The latest valid-until time the entry's announcements carried. */
    public long validUntil(int entry) {
        return validUntil[entry];
    }

    /**
     * A reader that looks ids up in about the order they were put: it tries the entry after the one
     * it found last (a compare in a sequential array) before the index (a hash probe at a random
     * place). Window results name their keys in the order of the store's slots, which is the keys'
     * order of arrival, as is the dictionary's.
     */
    public Cursor cursor() {
        return new Cursor();
    }

    /** See {@link #cursor()}. Not thread-safe. */
    public final class Cursor {
        private int last = -1;

        private Cursor() {}

        /** Entry number of the id, or -1. Hot path. */
        public int find(long id) {
            int next = last + 1;
            if (next < size && ids[next] == id) {
                last = next;
                return next;
            }
            int entry = index.get(id);
            if (entry >= 0) {
                last = entry;
            }
            return entry;
        }
    }

    public int size() {
        return size;
    }

    public long id(int entry) {
        return ids[entry];
    }

    /**
     * The arena holding every key; an entry is {@code arena()[offset(e) .. offset(e)+length(e))}.
     */
    public byte[] arena() {
        return arena;
    }

    public int offset(int entry) {
        return offsets[entry];
    }

    public int length(int entry) {
        return lengths[entry];
    }

    public String keyString(int entry) {
        return new String(arena, offsets[entry], lengths[entry], StandardCharsets.UTF_8);
    }

    /** Bytes held, for the memory gauges. */
    public long bytesUsed() {
        return arenaUsed + (long) ids.length * (8 + 8 + 4 + 4) + (long) size * 12;
    }
}

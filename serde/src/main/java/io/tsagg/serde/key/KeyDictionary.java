package io.tsagg.serde.key;

import io.tsagg.serde.collections.Long2IntOpenMap;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interned group keys: the 64-bit id the hot path carries, mapped once to the key's UTF-8 bytes so
 * results can name it. Bytes live in one growing arena, so a million keys are a handful of arrays,
 * not a million objects.
 *
 * <p>Entries are never removed (a source announces a key only once per run). Not thread-safe.
 */
public final class KeyDictionary {
    private final Long2IntOpenMap index = new Long2IntOpenMap(1024, -1);
    private long[] ids = new long[1024];
    private int[] offsets = new int[1024];
    private int[] lengths = new int[1024];
    private byte[] arena = new byte[64 * 1024];
    private int arenaUsed;
    private int size;

    /** Adds the key unless its id is known already. Returns the entry number. */
    public int put(long id, byte[] bytes, int offset, int length) {
        int entry = index.get(id);
        if (entry >= 0) {
            return entry;
        }
        if (size == ids.length) {
            int n = size * 2;
            ids = Arrays.copyOf(ids, n);
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
        }
        if (arenaUsed + length > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + length));
        }
        System.arraycopy(bytes, offset, arena, arenaUsed, length);
        entry = size++;
        ids[entry] = id;
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
        return arenaUsed + (long) ids.length * (8 + 4 + 4) + (long) size * 12;
    }
}

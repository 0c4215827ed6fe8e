package io.tsagg.serde.ilp;

import static io.tsagg.serde.ilp.SeriesKeyBuilder.BACKSLASHES;
import static io.tsagg.serde.ilp.SeriesKeyBuilder.COMMAS;
import static io.tsagg.serde.ilp.SeriesKeyBuilder.EQUALS;
import static io.tsagg.serde.ilp.SeriesKeyBuilder.LONG_LE;
import static io.tsagg.serde.ilp.SeriesKeyBuilder.SPACES;
import static io.tsagg.serde.ilp.SeriesKeyBuilder.zeroBytes;

import java.util.Arrays;

/**
 * The group-key ids of recently seen series, by the bytes they were written with: for a line whose
 * series section (measurement and tags, exactly as in the input) and field key were parsed before,
 * the id is found by comparing bytes, without building, sorting, escaping and hashing the canonical
 * key again. Telegraf writes the same series with the same bytes every interval, so nearly every
 * line hits.
 *
 * <p>The id of a field is a function of the series section's bytes and the field key's bytes only
 * (for a given {@link io.tsagg.serde.key.GroupKeySpec} and tag limit, fixed per parser), so a hit
 * returns exactly what {@link SeriesKeyBuilder} would compute. Only sections and keys without
 * backslashes are cached ({@code \}-escapes take the builder's path every time), and only entries
 * of sections that parsed: a line that hits cannot be one the builder would reject there.
 *
 * <p><b>Layout.</b> Open addressing: a section's hash picks a home slot and an entry lives in one
 * of the {@value #PROBES} slots from there; the hashes sit in a {@code long[]} of their own, so a
 * lookup reads one or two cache lines of it and touches an entry only when its hash matches. The
 * table starts at {@value #MIN_SLOTS} slots and doubles whenever half of them are used (or a window
 * is full once a quarter are), up to {@value #MAX_SLOTS}; there it keeps filling free slots while
 * the byte cap below allows (32,000-43,000 series of 3 fields per parser; the end-to-end bench runs
 * 10,000). After that a new series whose window is full replaces one of its window's entries (its
 * fields with it). A lookup reads the whole window, so an entry can be moved out of its slot
 * without breaking others' chains: once the byte cap below stops new entries, a series whose window
 * is empty takes an entry from elsewhere in the table.
 *
 * <p><b>Memory.</b> A section of at most {@value #MAX_SERIES_BYTES} bytes, at most {@value
 * #MAX_FIELDS} fields and {@value #MAX_FIELD_BYTES} bytes of field keys per entry; the entries'
 * arrays (counted with 16 bytes of header each, plus {@value #ENTRY_BYTES} bytes per entry) are
 * capped at {@value #MAX_ENTRY_BYTES} bytes: past that the table neither grows nor makes new
 * entries, only reuses its own. So at most 16 MiB + 2 KiB of entries and 768 KiB of slot arrays per
 * parser; a {@code cpu} series of 3 fields takes about 400 bytes. Entries are reused when replaced
 * and kept when the table grows. Not thread-safe; one per parser.
 */
final class SeriesIdCache {
    static final int MIN_SLOTS = 2048;
    static final int MAX_SLOTS = 64 * 1024;

    /** Slots an entry may sit in from its home slot: a lookup reads at most these. */
    static final int PROBES = 8;

    static final int MAX_SERIES_BYTES = 256;
    static final int MAX_FIELDS = 32;
    static final int MAX_FIELD_BYTES = 512;

    /** The cap on the bytes of all entries ({@link #entryBytes()}). */
    static final long MAX_ENTRY_BYTES = 16L << 20;

    /** What an entry object counts for besides its arrays (header, fields, five references). */
    static final int ENTRY_BYTES = 64;

    private static final int ARRAY_HEADER_BYTES = 16;

    /**
     * Lookups per hit-rate check, and the lines left to the builder alone when fewer than a quarter
     * of them hit while the table cannot grow: with ever-new series (or many more than it holds)
     * the cache only adds work (a failed lookup, an insert, touching cold entries; 20-50% in {@code
     * ProfChurn} runs, see bench/results/2026-11-26/jmh-serde.md), so it steps aside and checks
     * again later. While it can still grow, it keeps every new series instead.
     */
    static final int CHECK_EVERY = 1024;

    static final int BYPASS_LINES = 16 * CHECK_EVERY;

    private static final long MULTIPLIER = 0x9E37_79B9_7F4A_7C15L;

    /** One series section and the ids of the fields seen with it. */
    private static final class Entry {
        static final int INITIAL_SERIES_BYTES = 64;

        long hash;
        int seriesLength;
        byte[] series = new byte[INITIAL_SERIES_BYTES];
        int fieldCount;
        int[] fieldEnds = new int[4];
        long[] ids = new long[4];
        byte[] fieldKeys = new byte[64];

        /** Each field key and its {@code =}, if at most 16 bytes: little-endian, zero-padded. */
        long[] keyWords = new long[8];

        /** What this entry counts for in {@link #entryBytes}. */
        long bytes() {
            return ENTRY_BYTES
                    + 5 * ARRAY_HEADER_BYTES
                    + series.length
                    + 4L * fieldEnds.length
                    + 8L * ids.length
                    + fieldKeys.length
                    + 8L * keyWords.length;
        }
    }

    // ---------------------------------------------------------------- table

    /** The hash of each slot's section, never 0; 0 marks a slot never used. */
    private long[] hashes = new long[MIN_SLOTS];

    private Entry[] entries = new Entry[MIN_SLOTS];
    private int mask = MIN_SLOTS - 1;
    private int shift = Long.SIZE - Integer.numberOfTrailingZeros(MIN_SLOTS);
    private int size;
    private long entryBytes;

    /** Picks the entry a full probe window gives up. */
    private int victim;

    /** Where {@link #usedSlot} looks for an entry to move when a window has none. */
    private int sweep;

    // ---------------------------------------------------------------- current line

    /** The entry of the current line, or null (a miss that is not cached). */
    private Entry current;

    /** The hash, start and length of the section that missed ({@code missLength < 0}: uncached). */
    private long missHash;

    private int missStart;
    private int missLength = -1;

    private int lookups;
    private int hits;

    /** Lines still to leave to the builder before the cache is tried again. */
    private int bypass;

    // ---------------------------------------------------------------- series

    /**
     * Looks up the series section that starts at {@code p}: on a hit, makes its entry current and
     * returns the index of the space that ends the section; else returns -1 and remembers the
     * section for {@link #insert} if it can be cached. Hot path.
     */
    int lookup(byte[] b, int p, int end) {
        current = null;
        missLength = -1;
        if (bypass > 0) {
            bypass--;
            return -1;
        }
        if (++lookups == CHECK_EVERY) {
            if (hits < CHECK_EVERY / 4 && !canGrow()) {
                bypass = BYPASS_LINES;
            }
            lookups = 0;
            hits = 0;
        }
        final int limit = Math.min(end, p + MAX_SERIES_BYTES);
        long h = 0;
        int i = p;
        int space = -1;
        // Hashes whole words up to the first space; a backslash first means "not cached".
        while (limit - i >= Long.BYTES) {
            final long w = (long) LONG_LE.get(b, i);
            final long found = zeroBytes(w ^ SPACES) | zeroBytes(w ^ BACKSLASHES);
            if (found != 0) {
                final int j = Long.numberOfTrailingZeros(found) >>> 3;
                if (b[i + j] != ' ') {
                    return -1;
                }
                h = mix(h, w & ~(-1L << (j << 3)));
                space = i + j;
                break;
            }
            h = mix(h, w);
            i += Long.BYTES;
        }
        if (space < 0) {
            long w = 0;
            int shift = 0;
            for (; i < limit; i++, shift += 8) {
                final byte c = b[i];
                if (c == ' ') {
                    space = i;
                    break;
                }
                if (c == '\\') {
                    return -1;
                }
                w |= (c & 0xFFL) << shift;
            }
            if (space < 0) {
                return -1; // no space: longer than the limit, or no field set (an error)
            }
            h = mix(h, w);
        }
        final int length = space - p;
        h = mix(h, length) | 1L; // never 0, the mark of an unused slot
        // The whole window, holes and all: entries may sit past an unused slot (see usedSlot).
        final long[] hs = hashes;
        int s = home(h);
        for (int k = 0; k < PROBES; k++, s = (s + 1) & mask) {
            final long stored = hs[s];
            if (stored == h) {
                final Entry e = entries[s];
                if (e.seriesLength == length && Arrays.equals(e.series, 0, length, b, p, space)) {
                    current = e;
                    hits++;
                    return space;
                }
            }
        }
        missHash = h;
        missStart = p;
        missLength = length;
        return -1;
    }

    /**
     * After a miss whose section then parsed (ending at {@code seriesEnd}): caches the section,
     * with no fields yet, and makes it current; a section that cannot be cached leaves none
     * current.
     */
    void insert(byte[] b, int seriesEnd) {
        current = null;
        if (missLength < 0 || seriesEnd - missStart != missLength) {
            return;
        }
        if (2 * (size + 1) > hashes.length && canGrow()) {
            grow();
        }
        int slot = unusedSlot(missHash);
        while (slot < 0 && 4 * size >= hashes.length && canGrow()) {
            grow(); // a full window in a table a quarter full that may still grow: grow instead
            slot = unusedSlot(missHash);
        }
        if (slot < 0) {
            slot = usedSlot(missHash);
            if (slot < 0) {
                return;
            }
        }
        Entry e = entries[slot];
        final boolean longer =
                missLength > (e == null ? Entry.INITIAL_SERIES_BYTES : e.series.length);
        if (longer && entryBytes >= MAX_ENTRY_BYTES) {
            return; // the entry there stays as it is
        }
        if (e == null) {
            e = new Entry();
            entries[slot] = e;
            entryBytes += e.bytes();
            size++;
        }
        if (longer) {
            entryBytes += MAX_SERIES_BYTES - e.series.length;
            e.series = new byte[MAX_SERIES_BYTES];
        }
        System.arraycopy(b, missStart, e.series, 0, missLength);
        e.seriesLength = missLength;
        e.hash = missHash;
        e.fieldCount = 0;
        hashes[slot] = missHash;
        current = e;
    }

    /**
     * An unused slot in the probe window of hash {@code h}, if the entries may still take more
     * memory; else -1.
     */
    private int unusedSlot(long h) {
        if (entryBytes >= MAX_ENTRY_BYTES) {
            return -1;
        }
        final int home = home(h);
        for (int k = 0; k < PROBES; k++) {
            final int s = (home + k) & mask;
            if (entries[s] == null) {
                return s;
            }
        }
        return -1;
    }

    /**
     * A slot of the probe window of hash {@code h} holding an entry to be replaced (in turn); if
     * the window has none (the byte cap left it empty), the next entry of the table from a sweeping
     * cursor is moved to the window's first slot. -1 if the table has no entry at all.
     */
    private int usedSlot(long h) {
        final int home = home(h);
        final int first = victim++;
        for (int k = 0; k < PROBES; k++) {
            final int s = (home + ((first + k) & (PROBES - 1))) & mask;
            if (entries[s] != null) {
                return s;
            }
        }
        for (int n = 0; n <= mask; n++) {
            final int s = sweep++ & mask;
            if (entries[s] != null) {
                entries[home] = entries[s];
                entries[s] = null;
                hashes[s] = 0;
                return home;
            }
        }
        return -1;
    }

    private boolean canGrow() {
        return hashes.length < MAX_SLOTS && entryBytes < MAX_ENTRY_BYTES;
    }

    /** Doubles the table, keeping every entry that still finds room in its window. */
    private void grow() {
        final long[] oldHashes = hashes;
        final Entry[] oldEntries = entries;
        final int slots = oldHashes.length * 2;
        hashes = new long[slots];
        entries = new Entry[slots];
        mask = slots - 1;
        shift = Long.SIZE - Integer.numberOfTrailingZeros(slots);
        size = 0;
        entryBytes = 0;
        for (int i = 0; i < oldEntries.length; i++) {
            final Entry e = oldEntries[i];
            if (e == null) {
                continue;
            }
            int s = home(e.hash);
            for (int k = 0; k < PROBES && entries[s] != null; k++) {
                s = (s + 1) & mask;
            }
            if (entries[s] == null) {
                entries[s] = e;
                hashes[s] = oldHashes[i];
                size++;
                entryBytes += e.bytes();
            }
        }
    }

    private int home(long h) {
        // The word chain of mix() leaves similar sections (one digit apart) with related high
        // bits: a finaliser (Stafford's mix13) spreads them before the top bits pick the slot.
        h = (h ^ (h >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return (int) ((h ^ (h >>> 31)) >>> shift);
    }

    /** Whether the cache is stepping aside for now (too few hits lately). */
    boolean bypassed() {
        return bypass > 0;
    }

    /** Whether the current line has an entry (its field ids can be looked up and added). */
    boolean hasCurrent() {
        return current != null;
    }

    /** Slots of the table now; for tests. */
    int slots() {
        return hashes.length;
    }

    /** Entries held now; for tests. */
    int size() {
        return size;
    }

    /** Bytes counted for the entries held (see the class comment); for tests. */
    long entryBytes() {
        return entryBytes;
    }

    // ---------------------------------------------------------------- fields

    /**
     * The index of the {@code =} ending a field key at {@code p} that holds none of {@code , =
     * space \}, or -1 (an empty key, an escape, or a malformed field: the builder's path). Hot
     * path.
     */
    static int cleanFieldKeyEnd(byte[] b, int p, int end) {
        int i = p;
        while (end - i >= Long.BYTES) {
            final long w = (long) LONG_LE.get(b, i);
            final long found =
                    zeroBytes(w ^ EQUALS)
                            | zeroBytes(w ^ COMMAS)
                            | zeroBytes(w ^ SPACES)
                            | zeroBytes(w ^ BACKSLASHES);
            if (found != 0) {
                i += Long.numberOfTrailingZeros(found) >>> 3;
                return b[i] == '=' && i > p ? i : -1;
            }
            i += Long.BYTES;
        }
        for (; i < end; i++) {
            final byte c = b[i];
            if (c == '=') {
                return i > p ? i : -1;
            }
            if (c == ',' || c == ' ' || c == '\\') {
                return -1;
            }
        }
        return -1;
    }

    /**
     * If field {@code f} of the current entry is the field at {@code p} (its key and the {@code =}
     * after it), the index of that {@code =}, else -1. A key of up to 15 bytes is compared as two
     * words. Needs {@link #hasCurrent()}. Hot path.
     */
    int fieldAt(byte[] b, int p, int end, int f) {
        final Entry e = current;
        if (f >= e.fieldCount) {
            return -1;
        }
        final int from = f == 0 ? 0 : e.fieldEnds[f - 1];
        final int length = e.fieldEnds[f] - from;
        final int n = length + 1;
        if (n <= 2 * Long.BYTES && end - p >= 2 * Long.BYTES) {
            final long mask0 = n >= Long.BYTES ? -1L : ~(-1L << (n << 3));
            final long mask1 =
                    n <= Long.BYTES ? 0L : n == 2 * Long.BYTES ? -1L : ~(-1L << ((n - 8) << 3));
            final long w0 = (long) LONG_LE.get(b, p);
            final long w1 = (long) LONG_LE.get(b, p + Long.BYTES);
            return ((w0 & mask0) == e.keyWords[2 * f] && (w1 & mask1) == e.keyWords[2 * f + 1])
                    ? p + length
                    : -1;
        }
        return p + length < end
                        && b[p + length] == '='
                        && Arrays.equals(e.fieldKeys, from, from + length, b, p, p + length)
                ? p + length
                : -1;
    }

    /**
     * The index in the current entry of field key {@code b[p, equals)}, or -1; tries {@code hint}
     * (the field's position in its line) first, since lines of a series list their fields in the
     * same order. Needs {@link #hasCurrent()}. Hot path.
     */
    int field(byte[] b, int p, int equals, int hint) {
        final Entry e = current;
        final int n = e.fieldCount;
        if (hint < n && matches(e, hint, b, p, equals)) {
            return hint;
        }
        for (int f = 0; f < n; f++) {
            if (f != hint && matches(e, f, b, p, equals)) {
                return f;
            }
        }
        return -1;
    }

    private static boolean matches(Entry e, int f, byte[] b, int p, int equals) {
        final int from = f == 0 ? 0 : e.fieldEnds[f - 1];
        final int to = e.fieldEnds[f];
        return to - from == equals - p && Arrays.equals(e.fieldKeys, from, to, b, p, equals);
    }

    /** The id of field {@code f} of the current entry. */
    long id(int f) {
        return current.ids[f];
    }

    /**
     * Adds field key {@code b[p, equals)} (clean, see {@link #cleanFieldKeyEnd}) with its id to the
     * current entry, if it has room. Needs {@link #hasCurrent()}.
     */
    void addField(byte[] b, int p, int equals, long id) {
        final Entry e = current;
        final int n = e.fieldCount;
        final int from = n == 0 ? 0 : e.fieldEnds[n - 1];
        final int to = from + (equals - p);
        if (n == MAX_FIELDS || to > MAX_FIELD_BYTES) {
            return;
        }
        if (n == e.ids.length || to > e.fieldKeys.length) {
            if (entryBytes >= MAX_ENTRY_BYTES) {
                return;
            }
            final long before = e.bytes();
            if (n == e.ids.length) {
                e.ids = Arrays.copyOf(e.ids, n * 2);
                e.fieldEnds = Arrays.copyOf(e.fieldEnds, n * 2);
                e.keyWords = Arrays.copyOf(e.keyWords, n * 4);
            }
            if (to > e.fieldKeys.length) {
                e.fieldKeys = Arrays.copyOf(e.fieldKeys, Math.min(MAX_FIELD_BYTES, 2 * to));
            }
            entryBytes += e.bytes() - before;
        }
        System.arraycopy(b, p, e.fieldKeys, from, to - from);
        e.fieldEnds[n] = to;
        e.ids[n] = id;
        long w0 = 0;
        long w1 = 0;
        if (equals + 1 - p <= 2 * Long.BYTES) {
            for (int i = p; i <= equals; i++) {
                final int k = i - p;
                if (k < Long.BYTES) {
                    w0 |= (b[i] & 0xFFL) << (k << 3);
                } else {
                    w1 |= (b[i] & 0xFFL) << ((k - Long.BYTES) << 3);
                }
            }
        }
        e.keyWords[2 * n] = w0;
        e.keyWords[2 * n + 1] = w1;
        e.fieldCount = n + 1;
    }

    // ---------------------------------------------------------------- hashing

    private static long mix(long h, long w) {
        return Long.rotateLeft((h ^ w) * MULTIPLIER, 29);
    }
}

package io.tsagg.serde.ilp;

import static io.tsagg.serde.ilp.SeriesKeyBuilder.BACKSLASHES;
import static io.tsagg.serde.ilp.SeriesKeyBuilder.COMMAS;
import static io.tsagg.serde.ilp.SeriesKeyBuilder.EQUALS;
import static io.tsagg.serde.ilp.SeriesKeyBuilder.LONG_LE;
import static io.tsagg.serde.ilp.SeriesKeyBuilder.SPACES;
import static io.tsagg.serde.ilp.SeriesKeyBuilder.zeroBytes;

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
 * <p><b>Layout.</b> A hit should cost few cache misses: with 10,000 series the entries are rarely
 * in the CPU caches next to Kafka's and Flink's buffers (bench/results/2026-11-26/profile-final).
 * So all a hit reads sits in two flat arrays. The table is a {@code long[]} of slots, each the top
 * 40 bits of a section's hash (its tag) over the word offset of its entry in the arena (24 bits; 0
 * for a slot never used); the hash's top bits pick a home slot and an entry's slot is one of the
 * {@value #PROBES} from there, so a lookup reads 64 bytes of slots. The arena is a {@code long[]}
 * of entries, each a record of words with its section and field records side by side:
 *
 * <pre>
 * word 0      tag of the section's hash (0: a dead entry) | the entry's size in words (24 bits)
 * word 1      section length, field count, field capacity, field-key bytes, long-key words used
 * 2 ..        the section's bytes, little-endian, zero-padded to s words
 * 2 + s ..    field records, 3 words each (key word 0, key word 1, id), for the field capacity
 * then        the bytes of long keys, each zero-padded to whole words
 * </pre>
 *
 * A field key of up to 15 bytes is stored with its {@code =} in two little-endian zero-padded words
 * (where the {@code =} is tells its length), compared with two word loads; a longer key is stored
 * after the field records (key word 1 is then {@link #LONG_KEY}, word 0 says where) and compared
 * word by word. So a hit of the benchmark's {@code cpu} series (54-byte section, 3 fields) reads
 * the table's window and 144 adjacent bytes of the arena, where it read seven lines spread over the
 * heap (slot, reference, entry object, section, ends, key words, ids) before.
 *
 * <p><b>Growth.</b> The table starts at {@value #MIN_SLOTS} slots and doubles whenever half of them
 * are used (or a window is full once a quarter are), up to {@value #MAX_SLOTS}; there it keeps
 * filling free slots while the byte cap below allows (196,608 series of one field fill all 65,536
 * slots with 9.5 MiB of entries in {@code SeriesIdCacheTest}; the end-to-end bench runs 10,000).
 * After that a new series whose window is full replaces one of its window's entries (its fields
 * with it), in place if the section fits the entry's room. A lookup reads the whole window, so an
 * entry can be moved out of its slot without breaking others' chains: once the byte cap below stops
 * new entries, a series whose window is empty takes an entry from elsewhere in the table. An entry
 * starts with room for {@value #INITIAL_FIELDS} fields; one that outgrows its room grows where it
 * is if it is the arena's last, else moves to the arena's end and leaves its old words dead. Dead
 * words are reclaimed by compaction (live entries slide down in order, their slots are updated)
 * when an allocation does not fit and a quarter of the arena is dead (a sixteenth once it is at its
 * cap, so that a full arena is not copied for a few words), and when the table grows.
 *
 * <p><b>Memory.</b> A section of at most {@value #MAX_SERIES_BYTES} bytes, at most {@value
 * #MAX_FIELDS} fields and {@value #MAX_FIELD_BYTES} bytes of field keys per entry. The arena starts
 * at {@value #INITIAL_ARENA_WORDS} words and doubles as needed up to {@value #MAX_ENTRY_BYTES}
 * bytes, live and dead entries together; new entries stop once the live ones ({@link
 * #entryBytes()}) reach the cap or none fits, after which entries are only reused. So at most 16
 * MiB of arena and 512 KiB of table per parser; a {@code cpu} series of 3 fields takes 168 bytes
 * (16 of header, 56 of section, 4 field records of 24), 10,000 of them 1.6 MiB. Nothing is
 * allocated once the arena and table have their size. Not thread-safe; one per parser.
 */
final class SeriesIdCache {
    static final int MIN_SLOTS = 2048;
    static final int MAX_SLOTS = 64 * 1024;

    /** Slots an entry may sit in from its home slot: a lookup reads at most these. */
    static final int PROBES = 8;

    static final int MAX_SERIES_BYTES = 256;
    static final int MAX_FIELDS = 32;
    static final int MAX_FIELD_BYTES = 512;

    /** The cap on the arena, so on the bytes of all entries ({@link #entryBytes()}). */
    static final long MAX_ENTRY_BYTES = 16L << 20;

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

    // ---------------------------------------------------------------- table slots

    /** A slot: the section's hash above these bits, its entry's arena offset in them. */
    private static final int OFFSET_BITS = 24;

    private static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;
    private static final long TAG_MASK = ~OFFSET_MASK;

    /** Set in every hash, so a used slot and a live entry's first word are never 0 there. */
    private static final long TAG_BIT = 1L << OFFSET_BITS;

    // ---------------------------------------------------------------- entry records

    static final int INITIAL_ARENA_WORDS = 8 * 1024;
    static final int MAX_ARENA_WORDS = (int) (MAX_ENTRY_BYTES / Long.BYTES);

    /** Word 0: the tag of the section's hash (cleared when dead) and the entry's size in words. */
    private static final int HEAD = 0;

    /** Word 1: lengths and counts, see {@link #meta}. */
    private static final int META = 1;

    /** Word 2 on: the section's bytes, then the field records, then long keys' bytes. */
    private static final int SERIES = 2;

    /** Key word 0, key word 1, id. */
    private static final int FIELD_WORDS = 3;

    static final int INITIAL_FIELDS = 4;

    /**
     * Key word 1 of a field whose key and {@code =} take more than 16 bytes; word 0 is then the
     * key's word offset among the entry's long-key words (high half) and its length (low half).
     * Never a short key's word 1, which is 0 or holds its {@code =}.
     */
    static final long LONG_KEY = -1L;

    // ---------------------------------------------------------------- state

    private long[] table = new long[MIN_SLOTS];
    private int mask = MIN_SLOTS - 1;
    private int shift = Long.SIZE - Integer.numberOfTrailingZeros(MIN_SLOTS);
    private int size;

    private long[] arena = new long[INITIAL_ARENA_WORDS];

    /** The first word after the last entry. */
    private int top;

    private int liveWords;
    private int deadWords;
    private int compactions;

    /** Picks the entry a full probe window gives up. */
    private int victim;

    /** Where {@link #usedSlot} looks for an entry to move when a window has none. */
    private int sweep;

    // ---------------------------------------------------------------- current line

    /** The arena offset of the current line's entry, or -1 (a miss that is not cached). */
    private int current = -1;

    /** The offset of the current entry's first field record. */
    private int currentFields;

    /** The hash, start and length of the section that missed ({@code missLength < 0}: uncached). */
    private long missHash;

    private int missStart;
    private int missLength = -1;

    private int lookups;
    private int hits;

    /** Hits found as the entry after the previous line's ({@link #nextEntry}); for tests. */
    private long nextEntryHits;

    /** Lines still to leave to the builder before the cache is tried again. */
    private int bypass;

    // ---------------------------------------------------------------- series

    /**
     * Looks up the series section that starts at {@code p}: on a hit, makes its entry current and
     * returns the index of the space that ends the section; else returns -1 and remembers the
     * section for {@link #insert} if it can be cached. Hot path.
     */
    int lookup(byte[] b, int p, int end) {
        final int last = current;
        current = -1;
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
        if (last >= 0) {
            final int space = nextEntry(last, b, p, end);
            if (space >= 0) {
                return space;
            }
        }
        final int limit = Math.min(end, p + MAX_SERIES_BYTES);
        long h = 0;
        long tail = 0; // the section's last, partial word (zero-padded), 0 if none
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
                tail = w & ~(-1L << (j << 3));
                h = mix(h, tail);
                space = i + j;
                break;
            }
            h = mix(h, w);
            i += Long.BYTES;
        }
        if (space < 0) {
            int bits = 0;
            for (; i < limit; i++, bits += 8) {
                final byte c = b[i];
                if (c == ' ') {
                    space = i;
                    break;
                }
                if (c == '\\') {
                    return -1;
                }
                tail |= (c & 0xFFL) << bits;
            }
            if (space < 0) {
                return -1; // no space: longer than the limit, or no field set (an error)
            }
            h = mix(h, tail);
        }
        final int length = space - p;
        h = finish(mix(h, length));
        final long tag = h & TAG_MASK;
        // The whole window, holes and all: entries may sit past an unused slot (see usedSlot).
        final long[] t = table;
        final long[] a = arena;
        int s = (int) (h >>> shift);
        for (int k = 0; k < PROBES; k++, s = (s + 1) & mask) {
            final long slot = t[s];
            if ((slot & TAG_MASK) == tag) {
                final int o = (int) (slot & OFFSET_MASK);
                if (sameSection(a, o, b, p, length, tail)) {
                    current = o;
                    currentFields = o + SERIES + words(length);
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
     * Tries the entry after {@code last} (the previous line's) in the arena: entries are added in
     * the order their series first came, and a source writes its series in the same order every
     * interval, so that is usually the next line's. On a hit, makes it current and returns the
     * index of the space that ends the section, without hashing the section or reading the table (a
     * read at a random place); else -1. The entry's bytes hold no space or backslash (a cached
     * section has none), so equal bytes followed by a space are the section the hash would have
     * found. Hot path.
     */
    private int nextEntry(int last, byte[] b, int p, int end) {
        final long[] a = arena;
        final int o = last + entryWords(last);
        if (o >= top || (a[o + HEAD] & TAG_MASK) == 0) {
            return -1;
        }
        final int length = seriesLength(a[o + META]);
        final int space = p + length;
        if (space >= end || b[space] != ' ') {
            return -1;
        }
        final int whole = length >>> 3;
        final int at = o + SERIES;
        for (int k = 0; k < whole; k++) {
            if (a[at + k] != (long) LONG_LE.get(b, p + (k << 3))) {
                return -1;
            }
        }
        final int rest = length & 7;
        if (rest != 0) {
            // The last partial word, zero-padded: the space after it is in b, so a whole word is
            // there to read unless the section ends within 8 bytes of b's end.
            final int from = space - rest;
            long tail;
            if (from + Long.BYTES <= b.length) {
                tail = (long) LONG_LE.get(b, from) & ~(-1L << (rest << 3));
            } else {
                tail = 0;
                for (int i = rest - 1; i >= 0; i--) {
                    tail = (tail << 8) | (b[from + i] & 0xFFL);
                }
            }
            if (a[at + whole] != tail) {
                return -1;
            }
        }
        current = o;
        currentFields = at + words(length);
        hits++;
        nextEntryHits++;
        return space;
    }

    /**
     * Whether the entry at {@code o} holds section {@code b[p, p + length)}, whose last partial
     * word (zero-padded) is {@code tail}. Hot path.
     */
    private static boolean sameSection(long[] a, int o, byte[] b, int p, int length, long tail) {
        if (seriesLength(a[o + META]) != length) {
            return false;
        }
        final int whole = length >>> 3;
        final int at = o + SERIES;
        for (int k = 0; k < whole; k++) {
            if (a[at + k] != (long) LONG_LE.get(b, p + (k << 3))) {
                return false;
            }
        }
        return (length & 7) == 0 || a[at + whole] == tail;
    }

    /**
     * After a miss whose section then parsed (ending at {@code seriesEnd}): caches the section,
     * with no fields yet, and makes it current; a section that cannot be cached leaves none
     * current.
     */
    void insert(byte[] b, int seriesEnd) {
        current = -1;
        if (missLength < 0 || seriesEnd - missStart != missLength) {
            return;
        }
        final long h = missHash;
        if (2 * (size + 1) > table.length && canGrow()) {
            grow();
        }
        int slot = unusedSlot(h);
        while (slot < 0 && 4 * size >= table.length && canGrow()) {
            grow(); // a full window in a table a quarter full that may still grow: grow instead
            slot = unusedSlot(h);
        }
        final int sectionWords = words(missLength);
        final int newWords = SERIES + sectionWords + FIELD_WORDS * INITIAL_FIELDS;
        int o = slot < 0 ? -1 : allocate(newWords);
        if (o >= 0) {
            newEntry(o, newWords);
            size++;
        } else {
            // No new entry: give up one, here or (moved here) from elsewhere in the table.
            final int used = usedSlot(h);
            if (used < 0) {
                return;
            }
            o = (int) (table[used] & OFFSET_MASK);
            final int capacity = fieldCapacity(arena[o + META]);
            if (sectionWords <= entryWords(o) - SERIES - FIELD_WORDS * capacity) {
                arena[o + META] = meta(0, 0, capacity, 0, 0); // in place, its fields dropped
            } else {
                if (entryBytes() >= MAX_ENTRY_BYTES) {
                    return; // the entry there stays as it is
                }
                final int moved = allocate(newWords);
                if (moved < 0) {
                    return;
                }
                kill((int) (table[used] & OFFSET_MASK)); // re-read: allocate may have compacted
                o = moved;
                newEntry(o, newWords);
            }
            final int home = home(h);
            slot = ((used - home) & mask) < PROBES ? used : home;
            table[used] = 0;
        }
        final long[] a = arena;
        a[o + HEAD] = (h & TAG_MASK) | (a[o + HEAD] & OFFSET_MASK);
        a[o + META] = withSeriesLength(a[o + META], missLength);
        putBytes(a, o + SERIES, b, missStart, missLength);
        table[slot] = (h & TAG_MASK) | o;
        current = o;
        currentFields = o + SERIES + sectionWords;
    }

    /**
     * An unused slot in the probe window of hash {@code h}, if the entries may still take more
     * memory; else -1.
     */
    private int unusedSlot(long h) {
        if (entryBytes() >= MAX_ENTRY_BYTES) {
            return -1;
        }
        final int home = home(h);
        for (int k = 0; k < PROBES; k++) {
            final int s = (home + k) & mask;
            if (table[s] == 0) {
                return s;
            }
        }
        return -1;
    }

    /**
     * A slot of the probe window of hash {@code h} holding an entry to be replaced (in turn); if
     * the window has none (the byte cap left it empty), the slot of the next entry of the table
     * from a sweeping cursor, which the caller moves to the window's first slot. -1 if the table
     * has no entry at all.
     */
    private int usedSlot(long h) {
        final int home = home(h);
        final int first = victim++;
        for (int k = 0; k < PROBES; k++) {
            final int s = (home + ((first + k) & (PROBES - 1))) & mask;
            if (table[s] != 0) {
                return s;
            }
        }
        for (int n = 0; n <= mask; n++) {
            final int s = sweep++ & mask;
            if (table[s] != 0) {
                return s;
            }
        }
        return -1;
    }

    private boolean canGrow() {
        return table.length < MAX_SLOTS && entryBytes() < MAX_ENTRY_BYTES;
    }

    /**
     * Doubles the table, keeping every entry that still finds room in its window (a slot's tag
     * holds the bits that pick its home); then compacts the arena if anything in it is dead.
     */
    private void grow() {
        final long[] old = table;
        final int slots = old.length * 2;
        table = new long[slots];
        mask = slots - 1;
        shift = Long.SIZE - Integer.numberOfTrailingZeros(slots);
        size = 0;
        for (final long slot : old) {
            if (slot == 0) {
                continue;
            }
            int s = home(slot);
            for (int k = 0; k < PROBES && table[s] != 0; k++) {
                s = (s + 1) & mask;
            }
            if (table[s] == 0) {
                table[s] = slot;
                size++;
            } else {
                kill((int) (slot & OFFSET_MASK));
            }
        }
        if (deadWords > 0) {
            compact();
        }
    }

    private int home(long h) {
        return (int) (h >>> shift);
    }

    /** Whether the cache is stepping aside for now (too few hits lately). */
    boolean bypassed() {
        return bypass > 0;
    }

    /** Whether the current line has an entry (its field ids can be looked up and added). */
    boolean hasCurrent() {
        return current >= 0;
    }

    /** Slots of the table now; for tests. */
    int slots() {
        return table.length;
    }

    /** Entries held now; for tests. */
    int size() {
        return size;
    }

    /** Bytes of the live entries in the arena (see the class comment); for tests. */
    long entryBytes() {
        return (long) liveWords * Long.BYTES;
    }

    /** Bytes of the arena, live, dead and free; for tests. */
    long arenaBytes() {
        return (long) arena.length * Long.BYTES;
    }

    /** Bytes of dead entries not reclaimed yet; for tests. */
    long deadBytes() {
        return (long) deadWords * Long.BYTES;
    }

    /** Hits that found the entry after the previous line's; for tests. */
    long nextEntryHits() {
        return nextEntryHits;
    }

    /** Compactions so far; for tests. */
    int compactions() {
        return compactions;
    }

    /** The arena offset of the current entry (it changes when the entry moves); for tests. */
    int currentOffset() {
        return current;
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
     * after it), the index of that {@code =}, else -1. A key of up to 15 bytes is compared as one
     * or two words, masked up to the stored {@code =}. Needs {@link #hasCurrent()}. Hot path.
     */
    int fieldAt(byte[] b, int p, int end, int f) {
        final long[] a = arena;
        final long meta = a[current + META];
        if (f >= fieldCount(meta)) {
            return -1;
        }
        final int r = currentFields + FIELD_WORDS * f;
        final long k0 = a[r];
        final long k1 = a[r + 1];
        if (k1 == LONG_KEY) {
            final int length = (int) k0;
            return p + length < end
                            && b[p + length] == '='
                            && sameBytes(a, longKeys(meta) + (int) (k0 >>> 32), b, p, length)
                    ? p + length
                    : -1;
        }
        final long e0 = zeroBytes(k0 ^ EQUALS); // its lowest flag is the key's '=', if in k0
        if (e0 != 0 && end - p >= Long.BYTES) {
            return ((long) LONG_LE.get(b, p) & (e0 ^ (e0 - 1))) == k0
                    ? p + (Long.numberOfTrailingZeros(e0) >>> 3)
                    : -1;
        }
        final int length = keyLength(k0, k1);
        if (end - p >= 2 * Long.BYTES) {
            final long e1 = zeroBytes(k1 ^ EQUALS);
            return (long) LONG_LE.get(b, p) == k0
                            && ((long) LONG_LE.get(b, p + Long.BYTES) & (e1 ^ (e1 - 1))) == k1
                    ? p + length
                    : -1;
        }
        final int n = length + 1;
        return n <= end - p && shortKeyWord(b, p, n, 0) == k0 && shortKeyWord(b, p, n, 1) == k1
                ? p + length
                : -1;
    }

    /**
     * The index in the current entry of field key {@code b[p, equals)}, or -1; tries {@code hint}
     * (the field's position in its line) first, since lines of a series list their fields in the
     * same order. Needs {@link #hasCurrent()}. Hot path.
     */
    int field(byte[] b, int p, int equals, int hint) {
        final long[] a = arena;
        final long meta = a[current + META];
        final int count = fieldCount(meta);
        final int length = equals - p;
        final int n = length + 1;
        final int fields = currentFields;
        if (n <= 2 * Long.BYTES) {
            final long w0;
            final long w1;
            if (b.length - p >= 2 * Long.BYTES) {
                w0 = (long) LONG_LE.get(b, p) & (n >= Long.BYTES ? -1L : ~(-1L << (n << 3)));
                w1 =
                        n <= Long.BYTES
                                ? 0L
                                : (long) LONG_LE.get(b, p + Long.BYTES)
                                        & (n == 2 * Long.BYTES ? -1L : ~(-1L << ((n - 8) << 3)));
            } else {
                w0 = shortKeyWord(b, p, n, 0);
                w1 = shortKeyWord(b, p, n, 1);
            }
            if (hint < count
                    && a[fields + FIELD_WORDS * hint] == w0
                    && a[fields + FIELD_WORDS * hint + 1] == w1) {
                return hint;
            }
            for (int f = 0, r = fields; f < count; f++, r += FIELD_WORDS) {
                if (a[r] == w0 && a[r + 1] == w1) {
                    return f;
                }
            }
            return -1;
        }
        final int keys = longKeys(meta);
        if (hint < count && sameLongKey(a, fields + FIELD_WORDS * hint, keys, b, p, length)) {
            return hint;
        }
        for (int f = 0, r = fields; f < count; f++, r += FIELD_WORDS) {
            if (f != hint && sameLongKey(a, r, keys, b, p, length)) {
                return f;
            }
        }
        return -1;
    }

    private static boolean sameLongKey(long[] a, int r, int keys, byte[] b, int p, int length) {
        final long k0 = a[r];
        return a[r + 1] == LONG_KEY
                && (int) k0 == length
                && sameBytes(a, keys + (int) (k0 >>> 32), b, p, length);
    }

    /** The id of field {@code f} of the current entry. */
    long id(int f) {
        return arena[currentFields + FIELD_WORDS * f + 2];
    }

    /**
     * Adds field key {@code b[p, equals)} (clean, see {@link #cleanFieldKeyEnd}) with its id to the
     * current entry, if it has room (the entry grows or moves for it while the cap allows). Needs
     * {@link #hasCurrent()}.
     */
    void addField(byte[] b, int p, int equals, long id) {
        long meta = arena[current + META];
        final int n = fieldCount(meta);
        final int length = equals - p;
        final int keyBytes = keyBytes(meta) + length;
        if (n == MAX_FIELDS || keyBytes > MAX_FIELD_BYTES) {
            return;
        }
        final boolean longKey = length + 1 > 2 * Long.BYTES;
        final int used = longKeyWords(meta);
        final int needed = used + (longKey ? words(length) : 0);
        final int capacity = fieldCapacity(meta);
        if (n == capacity || needed > longKeyRoom(current, meta)) {
            if (entryBytes() >= MAX_ENTRY_BYTES
                    || !enlarge(
                            n == capacity ? Math.min(MAX_FIELDS, 2 * capacity) : capacity,
                            needed)) {
                return;
            }
            meta = arena[current + META];
        }
        final long[] a = arena;
        final int r = currentFields + FIELD_WORDS * n;
        if (longKey) {
            putBytes(a, longKeys(meta) + used, b, p, length);
            a[r] = ((long) used << 32) | length;
            a[r + 1] = LONG_KEY;
        } else {
            a[r] = shortKeyWord(b, p, length + 1, 0);
            a[r + 1] = shortKeyWord(b, p, length + 1, 1);
        }
        a[r + 2] = id;
        a[current + META] = meta(seriesLength(meta), n + 1, fieldCapacity(meta), keyBytes, needed);
    }

    /**
     * Gives the current entry room for {@code capacity} field records and {@code longKeyWords}
     * words of long keys: where it is if it ends the arena, else at the arena's end (its old words
     * left dead). False if the arena has no room.
     */
    private boolean enlarge(int capacity, int longKeyWords) {
        int o = current;
        final int oldWords = entryWords(o);
        final long meta = arena[o + META];
        final int oldCapacity = fieldCapacity(meta);
        final int oldRoom = longKeyRoom(o, meta);
        final int room = longKeyWords > oldRoom ? Math.max(longKeyWords, 2 * oldRoom) : oldRoom;
        final int sectionWords = words(seriesLength(meta));
        final int newWords = SERIES + sectionWords + FIELD_WORDS * capacity + room;
        final int from;
        if (o + oldWords == top && arena.length - o >= newWords) {
            top = o + newWords;
            liveWords += newWords - oldWords;
            from = o;
        } else {
            final int moved = allocate(newWords);
            if (moved < 0) {
                return false;
            }
            from = current; // allocate may have compacted
            final int slot = slotOf(arena[from + HEAD], from);
            System.arraycopy(
                    arena,
                    from,
                    arena,
                    moved,
                    SERIES + sectionWords + FIELD_WORDS * fieldCount(meta));
            kill(from);
            liveWords += newWords;
            o = moved;
            table[slot] = (table[slot] & TAG_MASK) | o;
            current = o;
            currentFields = o + SERIES + sectionWords;
        }
        final int fields = o + SERIES + sectionWords;
        System.arraycopy(
                arena,
                from + SERIES + sectionWords + FIELD_WORDS * oldCapacity,
                arena,
                fields + FIELD_WORDS * capacity,
                longKeyWords(meta));
        arena[o + HEAD] = (arena[o + HEAD] & TAG_MASK) | newWords;
        arena[o + META] =
                meta(
                        seriesLength(meta),
                        fieldCount(meta),
                        capacity,
                        keyBytes(meta),
                        longKeyWords(meta));
        return true;
    }

    // ---------------------------------------------------------------- arena

    /**
     * The offset of {@code words} free words at the arena's end, or -1 if there is no room: the
     * arena is compacted when a quarter of it is dead (a sixteenth at its cap, so that a full arena
     * is not copied again for a few words), else grown up to its cap.
     */
    private int allocate(int words) {
        if (arena.length - top < words) {
            final boolean capped = arena.length == MAX_ARENA_WORDS;
            if (deadWords >= (capped ? arena.length >>> 4 : arena.length >>> 2)) {
                compact();
            }
            if (arena.length - top < words && !capped) {
                final long[] larger =
                        new long
                                [(int)
                                        Math.min(
                                                MAX_ARENA_WORDS,
                                                Math.max(2L * arena.length, (long) top + words))];
                System.arraycopy(arena, 0, larger, 0, top);
                arena = larger;
            }
            if (arena.length - top < words) {
                return -1;
            }
        }
        final int o = top;
        top += words;
        return o;
    }

    /** Starts an entry of {@code words} words at {@code o}: no section or fields yet. */
    private void newEntry(int o, int words) {
        arena[o + HEAD] = words;
        arena[o + META] = meta(0, 0, INITIAL_FIELDS, 0, 0);
        liveWords += words;
    }

    /** Marks the entry at {@code o} dead: its words are reclaimed by the next compaction. */
    private void kill(int o) {
        final int words = entryWords(o);
        arena[o + HEAD] = words;
        liveWords -= words;
        deadWords += words;
    }

    /** Slides the live entries down over the dead ones, in order, and points their slots there. */
    private void compact() {
        final long[] a = arena;
        int to = 0;
        for (int from = 0; from < top; ) {
            final long head = a[from + HEAD];
            final int words = (int) (head & OFFSET_MASK);
            if ((head & TAG_MASK) != 0) {
                if (to != from) {
                    final int s = slotOf(head, from);
                    table[s] = (table[s] & TAG_MASK) | to;
                    System.arraycopy(a, from, a, to, words);
                    if (current == from) {
                        current = to;
                        currentFields -= from - to;
                    }
                }
                to += words;
            }
            from += words;
        }
        top = to;
        deadWords = 0;
        compactions++;
    }

    /** The slot of the live entry at {@code o} whose first word is {@code head}. */
    private int slotOf(long head, int o) {
        int s = home(head);
        for (int k = 0; k < PROBES; k++, s = (s + 1) & mask) {
            final long slot = table[s];
            if (slot != 0 && (slot & OFFSET_MASK) == o && (slot & TAG_MASK) == (head & TAG_MASK)) {
                return s;
            }
        }
        throw new IllegalStateException("no slot for the entry at word " + o);
    }

    private int entryWords(int o) {
        return (int) (arena[o + HEAD] & OFFSET_MASK);
    }

    /** The offset of the current entry's long-key words. */
    private int longKeys(long meta) {
        return currentFields + FIELD_WORDS * fieldCapacity(meta);
    }

    /** The words the entry at {@code o} has for long keys. */
    private int longKeyRoom(int o, long meta) {
        return entryWords(o)
                - SERIES
                - words(seriesLength(meta))
                - FIELD_WORDS * fieldCapacity(meta);
    }

    // ---------------------------------------------------------------- meta word

    /**
     * Word 1 of an entry: section length (bits 0-15), field count (16-23), field capacity (24-31),
     * bytes of all field keys (32-47, for {@link #MAX_FIELD_BYTES}), long-key words used (48-63).
     */
    private static long meta(
            int seriesLength, int count, int capacity, int keyBytes, int longKeys) {
        return seriesLength
                | (long) count << 16
                | (long) capacity << 24
                | (long) keyBytes << 32
                | (long) longKeys << 48;
    }

    private static long withSeriesLength(long meta, int seriesLength) {
        return (meta & ~0xFFFFL) | seriesLength;
    }

    private static int seriesLength(long meta) {
        return (int) meta & 0xFFFF;
    }

    private static int fieldCount(long meta) {
        return (int) (meta >>> 16) & 0xFF;
    }

    private static int fieldCapacity(long meta) {
        return (int) (meta >>> 24) & 0xFF;
    }

    private static int keyBytes(long meta) {
        return (int) (meta >>> 32) & 0xFFFF;
    }

    private static int longKeyWords(long meta) {
        return (int) (meta >>> 48);
    }

    // ---------------------------------------------------------------- words

    private static int words(int bytes) {
        return (bytes + Long.BYTES - 1) >>> 3;
    }

    /** Bytes {@code b[p, p + n)} ({@code n < 8}) as a little-endian zero-padded word. */
    private static long word(byte[] b, int p, int n) {
        long w = 0;
        for (int i = 0; i < n; i++) {
            w |= (b[p + i] & 0xFFL) << (i << 3);
        }
        return w;
    }

    /** Word {@code k} (0 or 1) of a key and its {@code =}, {@code b[p, p + n)}, {@code n <= 16}. */
    private static long shortKeyWord(byte[] b, int p, int n, int k) {
        long w = 0;
        for (int i = k * Long.BYTES, to = Math.min(n, i + Long.BYTES); i < to; i++) {
            w |= (b[p + i] & 0xFFL) << ((i & 7) << 3);
        }
        return w;
    }

    /** The length of a short key stored as words {@code k0, k1}: where its {@code =} is. */
    private static int keyLength(long k0, long k1) {
        final long e0 = zeroBytes(k0 ^ EQUALS);
        return e0 != 0
                ? Long.numberOfTrailingZeros(e0) >>> 3
                : Long.BYTES + (Long.numberOfTrailingZeros(zeroBytes(k1 ^ EQUALS)) >>> 3);
    }

    /** Stores {@code b[p, p + length)} as zero-padded little-endian words at {@code a[at]}. */
    private static void putBytes(long[] a, int at, byte[] b, int p, int length) {
        final int whole = length >>> 3;
        for (int k = 0; k < whole; k++) {
            a[at + k] = (long) LONG_LE.get(b, p + (k << 3));
        }
        if ((length & 7) != 0) {
            a[at + whole] = word(b, p + (whole << 3), length & 7);
        }
    }

    /** Whether {@code b[p, p + length)} is the zero-padded little-endian words at {@code a[at]}. */
    private static boolean sameBytes(long[] a, int at, byte[] b, int p, int length) {
        final int whole = length >>> 3;
        for (int k = 0; k < whole; k++) {
            if (a[at + k] != (long) LONG_LE.get(b, p + (k << 3))) {
                return false;
            }
        }
        return (length & 7) == 0 || a[at + whole] == word(b, p + (whole << 3), length & 7);
    }

    // ---------------------------------------------------------------- hashing

    private static long mix(long h, long w) {
        return Long.rotateLeft((h ^ w) * MULTIPLIER, 29);
    }

    /**
     * The word chain of mix() leaves similar sections (one digit apart) with related high bits: a
     * finaliser (Stafford's mix13) spreads them, since the top bits pick the home slot and form the
     * tag. Never 0 in the tag's bits.
     */
    private static long finish(long h) {
        h = (h ^ (h >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return (h ^ (h >>> 31)) | TAG_BIT;
    }
}

package io.tsagg.serde.ilp;

import io.tsagg.serde.MalformedInputException;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.key.SeriesKeyHash;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Turns the measurement, tag set and field key of a line-protocol point into its canonical group
 * key {@code measurement,tag1=v1,tag2=v2 field} and the key's 64-bit id ({@link SeriesKeyHash}).
 * Escapes are resolved as the InfluxDB v2 line-protocol reference says, tags are sorted by their
 * unescaped key bytes (unsigned, like Go's {@code bytes.Compare}), tags the {@link GroupKeySpec}
 * drops are left out, and every element is written back with canonical escaping:
 *
 * <ul>
 *   <li>measurement: {@code \,} and {@code \ }; tag keys, tag values and field keys: {@code \,},
 *       {@code \=} and {@code \ };
 *   <li>a backslash stays a single backslash unless it is followed by another backslash, by a
 *       character escaped in that element, or ends the element; then it is written {@code \\}.
 * </ul>
 *
 * So two spellings of one point ({@code a\b} and {@code a\\b}, tags in any order) get one key, and
 * every key reads back as the same point.
 *
 * <p>Also maps the canonical series key of a binary frame to its group key ({@link
 * #groupIdOfSeriesKey}). Reusable, not thread-safe; allocates only when a line is larger than any
 * before.
 */
public final class SeriesKeyBuilder {
    static final int MEASUREMENT = 0;
    static final int TAG_KEY = 1;
    static final int TAG_VALUE = 2;
    static final int FIELD_KEY = 3;

    /** The bytes {@link #scan} treats specially: {@code , = space \\}. */
    private static final boolean[] SPECIAL = new boolean[256];

    /**
     * Little-endian words of a byte array; with the masks below, shared with {@link SeriesIdCache}.
     */
    static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static final long ONES = 0x0101_0101_0101_0101L;
    static final long HIGHS = 0x8080_8080_8080_8080L;
    static final long COMMAS = ',' * ONES;
    static final long EQUALS = '=' * ONES;
    static final long SPACES = ' ' * ONES;
    static final long BACKSLASHES = '\\' * ONES;

    static {
        SPECIAL[','] = true;
        SPECIAL['='] = true;
        SPECIAL[' '] = true;
        SPECIAL['\\'] = true;
    }

    private final GroupKeySpec groupKeys;
    private final int maxTags;

    // ---------------------------------------------------------------- unescaped elements

    /** Unescaped bytes of the current line's measurement, tags and field key, back to back. */
    private byte[] raw = new byte[256];

    private int rawLength;

    /**
     * Whether the element being scanned holds a byte that {@link #writeEscaped} must look at (one
     * of {@code , = space \}): clean elements are copied as they are.
     */
    private boolean dirty;

    private boolean measurementDirty;
    private int measurementEnd;
    private int tagCount;
    private int[] tagKeyStart = new int[16];
    private int[] tagKeyEnd = new int[16];
    private int[] tagValueEnd = new int[16];
    private int[] tagPosition = new int[16];
    private boolean[] tagDirty = new boolean[16];

    /** First 8 bytes of each tag key, big-endian, zero-padded: most comparisons end here. */
    private long[] tagKeyPrefix = new long[16];

    private int[] order = new int[16];

    /** Where the field key starts in {@link #raw} (end of the tag set). */
    private int seriesRawLength;

    private boolean fieldKeyDirty;

    // ---------------------------------------------------------------- output

    private byte[] key = new byte[256];
    private int prefixLength;
    private int keyLength;

    /** {@link #prefixId()} of the current prefix, or 0 if not computed yet. */
    private long prefixId;

    public SeriesKeyBuilder(GroupKeySpec groupKeys, int maxTags) {
        this.groupKeys = groupKeys;
        this.maxTags = maxTags;
    }

    /**
     * Parses the measurement and tag set starting at {@code p} and builds the canonical key prefix.
     * Positions in exceptions are indexes into {@code b}.
     *
     * @return the index of the first unescaped space, or {@code end}
     */
    public int parseSeries(byte[] b, int p, int end) throws MalformedInputException {
        rawLength = 0;
        tagCount = 0;
        p = scan(b, p, end, MEASUREMENT);
        measurementEnd = rawLength;
        measurementDirty = dirty;
        if (measurementEnd == 0) {
            throw new MalformedInputException(
                    "missing_measurement", p, "the line has no measurement name");
        }
        while (p < end && b[p] == ',') {
            final int tagAt = ++p;
            if (tagCount == maxTags) {
                throw new MalformedInputException(
                        "too_many_tags", tagAt, "more than " + maxTags + " tags in one line");
            }
            final int keyStart = rawLength;
            p = scan(b, p, end, TAG_KEY);
            if (rawLength == keyStart) {
                throw new MalformedInputException("bad_tag", tagAt, "empty tag key");
            }
            final int keyEnd = rawLength;
            final boolean keyDirty = dirty;
            p++; // '='
            p = scan(b, p, end, TAG_VALUE);
            if (rawLength == keyEnd) {
                throw new MalformedInputException(
                        "bad_tag", p, "empty tag value (omit the tag instead)");
            }
            addTag(keyStart, keyEnd, rawLength, tagAt, keyDirty | dirty);
        }
        seriesRawLength = rawLength;
        sortTags();
        writePrefix();
        return p;
    }

    /**
     * Parses the field key starting at {@code p}, up to its unescaped {@code =}.
     *
     * @return the index of the {@code =}
     */
    public int parseFieldKey(byte[] b, int p, int end) throws MalformedInputException {
        rawLength = seriesRawLength;
        final int at = p;
        p = scan(b, p, end, FIELD_KEY);
        if (rawLength == seriesRawLength) {
            throw new MalformedInputException("bad_field", at, "empty field key");
        }
        fieldKeyDirty = dirty;
        return p;
    }

    /** Completes the key with the field key just parsed and returns its id. Hot path. */
    public long groupId() {
        keyLength = prefixLength;
        ensureKeyCapacity(prefixLength + 1 + 2 * (rawLength - seriesRawLength));
        key[keyLength++] = ' ';
        keyLength = write(seriesRawLength, rawLength, FIELD_KEY, fieldKeyDirty, keyLength);
        return SeriesKeyHash.hash(key, 0, keyLength);
    }

    /**
     * Group key of a frame's series key {@code b[off, off + len)} (canonical line-protocol form:
     * {@code measurement,tags field}): its tags are filtered by the {@link GroupKeySpec} and the
     * field part is kept as it is. A key that does not parse that way is its own group key.
     *
     * @return the group key's id; its bytes are {@link #key()}{@code [0, keyLength())}
     */
    public long groupIdOfSeriesKey(byte[] b, int off, int len) {
        final int end = off + len;
        int p;
        try {
            p = parseSeries(b, off, end);
        } catch (MalformedInputException e) {
            p = end;
        }
        if (p < end) {
            final int field = end - p - 1;
            ensureKeyCapacity(prefixLength + 1 + field);
            key[prefixLength] = ' ';
            System.arraycopy(b, p + 1, key, prefixLength + 1, field);
            keyLength = prefixLength + 1 + field;
        } else {
            ensureKeyCapacity(len);
            System.arraycopy(b, off, key, 0, len);
            keyLength = len;
            prefixLength = 0; // no prefix: the bytes are the key
            prefixId = 0;
        }
        return SeriesKeyHash.hash(key, 0, keyLength);
    }

    /**
     * The id ({@link SeriesKeyHash}) of the canonical group-key prefix {@code measurement,tags}
     * that {@link #parseSeries} built, computed on first use (never 0). The same for every field of
     * a series: callers group ids by it.
     */
    public long prefixId() {
        long id = prefixId;
        if (id == 0) {
            id = SeriesKeyHash.hash(key, 0, prefixLength) | 1L;
            prefixId = id;
        }
        return id;
    }

    /** The last key built: {@code key()[0, keyLength())}. */
    public byte[] key() {
        return key;
    }

    public int keyLength() {
        return keyLength;
    }

    // ---------------------------------------------------------------- scanning

    /**
     * Copies the unescaped bytes of one element to {@link #raw} and returns the index of the byte
     * that ended it; sets {@link #dirty}. Hot path: a table lookup per ordinary byte, the rules
     * below only for the bytes {@code , = space \\}.
     */
    private int scan(byte[] b, int p, int end, int kind) throws MalformedInputException {
        // 8 bytes of slack: the fast path stores whole words past the element's end.
        ensureRawCapacity(rawLength + (end - p) + Long.BYTES);
        final byte[] out = raw;
        int n = rawLength;
        boolean special = false;
        scanning:
        while (true) {
            // Fast path: 8 bytes a step up to the next special byte, stored as one word.
            while (end - p >= Long.BYTES) {
                final long w = (long) LONG_LE.get(b, p);
                LONG_LE.set(out, n, w);
                final long found = specialBytes(w);
                if (found != 0) {
                    final int j = Long.numberOfTrailingZeros(found) >>> 3;
                    n += j;
                    p += j;
                    break;
                }
                n += Long.BYTES;
                p += Long.BYTES;
            }
            while (p < end && !SPECIAL[b[p] & 0xFF]) {
                out[n++] = b[p++];
            }
            if (p == end) {
                break;
            }
            final byte c = b[p];
            if (c == ',' || c == ' ') {
                if (kind == TAG_KEY || kind == FIELD_KEY) {
                    rawLength = n;
                    throw new MalformedInputException(
                            kind == TAG_KEY ? "bad_tag" : "bad_field",
                            p,
                            (kind == TAG_KEY ? "tag" : "field")
                                    + " key without '=' (found '"
                                    + (char) c
                                    + "')");
                }
                break;
            } else if (c == '=') {
                if (kind == TAG_KEY || kind == FIELD_KEY) {
                    break;
                }
                if (kind == TAG_VALUE) {
                    rawLength = n;
                    throw new MalformedInputException("bad_tag", p, "unescaped '=' in a tag value");
                }
                out[n++] = c;
                p++;
                special = true;
            } else { // '\\'
                if (p + 1 == end) {
                    rawLength = n;
                    throw new MalformedInputException(
                            "bad_escape", p, "backslash at the end of the line escapes nothing");
                }
                final byte next = b[p + 1];
                if (next == '\\'
                        || next == ','
                        || next == ' '
                        || (next == '=' && kind != MEASUREMENT)) {
                    out[n++] = next;
                    p += 2;
                } else {
                    out[n++] = c;
                    p++;
                }
                special = true;
            }
        }
        rawLength = n;
        dirty = special;
        if (p == end && (kind == TAG_KEY || kind == FIELD_KEY)) {
            throw new MalformedInputException(
                    kind == TAG_KEY ? "bad_tag" : "bad_field",
                    p,
                    (kind == TAG_KEY ? "tag" : "field")
                            + " key without '=' at the end of the line");
        }
        return p;
    }

    /**
     * The high bit of each byte of {@code w} that is {@code , = space \\} (the lowest is exact).
     */
    private static long specialBytes(long w) {
        return zeroBytes(w ^ COMMAS)
                | zeroBytes(w ^ EQUALS)
                | zeroBytes(w ^ SPACES)
                | zeroBytes(w ^ BACKSLASHES);
    }

    /** The high bit of each zero byte of {@code x}; bytes above the lowest may be false hits. */
    static long zeroBytes(long x) {
        return (x - ONES) & ~x & HIGHS;
    }

    private void addTag(
            int keyStart, int keyEnd, int valueEnd, int position, boolean elementsDirty) {
        if (tagCount == tagKeyStart.length) {
            int n = tagCount * 2;
            tagKeyStart = Arrays.copyOf(tagKeyStart, n);
            tagKeyEnd = Arrays.copyOf(tagKeyEnd, n);
            tagValueEnd = Arrays.copyOf(tagValueEnd, n);
            tagPosition = Arrays.copyOf(tagPosition, n);
            tagDirty = Arrays.copyOf(tagDirty, n);
            tagKeyPrefix = Arrays.copyOf(tagKeyPrefix, n);
            order = Arrays.copyOf(order, n);
        }
        tagKeyStart[tagCount] = keyStart;
        tagKeyEnd[tagCount] = keyEnd;
        tagValueEnd[tagCount] = valueEnd;
        tagPosition[tagCount] = position;
        tagDirty[tagCount] = elementsDirty;
        // raw has 8 bytes of slack after every element (see scan), so the word read is in range.
        final int length = Math.min(Long.BYTES, keyEnd - keyStart);
        final long word = (long) LONG_LE.get(raw, keyStart);
        tagKeyPrefix[tagCount] =
                Long.reverseBytes(length == Long.BYTES ? word : word & ((1L << (8 * length)) - 1));
        order[tagCount] = tagCount;
        tagCount++;
    }

    /** Insertion sort by key: linear for the usual already-sorted tag set. */
    private void sortTags() throws MalformedInputException {
        for (int i = 1; i < tagCount; i++) {
            final int t = order[i];
            int j = i - 1;
            int c;
            while (j >= 0 && (c = compareKeys(order[j], t)) >= 0) {
                if (c == 0) {
                    throw new MalformedInputException(
                            "duplicate_tag",
                            Math.max(tagPosition[t], tagPosition[order[j]]),
                            "tag key '"
                                    + new String(
                                            raw,
                                            tagKeyStart[t],
                                            tagKeyEnd[t] - tagKeyStart[t],
                                            java.nio.charset.StandardCharsets.UTF_8)
                                    + "' appears twice");
                }
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = t;
        }
    }

    /** Unsigned byte order of two tag keys (as Go's {@code bytes.Compare}). */
    private int compareKeys(int a, int b) {
        final int byPrefix = Long.compareUnsigned(tagKeyPrefix[a], tagKeyPrefix[b]);
        if (byPrefix != 0) {
            return byPrefix;
        }
        return Arrays.compareUnsigned(
                raw, tagKeyStart[a], tagKeyEnd[a], raw, tagKeyStart[b], tagKeyEnd[b]);
    }

    // ---------------------------------------------------------------- writing

    private void writePrefix() {
        ensureKeyCapacity(2 * seriesRawLength + 2 * tagCount + 2);
        int n = write(0, measurementEnd, MEASUREMENT, measurementDirty, 0);
        for (int i = 0; i < tagCount; i++) {
            final int t = order[i];
            final int ks = tagKeyStart[t];
            final int ke = tagKeyEnd[t];
            if (!groupKeys.keepsTag(raw, ks, ke - ks)) {
                continue;
            }
            final boolean elementsDirty = tagDirty[t];
            key[n++] = ',';
            n = write(ks, ke, TAG_KEY, elementsDirty, n);
            key[n++] = '=';
            n = write(ke, tagValueEnd[t], TAG_VALUE, elementsDirty, n);
        }
        prefixLength = n;
        keyLength = n;
        prefixId = 0;
    }

    /** {@link #writeEscaped}, or a plain copy when the element holds no byte to escape. */
    private int write(int from, int to, int kind, boolean elementDirty, int n) {
        if (elementDirty) {
            return writeEscaped(from, to, kind, n);
        }
        System.arraycopy(raw, from, key, n, to - from);
        return n + (to - from);
    }

    /** Writes {@code raw[from, to)} with canonical escapes at {@code key[n]}; returns the end. */
    private int writeEscaped(int from, int to, int kind, int n) {
        final byte[] k = key;
        for (int i = from; i < to; i++) {
            final byte c = raw[i];
            if (escaped(c, kind)) {
                k[n++] = '\\';
                k[n++] = c;
            } else if (c == '\\') {
                k[n++] = '\\';
                if (i + 1 == to || raw[i + 1] == '\\' || escaped(raw[i + 1], kind)) {
                    k[n++] = '\\';
                }
            } else {
                k[n++] = c;
            }
        }
        return n;
    }

    private static boolean escaped(byte c, int kind) {
        return c == ',' || c == ' ' || (c == '=' && kind != MEASUREMENT);
    }

    private void ensureRawCapacity(int n) {
        if (raw.length < n) {
            raw = Arrays.copyOf(raw, Math.max(n, raw.length * 2));
        }
    }

    private void ensureKeyCapacity(int n) {
        if (key.length < n) {
            key = Arrays.copyOf(key, Math.max(n, key.length * 2));
        }
    }
}

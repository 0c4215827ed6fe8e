package io.tsagg.serde.ilp;

import io.tsagg.serde.MalformedInputException;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.key.SeriesKeyHash;
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

    private final GroupKeySpec groupKeys;
    private final int maxTags;

    // ---------------------------------------------------------------- unescaped elements

    /** Unescaped bytes of the current line's measurement, tags and field key, back to back. */
    private byte[] raw = new byte[256];

    private int rawLength;
    private int measurementEnd;
    private int tagCount;
    private int[] tagKeyStart = new int[16];
    private int[] tagKeyEnd = new int[16];
    private int[] tagValueEnd = new int[16];
    private int[] tagPosition = new int[16];
    private int[] order = new int[16];

    /** Where the field key starts in {@link #raw} (end of the tag set). */
    private int seriesRawLength;

    // ---------------------------------------------------------------- output

    private byte[] key = new byte[256];
    private int prefixLength;
    private int keyLength;

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
            p++; // '='
            p = scan(b, p, end, TAG_VALUE);
            if (rawLength == keyEnd) {
                throw new MalformedInputException(
                        "bad_tag", p, "empty tag value (omit the tag instead)");
            }
            addTag(keyStart, keyEnd, rawLength, tagAt);
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
        return p;
    }

    /** Completes the key with the field key just parsed and returns its id. Hot path. */
    public long groupId() {
        keyLength = prefixLength;
        ensureKeyCapacity(prefixLength + 1 + 2 * (rawLength - seriesRawLength));
        key[keyLength++] = ' ';
        keyLength = writeEscaped(seriesRawLength, rawLength, FIELD_KEY, keyLength);
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
        }
        return SeriesKeyHash.hash(key, 0, keyLength);
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
     * that ended it. Hot path.
     */
    private int scan(byte[] b, int p, int end, int kind) throws MalformedInputException {
        ensureRawCapacity(rawLength + (end - p));
        final byte[] out = raw;
        int n = rawLength;
        while (p < end) {
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
            } else if (c == '\\') {
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
            } else {
                out[n++] = c;
                p++;
            }
        }
        rawLength = n;
        if (p == end && (kind == TAG_KEY || kind == FIELD_KEY)) {
            throw new MalformedInputException(
                    kind == TAG_KEY ? "bad_tag" : "bad_field",
                    p,
                    (kind == TAG_KEY ? "tag" : "field")
                            + " key without '=' at the end of the line");
        }
        return p;
    }

    private void addTag(int keyStart, int keyEnd, int valueEnd, int position) {
        if (tagCount == tagKeyStart.length) {
            int n = tagCount * 2;
            tagKeyStart = Arrays.copyOf(tagKeyStart, n);
            tagKeyEnd = Arrays.copyOf(tagKeyEnd, n);
            tagValueEnd = Arrays.copyOf(tagValueEnd, n);
            tagPosition = Arrays.copyOf(tagPosition, n);
            order = Arrays.copyOf(order, n);
        }
        tagKeyStart[tagCount] = keyStart;
        tagKeyEnd[tagCount] = keyEnd;
        tagValueEnd[tagCount] = valueEnd;
        tagPosition[tagCount] = position;
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

    private int compareKeys(int a, int b) {
        return Arrays.compareUnsigned(
                raw, tagKeyStart[a], tagKeyEnd[a], raw, tagKeyStart[b], tagKeyEnd[b]);
    }

    // ---------------------------------------------------------------- writing

    private void writePrefix() {
        ensureKeyCapacity(2 * seriesRawLength + 2 * tagCount + 2);
        int n = writeEscaped(0, measurementEnd, MEASUREMENT, 0);
        for (int i = 0; i < tagCount; i++) {
            final int t = order[i];
            final int ks = tagKeyStart[t];
            final int ke = tagKeyEnd[t];
            if (!groupKeys.keepsTag(raw, ks, ke - ks)) {
                continue;
            }
            key[n++] = ',';
            n = writeEscaped(ks, ke, TAG_KEY, n);
            key[n++] = '=';
            n = writeEscaped(ke, tagValueEnd[t], TAG_VALUE, n);
        }
        prefixLength = n;
        keyLength = n;
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

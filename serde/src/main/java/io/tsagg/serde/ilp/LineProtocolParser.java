package io.tsagg.serde.ilp;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;
import io.tsagg.serde.MalformedInputException;
import io.tsagg.serde.collections.LongOpenSet;
import io.tsagg.serde.ingest.IngestArena;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.text.Utf8Validator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Parses InfluxDB line protocol (v2 reference; what Telegraf's Kafka output writes) straight from
 * the bytes of a Kafka record into an {@link IngestArena}: one sample per numeric field, keyed by
 * the id of the canonical group key {@code measurement,tags field} (see {@link SeriesKeyBuilder}).
 * No {@code String}, no boxing, nothing allocated per line or sample once warm.
 *
 * <p><b>Syntax accepted.</b> Lines end at {@code \n}. Leading and trailing spaces, tabs and
 * carriage returns are ignored; blank lines and lines starting with {@code #} are skipped. Runs of
 * spaces separate the sections. Field values: floats ({@code 1}, {@code -1.5}, {@code .5}, {@code
 * 1e-3}), integers {@code 12i} (int64), unsigned {@code 12u} (uint64), booleans ({@code t T true
 * True TRUE f F false False FALSE}) and double-quoted strings with backslash escapes. The optional
 * timestamp is an integer in the configured {@link TimestampPrecision}; without one, the point gets
 * the default time the caller passes (the job uses the Kafka record's timestamp).
 *
 * <p><b>Policy.</b> Strings and booleans are skipped and counted ({@link #nonNumericFields()}).
 * Numbers that are not finite as doubles ({@code 1e999}) are dropped and counted ({@link
 * #nonFiniteValues()}). A line that breaks a rule is rejected whole, with a stable reason code and
 * the byte position of the problem in the record; the other lines of the record are still used.
 * Reason codes: {@code line_too_long}, {@code bad_utf8}, {@code missing_measurement}, {@code
 * missing_fields}, {@code bad_tag}, {@code duplicate_tag}, {@code too_many_tags}, {@code
 * bad_escape}, {@code bad_field}, {@code bad_field_value}, {@code bad_number}, {@code
 * unterminated_string}, {@code bad_timestamp}, {@code timestamp_out_of_range}.
 *
 * <p>Group keys are interned here: a key id seen for the first time by this parser is added to the
 * arena's new keys, so the reader announces it once (the set of announced ids, 16 bytes a slot,
 * grows with the keys a parser has seen until {@link #forgetKeys()}). The ids of series sections
 * and field keys seen before come from a {@link SeriesIdCache} (bytes compared, nothing built or
 * hashed; it grows with the series, to at most 16.5 MiB per parser). Reusable, not thread-safe: one
 * per reader.
 */
public final class LineProtocolParser {
    public static final int DEFAULT_MAX_LINE_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_TAGS = 256;

    /** Accepted timestamps in epoch ms: 1970 up to the last ms whose ns fit an int64. */
    public static final long MIN_TIMESTAMP_MS = 0L;

    public static final long MAX_TIMESTAMP_MS = Long.MAX_VALUE / 1_000_000L;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A_0A0A_0A0A_0A0AL;
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final long ZEROS = 0x3030_3030_3030_3030L;
    private static final long[] SMALL_POWERS_OF_TEN = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L
    };
    private static final long MAX_UNSIGNED_DIV_10 = Long.divideUnsigned(-1L, 10);

    /**
     * Up to this many decimal digits (and no exponent), a number is its digits as an integer below
     * 2^53 divided by a power of ten up to 10^15: two exact doubles (Clinger's fast path).
     */
    private static final int MAX_EXACT_DIGITS = 15;

    /** Integers of up to this many digits fit a long whatever the digits. */
    private static final int MAX_SAFE_INTEGER_DIGITS = 18;

    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
    };

    private final TimestampPrecision precision;
    private final int maxLineBytes;
    private final SeriesKeyBuilder keys;

    /** Ids of the keys this parser has added to an arena's new keys ({@link #forgetKeys()}). */
    private LongOpenSet known;

    private SeriesIdCache ids;

    // ---------------------------------------------------------------- current line

    /** The arena of the {@link #parse} call under way. */
    private IngestArena target;

    private long[] pendingIds = new long[16];
    private double[] pendingValues = new double[16];
    private int pendingCount;

    /** The accumulator of {@link #readDigits}. */
    private long digits;

    /** Whether the line {@link #indexOfNewline} just found may hold a byte above 0x7F. */
    private boolean maybeNonAscii;

    /** Whether the field value just parsed is a finite number (left in pendingValues). */
    private boolean numeric;

    private int lineNonNumeric;
    private int lineNonFinite;

    // ---------------------------------------------------------------- origins (tracking only)

    /** Whether to remember where the samples of the last accepted line came from. */
    private final boolean tracking;

    private int[] pendingFieldStart = new int[16];
    private int[] pendingFieldEnd = new int[16];
    private int lastLineStart = -1;
    private int lastSeriesEnd = -1;
    private int lastTimestampStart = -1;
    private int lastLineEnd = -1;
    private int lastSamples;

    // ---------------------------------------------------------------- last record

    private int lines;
    private int samples;
    private int nonNumericFields;
    private int nonFiniteValues;
    private int rejected;
    private int[] rejectedStart = new int[4];
    private int[] rejectedLength = new int[4];
    private long[] rejectedPosition = new long[4];
    private String[] rejectedReason = new String[4];
    private String[] rejectedMessage = new String[4];

    public LineProtocolParser() {
        this(TimestampPrecision.NANOSECONDS, GroupKeySpec.series());
    }

    public LineProtocolParser(TimestampPrecision precision, GroupKeySpec groupKeys) {
        this(precision, groupKeys, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_TAGS);
    }

    public LineProtocolParser(
            TimestampPrecision precision, GroupKeySpec groupKeys, int maxLineBytes, int maxTags) {
        this(precision, groupKeys, maxLineBytes, maxTags, false);
    }

    private LineProtocolParser(
            TimestampPrecision precision,
            GroupKeySpec groupKeys,
            int maxLineBytes,
            int maxTags,
            boolean tracking) {
        this.tracking = tracking;
        if (maxLineBytes < 1 || maxTags < 0) {
            throw new IllegalArgumentException("need maxLineBytes >= 1 and maxTags >= 0");
        }
        this.precision = Objects.requireNonNull(precision);
        this.maxLineBytes = maxLineBytes;
        this.keys = new SeriesKeyBuilder(Objects.requireNonNull(groupKeys), maxTags);
        forgetKeys();
    }

    /**
     * A parser that also remembers, for the last line it accepted, where each of its samples came
     * from in the input: {@link #lastLineStart()}, {@link #lastSeriesEnd()}, {@link
     * #fieldStart(int)}, {@link #fieldEnd(int)}, {@link #lastTimestampStart()} and {@link
     * #lastLineEnd()}. For re-reading single lines (late samples written out with their original
     * bytes), not for the hot path.
     */
    public static LineProtocolParser tracking(
            TimestampPrecision precision, GroupKeySpec groupKeys) {
        return new LineProtocolParser(
                precision, groupKeys, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_TAGS, true);
    }

    /**
     * Forgets every key this parser has seen: from now on each key is new again (added to the
     * arena's new keys on its next line), and the series cache starts empty. For a reader's new key
     * epoch; the memory of the keys before goes with them.
     */
    public void forgetKeys() {
        known = new LongOpenSet(4096);
        ids = new SeriesIdCache();
    }

    /**
     * Parses the lines of {@code b[off, off + len)} and appends their samples (and new keys) to
     * {@code arena}, which is not reset first. Never throws for bad input: rejected lines are
     * listed by {@link #rejectedLines()} and the accessors after it. Hot path.
     *
     * @param defaultTimestampMs epoch ms of points without a timestamp
     * @return the number of samples appended
     * @throws IndexOutOfBoundsException if the range is not inside {@code b}
     */
    public int parse(byte[] b, int off, int len, long defaultTimestampMs, IngestArena arena) {
        Objects.checkFromIndexSize(off, len, b.length);
        lines = 0;
        samples = 0;
        nonNumericFields = 0;
        nonFiniteValues = 0;
        rejected = 0;
        lastLineStart = -1;
        lastSamples = 0;
        target = arena;
        final int end = off + len;
        int p = off;
        while (p < end) {
            final int newline = indexOfNewline(b, p, end);
            try {
                if (newline - p > maxLineBytes) {
                    throw new MalformedInputException(
                            "line_too_long",
                            p + maxLineBytes,
                            "line has " + (newline - p) + " bytes; the limit is " + maxLineBytes);
                }
                final int bad = maybeNonAscii ? Utf8Validator.firstInvalid(b, p, newline - p) : -1;
                if (bad >= 0) {
                    throw new MalformedInputException(
                            "bad_utf8", bad, "the line is not well-formed UTF-8");
                }
                parseLine(b, p, newline, defaultTimestampMs);
            } catch (MalformedInputException e) {
                reject(p, newline - p, e, off);
            }
            p = newline + 1;
        }
        target = null;
        return samples;
    }

    private void parseLine(byte[] b, int p, int end, long defaultTimestampMs)
            throws MalformedInputException {
        while (p < end && isBlank(b[p])) {
            p++;
        }
        if (p == end || b[p] == '#') {
            return;
        }
        while (isBlank(b[end - 1])) {
            end--;
        }
        pendingCount = 0;
        lineNonNumeric = 0;
        lineNonFinite = 0;
        final int lineStart = p;

        // A series section seen before: its ids come from the cache, the builder is not needed
        // unless a field is not cached yet (then it parses the section on demand).
        int seriesEnd = ids.lookup(b, p, end);
        boolean keysParsed = false;
        if (seriesEnd < 0) {
            seriesEnd = keys.parseSeries(b, p, end);
            keysParsed = true;
            ids.insert(b, seriesEnd);
        }
        p = seriesEnd;
        if (p == end) {
            throw new MalformedInputException(
                    "missing_fields", p, "the line has no field set (a point needs a field)");
        }
        while (b[p] == ' ') {
            p++;
        }
        final boolean cached = ids.hasCurrent();
        long timestamp = defaultTimestampMs;
        int timestampStart = -1;
        for (int field = 0; ; field++) {
            final int fieldStart = p;
            // Most lines list the fields of their series in the same order: try that one first.
            final int expected = cached ? ids.fieldAt(b, p, end, field) : -1;
            final int clean =
                    expected >= 0
                            ? expected
                            : cached ? SeriesIdCache.cleanFieldKeyEnd(b, p, end) : -1;
            final int equals;
            if (clean >= 0) {
                equals = clean;
            } else {
                if (!keysParsed) {
                    keys.parseSeries(b, lineStart, end);
                    keysParsed = true;
                }
                equals = keys.parseFieldKey(b, p, end);
            }
            if (pendingCount == pendingIds.length) {
                growPending();
            }
            p = parseFieldValue(b, equals + 1, end);
            if (numeric) {
                final int cachedField =
                        expected >= 0
                                ? field
                                : clean >= 0 ? ids.field(b, fieldStart, clean, field) : -1;
                final long id;
                if (cachedField >= 0) {
                    id = ids.id(cachedField);
                } else {
                    if (clean >= 0) {
                        if (!keysParsed) {
                            keys.parseSeries(b, lineStart, end);
                            keysParsed = true;
                        }
                        keys.parseFieldKey(b, fieldStart, end);
                    }
                    id = newId();
                    if (clean >= 0) {
                        ids.addField(b, fieldStart, clean, id);
                    }
                }
                pendingIds[pendingCount++] = id;
                if (tracking) {
                    track(fieldStart, p);
                }
            }
            if (p == end) {
                break;
            }
            final byte c = b[p];
            if (c == ',') {
                p++;
                if (p == end || b[p] == ' ') {
                    throw new MalformedInputException("bad_field", p, "expected a field after ','");
                }
            } else if (c == ' ') {
                while (b[p] == ' ') {
                    p++;
                }
                timestampStart = p;
                timestamp = parseTimestamp(b, p, end);
                break;
            } else {
                throw new MalformedInputException(
                        "bad_field_value", p, "unexpected '" + (char) c + "' after a field value");
            }
        }

        for (int i = 0; i < pendingCount; i++) {
            target.addSample(pendingIds[i], timestamp, pendingValues[i]);
        }
        if (tracking) {
            lastLineStart = lineStart;
            lastSeriesEnd = seriesEnd;
            lastTimestampStart = timestampStart;
            lastLineEnd = end;
            lastSamples = pendingCount;
        }
        lines++;
        samples += pendingCount;
        nonNumericFields += lineNonNumeric;
        nonFiniteValues += lineNonFinite;
    }

    /** Remembers {@code b[start, end)} as the field of the sample just added. */
    private void track(int start, int end) {
        if (pendingFieldStart.length < pendingIds.length) {
            pendingFieldStart = Arrays.copyOf(pendingFieldStart, pendingIds.length);
            pendingFieldEnd = Arrays.copyOf(pendingFieldEnd, pendingIds.length);
        }
        pendingFieldStart[pendingCount - 1] = start;
        pendingFieldEnd[pendingCount - 1] = end;
    }

    /**
     * Parses the value at {@code v}; returns the index after it. A finite number is left at {@code
     * pendingValues[pendingCount]} (which must exist) and sets {@link #numeric}.
     */
    private int parseFieldValue(byte[] b, int v, int end) throws MalformedInputException {
        numeric = false;
        if (v == end) {
            throw new MalformedInputException("bad_field_value", v, "field has no value");
        }
        final byte c = b[v];
        if (c == '"') {
            lineNonNumeric++;
            return skipString(b, v, end);
        }
        if (c == 't' || c == 'T' || c == 'f' || c == 'F') {
            final int e = tokenEnd(b, v, end);
            if (!isBoolean(b, v, e - v)) {
                throw new MalformedInputException(
                        "bad_field_value", v, "not a boolean, number or quoted string");
            }
            lineNonNumeric++;
            return e;
        }
        if (c == '-' || c == '.' || (c >= '0' && c <= '9')) {
            return parseNumber(b, v, end);
        }
        throw new MalformedInputException(
                "bad_field_value", v, "not a boolean, number or quoted string");
    }

    /**
     * Parses the number at {@code s}: a float ({@code -?(d+(.d*)?|.d+)([eE][+-]?d+)?}), integer
     * ({@code -?d+i}) or unsigned integer ({@code d+u}) ending at {@code end} or at a {@code ,} or
     * space; adds it as a pending sample (or counts it as non-finite). Returns the index after the
     * number. One pass: the grammar scan also finds the end of the token. Hot path.
     */
    private int parseNumber(byte[] b, int s, int end) throws MalformedInputException {
        int i = s;
        final boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        final int intStart = i;
        // The digits as an unsigned integer: exact while there are at most 19 of them.
        digits = 0;
        i = readDigits(b, i, end);
        final int intDigits = i - intStart;
        int fracDigits = 0;
        boolean isFloat = false;
        if (i < end && b[i] == '.') {
            isFloat = true;
            final int fracStart = ++i;
            i = readDigits(b, i, end);
            fracDigits = i - fracStart;
        }
        final long mantissa = digits;
        boolean exponent = false;
        if (intDigits + fracDigits == 0) {
            throw new MalformedInputException("bad_number", s, "a number needs digits");
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            isFloat = true;
            exponent = true;
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            final int expStart = i;
            while (i < end && isDigit(b[i])) {
                i++;
            }
            if (i == expStart) {
                throw new MalformedInputException("bad_number", s, "exponent without digits");
            }
        }
        final double value;
        final int next;
        if (i == end || isTokenEnd(b[i])) {
            if (!exponent && intDigits + fracDigits <= MAX_EXACT_DIGITS) {
                // Clinger's fast path: both operands are exact doubles, so the one division is
                // correctly rounded, as the library would round. Most telemetry values qualify.
                final double magnitude = (double) mantissa / POWERS_OF_TEN[fracDigits];
                value = negative ? -magnitude : magnitude;
            } else if (!exponent && intDigits + fracDigits <= DecimalToDouble.MAX_DIGITS) {
                // 16 to 19 digits (what Double.toString writes): Eisel-Lemire, also exact.
                value = DecimalToDouble.toDouble(negative, mantissa, fracDigits);
            } else {
                try {
                    value = JavaDoubleParser.parseDouble(b, s, i - s);
                } catch (NumberFormatException ex) {
                    throw new MalformedInputException("bad_number", s, "not a number");
                }
            }
            next = i;
        } else if (!isFloat && (i + 1 == end || isTokenEnd(b[i + 1])) && b[i] == 'i') {
            // Up to 18 digits the digits read above are exact and fit: no overflow checks.
            value =
                    intDigits <= MAX_SAFE_INTEGER_DIGITS
                            ? (double) (negative ? -mantissa : mantissa)
                            : parseInteger(b, intStart, i, negative, s);
            next = i + 1;
        } else if (!isFloat && (i + 1 == end || isTokenEnd(b[i + 1])) && b[i] == 'u') {
            if (negative) {
                throw new MalformedInputException(
                        "bad_number", s, "an unsigned integer cannot be negative");
            }
            value =
                    intDigits <= MAX_SAFE_INTEGER_DIGITS
                            ? (double) mantissa
                            : parseUnsigned(b, intStart, i, s);
            next = i + 1;
        } else {
            throw new MalformedInputException(
                    "bad_number", i, "unexpected '" + (char) b[i] + "' in a number");
        }
        if (Double.isFinite(value)) {
            pendingValues[pendingCount] = value;
            numeric = true;
        } else {
            lineNonFinite++;
        }
        return next;
    }

    private static boolean isTokenEnd(byte c) {
        return c == ',' || c == ' ';
    }

    private static double parseInteger(byte[] b, int s, int e, boolean negative, int at)
            throws MalformedInputException {
        // Accumulate negatively so that Long.MIN_VALUE fits.
        long acc = 0;
        for (int i = s; i < e; i++) {
            final int d = b[i] - '0';
            if (acc < (Long.MIN_VALUE + d) / 10) {
                throw new MalformedInputException(
                        "bad_number", at, "integer does not fit a signed 64-bit value");
            }
            acc = acc * 10 - d;
        }
        if (!negative) {
            if (acc == Long.MIN_VALUE) {
                throw new MalformedInputException(
                        "bad_number", at, "integer does not fit a signed 64-bit value");
            }
            acc = -acc;
        }
        return (double) acc;
    }

    private static double parseUnsigned(byte[] b, int s, int e, int at)
            throws MalformedInputException {
        long acc = 0;
        for (int i = s; i < e; i++) {
            final int d = b[i] - '0';
            if (Long.compareUnsigned(acc, MAX_UNSIGNED_DIV_10) > 0) {
                throw new MalformedInputException(
                        "bad_number", at, "integer does not fit an unsigned 64-bit value");
            }
            final long next = acc * 10 + d;
            if (Long.compareUnsigned(next, acc * 10) < 0) {
                throw new MalformedInputException(
                        "bad_number", at, "integer does not fit an unsigned 64-bit value");
            }
            acc = next;
        }
        if (acc >= 0) {
            return (double) acc;
        }
        // Halve (keeping the sticky bit), convert, double: rounds like an exact conversion.
        return (double) ((acc >>> 1) | (acc & 1)) * 2.0;
    }

    private long parseTimestamp(byte[] b, int p, int end) throws MalformedInputException {
        final int at = p;
        final boolean negative = b[p] == '-';
        if (negative) {
            p++;
        }
        if (p == end) {
            throw new MalformedInputException("bad_timestamp", at, "timestamp has no digits");
        }
        // Up to 19 digits fit an unsigned long: read 8 at a time, no check per digit; a value
        // above Long.MAX_VALUE shows as negative. The loop after sees what ended them, if it is
        // not the end: a byte that is not a digit, or more digits (checked one by one).
        final int safeEnd = Math.min(end, p + DecimalToDouble.MAX_DIGITS);
        digits = 0;
        p = readDigits(b, p, safeEnd);
        long t = digits;
        boolean overflow = t < 0;
        for (; p < end; p++) {
            final int d = b[p] - '0';
            if (d < 0 || d > 9) {
                throw new MalformedInputException(
                        "bad_timestamp",
                        p,
                        "unexpected '" + (char) b[p] + "' in the timestamp (an integer)");
            }
            if (overflow || t > (Long.MAX_VALUE - d) / 10) {
                overflow = true;
            } else {
                t = t * 10 + d;
            }
        }
        final long ms = overflow || (negative && t != 0) ? Long.MIN_VALUE : precision.toMillis(t);
        if (ms < MIN_TIMESTAMP_MS || ms > MAX_TIMESTAMP_MS) {
            throw new MalformedInputException(
                    "timestamp_out_of_range",
                    at,
                    "timestamp "
                            + new String(b, at, end - at, java.nio.charset.StandardCharsets.UTF_8)
                            + " ("
                            + precision.code()
                            + ") is outside 1970-01-01 .. 2262-04-11");
        }
        return ms;
    }

    private void growPending() {
        pendingIds = Arrays.copyOf(pendingIds, pendingCount * 2);
        pendingValues = Arrays.copyOf(pendingValues, pendingCount * 2);
    }

    /**
     * The id of the key {@link #keys} has just parsed (series and field key), announced to the
     * arena if this parser has not seen it before. Ids from {@link #ids} were announced when they
     * were cached. {@link #known} groups ids by their canonical prefix (a function of the key), so
     * the fields of one line share a cache line there.
     */
    private long newId() {
        final long id = keys.groupId();
        if (known.add(id, keys.prefixId())) {
            target.addKey(id, keys.key(), 0, keys.keyLength());
        }
        return id;
    }

    private static int skipString(byte[] b, int quote, int end) throws MalformedInputException {
        int i = quote + 1;
        while (i < end) {
            final byte c = b[i];
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new MalformedInputException(
                "unterminated_string", quote, "string field value has no closing quote");
    }

    private static boolean isBoolean(byte[] b, int s, int n) {
        if (n == 1) {
            return true; // t, T, f, F (the caller checked the first byte)
        }
        return equalsAscii(b, s, n, "true")
                || equalsAscii(b, s, n, "True")
                || equalsAscii(b, s, n, "TRUE")
                || equalsAscii(b, s, n, "false")
                || equalsAscii(b, s, n, "False")
                || equalsAscii(b, s, n, "FALSE");
    }

    private static boolean equalsAscii(byte[] b, int s, int n, String word) {
        if (n != word.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[s + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int tokenEnd(byte[] b, int p, int end) {
        while (p < end) {
            final byte c = b[p];
            if (c == ',' || c == ' ') {
                return p;
            }
            p++;
        }
        return end;
    }

    /**
     * Index of the first {@code \n} in {@code b[p, end)}, else {@code end}: 8 bytes a step. Sets
     * {@link #maybeNonAscii} unless every byte before it is ASCII (which is valid UTF-8), so the
     * validator only looks at lines that need it.
     */
    private int indexOfNewline(byte[] b, int p, int end) {
        long seen = 0;
        while (end - p >= 2 * Long.BYTES) {
            final long w0 = (long) LONG_LE.get(b, p);
            final long w1 = (long) LONG_LE.get(b, p + Long.BYTES);
            final long x0 = w0 ^ NEWLINES;
            final long x1 = w1 ^ NEWLINES;
            final long zeros0 = (x0 - ONES) & ~x0 & HIGHS;
            final long zeros1 = (x1 - ONES) & ~x1 & HIGHS;
            if ((zeros0 | zeros1) != 0) {
                maybeNonAscii = ((seen | w0 | w1) & HIGHS) != 0;
                return zeros0 != 0
                        ? p + (Long.numberOfTrailingZeros(zeros0) >>> 3)
                        : p + Long.BYTES + (Long.numberOfTrailingZeros(zeros1) >>> 3);
            }
            seen |= w0 | w1;
            p += 2 * Long.BYTES;
        }
        while (end - p >= Long.BYTES) {
            final long w = (long) LONG_LE.get(b, p);
            final long x = w ^ NEWLINES;
            final long zeros = (x - ONES) & ~x & HIGHS;
            if (zeros != 0) {
                // Bytes after the newline may count too: then the validator just runs.
                maybeNonAscii = ((seen | w) & HIGHS) != 0;
                return p + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
            seen |= w;
            p += Long.BYTES;
        }
        while (p < end && b[p] != '\n') {
            seen |= b[p];
            p++;
        }
        maybeNonAscii = (seen & HIGHS) != 0;
        return p;
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Reads the digits from {@code i} on into {@link #digits} ({@code digits x 10^n + the n
     * digits}, wrapping beyond 19 digits) and returns the index after them: 8 a step, and the last
     * 1 to 7 digits of a run from the same word. Hot path.
     */
    private int readDigits(byte[] b, int i, int end) {
        long m = digits;
        while (end - i >= Long.BYTES) {
            final long w = (long) LONG_LE.get(b, i);
            final long nonDigits = nonDigits(w);
            if (nonDigits == 0) {
                m = m * 100_000_000L + eightDigits(w);
                i += Long.BYTES;
                continue;
            }
            final int n = Long.numberOfTrailingZeros(nonDigits) >>> 3;
            if (n != 0) {
                // The n digits moved to the top of the word, '0's below them: 8 digits again.
                final int shift = (Long.BYTES - n) << 3;
                m = m * SMALL_POWERS_OF_TEN[n] + eightDigits((w << shift) | (ZEROS >>> (n << 3)));
                i += n;
            }
            digits = m;
            return i;
        }
        while (i < end && isDigit(b[i])) {
            m = m * 10 + (b[i] - '0');
            i++;
        }
        digits = m;
        return i;
    }

    /**
     * The high bit of the lowest byte of {@code w} that is not an ASCII digit (bytes above it may
     * be marked too), or 0 if all 8 are digits.
     */
    private static long nonDigits(long w) {
        return ((w - ZEROS) | (w + 0x4646_4646_4646_4646L)) & HIGHS;
    }

    /**
     * The number written by the 8 ASCII digits of {@code w} (little-endian: the first digit in the
     * lowest byte): pairs, then quads, then the whole, in three multiplications.
     */
    private static long eightDigits(long w) {
        long v = w - ZEROS;
        v = (v * 10 + (v >>> 8)) & 0x00FF_00FF_00FF_00FFL;
        v = (v * 100 + (v >>> 16)) & 0x0000_FFFF_0000_FFFFL;
        return (v * 10_000 + (v >>> 32)) & 0xFFFF_FFFFL;
    }

    private void reject(int lineStart, int lineLength, MalformedInputException e, int off) {
        if (rejected == rejectedStart.length) {
            int n = rejected * 2;
            rejectedStart = Arrays.copyOf(rejectedStart, n);
            rejectedLength = Arrays.copyOf(rejectedLength, n);
            rejectedPosition = Arrays.copyOf(rejectedPosition, n);
            rejectedReason = Arrays.copyOf(rejectedReason, n);
            rejectedMessage = Arrays.copyOf(rejectedMessage, n);
        }
        final long position = (e.position() >= 0 ? e.position() : lineStart) - off;
        rejectedStart[rejected] = lineStart;
        rejectedLength[rejected] = lineLength;
        rejectedPosition[rejected] = position;
        rejectedReason[rejected] = e.reason();
        rejectedMessage[rejected] =
                e.reason() + " at byte " + position + " of the record: " + detail(e);
        rejected++;
    }

    private static String detail(MalformedInputException e) {
        String m = e.getMessage();
        int colon = m.indexOf(": ");
        return colon >= 0 ? m.substring(colon + 2) : m;
    }

    // ---------------------------------------------------------------- results of the last parse

    /** Data lines accepted (comments and blank lines not counted). */
    public int lines() {
        return lines;
    }

    /** Samples appended. */
    public int samples() {
        return samples;
    }

    /** String and boolean fields of accepted lines, skipped by policy. */
    public int nonNumericFields() {
        return nonNumericFields;
    }

    /** Numeric fields of accepted lines that were NaN or infinite as doubles, dropped. */
    public int nonFiniteValues() {
        return nonFiniteValues;
    }

    /** Lines rejected; each is described by the accessors below, {@code i < rejectedLines()}. */
    public int rejectedLines() {
        return rejected;
    }

    /** Index in the parsed array of rejected line {@code i} (without its {@code \n}). */
    public int rejectedLineStart(int i) {
        return rejectedStart[i];
    }

    public int rejectedLineLength(int i) {
        return rejectedLength[i];
    }

    /** Byte position of the problem, counted from the start of the record. */
    public long rejectedPosition(int i) {
        return rejectedPosition[i];
    }

    /** Stable reason code, e.g. {@code bad_number}. */
    public String rejectedReason(int i) {
        return rejectedReason[i];
    }

    public String rejectedMessage(int i) {
        return rejectedMessage[i];
    }

    /** Whether the series cache is stepping aside (too few hits lately); for tests. */
    boolean seriesCacheBypassed() {
        return ids.bypassed();
    }

    // ---------------------------------------------------------------- origins ({@link #tracking})

    /** Index of the first byte of the last accepted line (after leading blanks); -1 if none. */
    public int lastLineStart() {
        return lastLineStart;
    }

    /** Index after the measurement and tags of the last accepted line. */
    public int lastSeriesEnd() {
        return lastSeriesEnd;
    }

    /** Index of the timestamp of the last accepted line, -1 if it had none. */
    public int lastTimestampStart() {
        return lastTimestampStart;
    }

    /** Index after the last accepted line, trailing blanks excluded. */
    public int lastLineEnd() {
        return lastLineEnd;
    }

    /** Samples of the last accepted line. */
    public int lastLineSamples() {
        return lastSamples;
    }

    /** Index of the field ({@code key=value}) of sample {@code k} of the last accepted line. */
    public int fieldStart(int k) {
        Objects.checkIndex(k, lastSamples);
        return pendingFieldStart[k];
    }

    /** Index after the field of sample {@code k} of the last accepted line. */
    public int fieldEnd(int k) {
        Objects.checkIndex(k, lastSamples);
        return pendingFieldEnd[k];
    }
}

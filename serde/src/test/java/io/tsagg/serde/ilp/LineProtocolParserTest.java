package io.tsagg.serde.ilp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.ingest.IngestArena;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.key.SeriesKeyHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conformance tests for {@link LineProtocolParser}: the syntax of the InfluxDB v2 line-protocol
 * reference (elements, data types, special characters and backslashes, comments, whitespace), our
 * policies (timestamp precision and range, non-numeric and non-finite fields, group keys) and every
 * reason code with the position it reports. Expected values are written from the reference, not
 * taken from another parser.
 */
class LineProtocolParserTest {
    private static final long T0_NS = 1_556_813_561_098_000_000L;
    private static final long T0_MS = 1_556_813_561_098L;
    private static final long DEFAULT_MS = 1_700_000_000_000L;

    private final IngestArena arena = new IngestArena();
    private final Map<Long, String> dictionary = new HashMap<>();
    private LineProtocolParser parser = new LineProtocolParser();

    @AfterEach
    void noLeak() {
        arena.close();
        assertThat(arena.segmentsHeld()).isZero();
    }

    /** A decoded sample, with its key looked up in the keys the parser announced. */
    record Sample(String key, long timestampMs, double value) {}

    private void use(LineProtocolParser p) {
        parser = p;
        dictionary.clear();
    }

    private List<Sample> parse(String text) {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private List<Sample> parse(byte[] bytes) {
        arena.reset();
        // Parse from an offset inside a larger array: positions must still count from the record.
        byte[] padded = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        int n = parser.parse(padded, 3, bytes.length, DEFAULT_MS, arena);
        for (int k = 0; k < arena.keyCount(); k++) {
            String key =
                    new String(
                            arena.newKeyBytes(),
                            arena.newKeyOffset(k),
                            arena.newKeyLength(k),
                            StandardCharsets.UTF_8);
            assertThat(arena.newKeyId(k)).isEqualTo(id(key));
            assertThat(dictionary.put(arena.newKeyId(k), key)).as("announced twice").isNull();
        }
        List<Sample> out = new ArrayList<>();
        assertThat(arena.size()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            assertThat(dictionary).containsKey(arena.keyId(i));
            out.add(new Sample(dictionary.get(arena.keyId(i)), arena.timestamp(i), arena.value(i)));
        }
        assertSameWhenParsedAgain(padded, bytes.length, n);
        return out;
    }

    /**
     * Parses the record again with the same parser, now that its series are cached, and checks that
     * the samples (ids, times, values), the counters and the rejections are the ones just read from
     * {@link #arena}, and that no key is announced twice. So every case of this class runs through
     * both the builder's path and the cache's.
     */
    private void assertSameWhenParsedAgain(byte[] padded, int length, int n) {
        int lines = parser.lines();
        int nonNumeric = parser.nonNumericFields();
        int nonFinite = parser.nonFiniteValues();
        List<String> rejections = rejections(parser);
        try (IngestArena again = new IngestArena()) {
            assertThat(parser.parse(padded, 3, length, DEFAULT_MS, again)).isEqualTo(n);
            assertThat(again.keyCount()).as("keys announced again").isZero();
            for (int i = 0; i < n; i++) {
                assertThat(again.keyId(i)).as("id of sample %d", i).isEqualTo(arena.keyId(i));
                assertThat(again.timestamp(i)).isEqualTo(arena.timestamp(i));
                assertThat(again.value(i)).isEqualTo(arena.value(i));
            }
        }
        assertThat(parser.lines()).isEqualTo(lines);
        assertThat(parser.nonNumericFields()).isEqualTo(nonNumeric);
        assertThat(parser.nonFiniteValues()).isEqualTo(nonFinite);
        assertThat(rejections(parser)).isEqualTo(rejections);
        // After forgetKeys (a reader's new key epoch) every key is new again, with the same id.
        parser.forgetKeys();
        try (IngestArena fresh = new IngestArena()) {
            assertThat(parser.parse(padded, 3, length, DEFAULT_MS, fresh)).isEqualTo(n);
            java.util.Set<Long> announced = new java.util.HashSet<>();
            for (int k = 0; k < fresh.keyCount(); k++) {
                assertThat(announced.add(fresh.newKeyId(k))).as("announced once").isTrue();
            }
            java.util.Set<Long> used = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                assertThat(fresh.keyId(i)).as("id of sample %d", i).isEqualTo(arena.keyId(i));
                used.add(fresh.keyId(i));
            }
            // (A key of a line rejected after its fields may be announced too: harmless.)
            assertThat(announced).as("keys announced after forgetKeys").containsAll(used);
        }
        assertThat(rejections(parser)).isEqualTo(rejections);
    }

    private static List<String> rejections(LineProtocolParser p) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < p.rejectedLines(); i++) {
            out.add(
                    p.rejectedLineStart(i)
                            + "+"
                            + p.rejectedLineLength(i)
                            + " "
                            + p.rejectedMessage(i));
        }
        return out;
    }

    private static long id(String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return SeriesKeyHash.hash(b, 0, b.length);
    }

    private void assertRejected(String text, String reason, int position) {
        List<Sample> samples = parse(text);
        assertThat(samples).as("samples of %s", text).isEmpty();
        assertThat(parser.rejectedLines()).as("rejected lines of %s", text).isEqualTo(1);
        assertThat(parser.rejectedReason(0)).as("reason for %s", text).isEqualTo(reason);
        assertThat(parser.rejectedPosition(0)).as("position for %s", text).isEqualTo(position);
        assertThat(parser.rejectedLineStart(0)).isEqualTo(3);
        assertThat(parser.rejectedMessage(0)).startsWith(reason + " at byte " + position);
    }

    // ------------------------------------------------------------------ elements

    @Test
    void shouldParseMeasurementTagsFieldAndTimestamp() {
        assertThat(parse("myMeasurement,tag1=value1,tag2=value2 fieldKey=1.5 " + T0_NS))
                .containsExactly(
                        new Sample("myMeasurement,tag1=value1,tag2=value2 fieldKey", T0_MS, 1.5));
        assertThat(parser.lines()).isEqualTo(1);
        assertThat(parser.rejectedLines()).isZero();
    }

    @Test
    void shouldSortTagsByKeyIntoTheCanonicalSeriesKey() {
        assertThat(parse("cpu,region=eu,host=a,az=1 usage=2 " + T0_NS))
                .containsExactly(new Sample("cpu,az=1,host=a,region=eu usage", T0_MS, 2.0));
    }

    @Test
    void shouldSortTagKeysAsUnsignedBytes() {
        // 'B' (0x42) < '_' (0x5f) < 'a' (0x61) < 'é' (0xc3 0xa9)
        assertThat(parse("m,é=1,a=2,_=3,B=4 f=1 " + T0_NS))
                .extracting(Sample::key)
                .containsExactly("m,B=4,_=3,a=2,é=1 f");
    }

    @Test
    void shouldAcceptALineWithoutTags() {
        assertThat(parse("cpu usage=0.5 " + T0_NS))
                .containsExactly(new Sample("cpu usage", T0_MS, 0.5));
    }

    @Test
    void shouldEmitOneSamplePerNumericField() {
        assertThat(parse("cpu,host=a user=1,system=2i,idle=3u " + T0_NS))
                .containsExactly(
                        new Sample("cpu,host=a user", T0_MS, 1.0),
                        new Sample("cpu,host=a system", T0_MS, 2.0),
                        new Sample("cpu,host=a idle", T0_MS, 3.0));
    }

    @Test
    void shouldUseTheDefaultTimeWhenTheTimestampIsMissing() {
        assertThat(parse("cpu,host=a usage=1"))
                .containsExactly(new Sample("cpu,host=a usage", DEFAULT_MS, 1));
        assertThat(parse("cpu,host=a usage=1   \r"))
                .containsExactly(new Sample("cpu,host=a usage", DEFAULT_MS, 1));
    }

    @Test
    void shouldParseManyLinesPerRecordAndALastLineWithoutNewline() {
        assertThat(parse("a f=1 1000000\nb f=2 2000000\r\nc f=3 3000000"))
                .containsExactly(
                        new Sample("a f", 1, 1), new Sample("b f", 2, 2), new Sample("c f", 3, 3));
        assertThat(parser.lines()).isEqualTo(3);
    }

    @Test
    void shouldSkipCommentsAndBlankLines() {
        assertThat(parse("# a comment\n\n   \n\t\r\n  # indented comment f=1\na f=1 0\n#"))
                .containsExactly(new Sample("a f", 0, 1));
        assertThat(parser.lines()).isEqualTo(1);
        assertThat(parser.rejectedLines()).isZero();
    }

    @Test
    void shouldAcceptLeadingWhitespaceAndRunsOfSpacesBetweenSections() {
        assertThat(parse("  \tcpu,host=a   usage=1    2000000  "))
                .containsExactly(new Sample("cpu,host=a usage", 2, 1));
    }

    // ------------------------------------------------------------------ data types

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "1; 1.0",
                "1.0; 1.0",
                "-1.5; -1.5",
                ".5; 0.5",
                "1.; 1.0",
                "007; 7.0",
                "-1.234456e+78; -1.234456e78",
                "1E3; 1000.0",
                "2.5e-3; 0.0025",
                "0.1; 0.1",
                "-0.0; -0.0",
                "-0; -0.0",
                "0.000000000000001; 1e-15",
                "999999999999999; 999999999999999.0",
                "9999999999999999; 1e16",
                "1e-999; 0.0",
                "12485903i; 12485903",
                "-12485903i; -12485903",
                "9223372036854775807i; 9.223372036854775807E18",
                "-9223372036854775808i; -9.223372036854775808E18",
                "0u; 0",
                "12485903u; 12485903",
                "18446744073709551615u; 1.8446744073709551615E19",
                "9007199254740993i; 9007199254740992",
                "9007199254740993u; 9007199254740992",
                "999999999999999999i; 999999999999999999",
                "-999999999999999999i; -999999999999999999",
                "1000000000000000001i; 1000000000000000001",
                "999999999999999999u; 999999999999999999",
                "-0i; 0.0",
                "000012i; 12",
                "3.7208675897340233; 3.7208675897340233",
                "-72.45; -72.45",
                "12345678.87654321; 12345678.87654321",
            })
    void shouldParseFloatsIntegersAndUnsignedIntegers(String literal, double expected) {
        assertThat(parse("m f=" + literal + " 0")).containsExactly(new Sample("m f", 0, expected));
    }

    @Test
    void shouldParseFloatsCorrectlyRounded() {
        java.util.Random random = new java.util.Random(11);
        StringBuilder text = new StringBuilder();
        double[] values = new double[500];
        for (int i = 0; i < values.length; i++) {
            values[i] = Double.longBitsToDouble(random.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL);
            text.append("m f=").append(values[i]).append(' ').append(i).append("000000\n");
        }
        List<Sample> samples = parse(text.toString());
        for (int i = 0; i < values.length; i++) {
            assertThat(samples.get(i).value()).isEqualTo(values[i]);
        }
    }

    @Test
    void shouldParseDecimalsOfEveryLengthCorrectlyRounded() {
        // Up to 15 digits take Clinger's division, 16 to 19 Eisel-Lemire (DecimalToDouble): all
        // must round exactly.
        long seed = System.nanoTime();
        java.util.Random random = new java.util.Random(seed);
        StringBuilder text = new StringBuilder();
        double[] expected = new double[600];
        for (int i = 0; i < expected.length; i++) {
            int digits = 1 + random.nextInt(19);
            StringBuilder number = new StringBuilder(random.nextBoolean() ? "-" : "");
            for (int d = 0; d < digits; d++) {
                number.append((char) ('0' + random.nextInt(10)));
            }
            int point = random.nextInt(digits + 1);
            number.insert(number.length() - point, '.');
            expected[i] = new java.math.BigDecimal(number.toString()).doubleValue();
            if (number.charAt(0) == '-' && expected[i] == 0.0) {
                expected[i] = -0.0;
            }
            text.append("m f=").append(number).append(' ').append(i).append("000000\n");
        }
        List<Sample> samples = parse(text.toString());
        assertThat(samples).as("seed %d", seed).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(samples.get(i).value())
                    .as("seed %d, line %d", seed, i)
                    .isEqualTo(expected[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"t", "T", "true", "True", "TRUE", "f", "F", "false", "False", "FALSE"})
    void shouldSkipAndCountBooleans(String literal) {
        assertThat(parse("m b=" + literal + ",x=1 0")).containsExactly(new Sample("m x", 0, 1));
        assertThat(parser.nonNumericFields()).isEqualTo(1);
    }

    @Test
    void shouldSkipAndCountStringsWithEscapesAndSeparatorsInside() {
        assertThat(
                        parse(
                                "m s=\"\\\"string\\\" within, a = string \\\\\",x=2,t=\"\",u=\"# no"
                                        + " comment\" 0"))
                .containsExactly(new Sample("m x", 0, 2));
        assertThat(parser.nonNumericFields()).isEqualTo(3);
        assertThat(parser.lines()).isEqualTo(1);
    }

    @Test
    void shouldAcceptALineWithOnlyNonNumericFields() {
        assertThat(parse("m s=\"x\",b=true 0")).isEmpty();
        assertThat(parser.lines()).isEqualTo(1);
        assertThat(parser.nonNumericFields()).isEqualTo(2);
        assertThat(parser.rejectedLines()).isZero();
    }

    @Test
    void shouldDropAndCountNonFiniteValues() {
        assertThat(parse("m a=1e999,b=-1e999,c=1 0")).containsExactly(new Sample("m c", 0, 1));
        assertThat(parser.nonFiniteValues()).isEqualTo(2);
        assertThat(parser.rejectedLines()).isZero();
    }

    // ------------------------------------------------------------------ special characters

    @Test
    void shouldUnescapeCommaAndSpaceInTheMeasurement() {
        assertThat(parse("my\\ Measurement,t=1 f=1 0").get(0).key())
                .isEqualTo("my\\ Measurement,t=1 f");
        assertThat(parse("my\\,m f=1 0").get(0).key()).isEqualTo("my\\,m f");
    }

    @Test
    void shouldKeepEqualsSignLiteralInTheMeasurement() {
        // '=' needs no escape in a measurement, and "\=" is not an escape there: both stay.
        assertThat(parse("a=b f=1 0").get(0).key()).isEqualTo("a=b f");
        assertThat(parse("a\\=b f=1 0").get(0).key()).isEqualTo("a\\=b f");
    }

    @Test
    void shouldUnescapeCommaEqualsAndSpaceInTagsAndFieldKeys() {
        assertThat(
                        parse("m,tag\\ Key1=tag\\ Value1,k\\,2=v\\=2 field\\ \\=\\,key=1 0")
                                .get(0)
                                .key())
                .isEqualTo("m,k\\,2=v\\=2,tag\\ Key1=tag\\ Value1 field\\ \\=\\,key");
    }

    @Test
    void shouldSortTagsByTheirUnescapedKeys() {
        // Unescaped, "a b" < "a,b" < "aB" (0x20 < 0x2c < 0x42): the reference's canonical example.
        assertThat(parse("foo,aB=y,a\\,b=z,a\\ b=x value=99 0").get(0).key())
                .isEqualTo("foo,a\\ b=x,a\\,b=z,aB=y value");
    }

    @Test
    void shouldLeaveUnsupportedEscapesInPlace() {
        assertThat(parse("m,t=TLM\\x0201 f\\\"=1 0").get(0).key())
                .isEqualTo("m,t=TLM\\x0201 f\\\"");
    }

    @Test
    void shouldReadBackslashesAsTheReferenceTableSays() {
        // \ -> \, \\ -> \, \\\ -> \\, \\\\ -> \\, \\\\\ -> \\\, \\\\\\ -> \\\  (inside a tag value)
        String[] written = {"\\", "\\\\", "\\\\\\", "\\\\\\\\", "\\\\\\\\\\", "\\\\\\\\\\\\"};
        int[] meant = {1, 1, 2, 2, 3, 3};
        for (int i = 0; i < written.length; i++) {
            Sample s = parse("m,t=a" + written[i] + "b f=1 0").get(0);
            // Canonical form writes each backslash once unless another backslash follows it.
            assertThat(s.key())
                    .as(written[i])
                    .isEqualTo(canonicalBackslashes("m,t=a", meant[i], "b f"));
        }
    }

    private static String canonicalBackslashes(String before, int n, String after) {
        // n backslashes followed by 'b': every backslash but the last is followed by one.
        return before + "\\\\".repeat(n - 1) + "\\" + after;
    }

    @Test
    void shouldGiveTwoSpellingsOfOneKeyTheSameId() {
        parse("m,t=a\\b,u=1 f=1 0\nm,u=1,t=a\\\\b f=2 0");
        assertThat(arena.keyId(0)).isEqualTo(arena.keyId(1));
        assertThat(arena.keyCount()).isEqualTo(1);
    }

    @Test
    void shouldEscapeABackslashThatEndsAnElementOrPrecedesAnEscapedCharacter() {
        // The tag value is "a\" (escaped as a\\) and then "x\,": written back so it reads the same.
        assertThat(parse("m,t=a\\\\,u=x\\\\\\, f=1 0").get(0).key())
                .isEqualTo("m,t=a\\\\,u=x\\\\\\, f");
    }

    @Test
    void shouldAcceptUtf8AndQuotesInKeys() {
        assertThat(parse("joe'smeasurement,pat'sTag=tag1,tagKey=🍭 \"f\"=100 0").get(0).key())
                .isEqualTo("joe'smeasurement,pat'sTag=tag1,tagKey=🍭 \"f\"");
    }

    // ------------------------------------------------------------------ timestamps

    @ParameterizedTest
    @CsvSource({
        "ns, 1556813561098765432, 1556813561098",
        "ns, 1999999, 1",
        "ns, 0, 0",
        "us, 1556813561098765, 1556813561098",
        "ms, 1556813561098, 1556813561098",
        "s, 1556813561, 1556813561000",
        "ns, 9223372036854775807, 9223372036854",
        "s, 9223372036, 9223372036000",
    })
    void shouldConvertTimestampsToMillisecondsByFloorDivision(
            String precision, long timestamp, long expectedMs) {
        use(new LineProtocolParser(TimestampPrecision.of(precision), GroupKeySpec.series()));
        assertThat(parse("m f=1 " + timestamp)).containsExactly(new Sample("m f", expectedMs, 1));
    }

    @Test
    void shouldReadTimestampsWithLeadingZerosBeyondNineteenDigits() {
        assertThat(parse("m f=1 000000001556813561098765432"))
                .containsExactly(new Sample("m f", 1556813561098L, 1));
        assertThat(parse("m f=1 09223372036854775807"))
                .containsExactly(new Sample("m f", 9223372036854L, 1));
        assertThat(parse("m f=1 -0000000000000000000000")).containsExactly(new Sample("m f", 0, 1));
        assertRejected("m f=1 09223372036854775808", "timestamp_out_of_range", 6);
        assertRejected("m f=1 18446744073709551617", "timestamp_out_of_range", 6);
        assertRejected("m f=1 0000000000000000000000x", "bad_timestamp", 28);
    }

    // ------------------------------------------------------------------ group keys

    @Test
    void shouldKeepOnlyTheGroupByTags() {
        use(
                new LineProtocolParser(
                        TimestampPrecision.NANOSECONDS,
                        GroupKeySpec.keep(List.of("region", "az"))));
        assertThat(
                        parse(
                                "cpu,host=a,region=eu,az=1,dc=x usage=1 0\ncpu,host=b,region=eu,az=1 usage=2 0"))
                .containsExactly(
                        new Sample("cpu,az=1,region=eu usage", 0, 1),
                        new Sample("cpu,az=1,region=eu usage", 0, 2));
        assertThat(arena.keyCount()).isEqualTo(1);
    }

    @Test
    void shouldDropTheWithoutTags() {
        use(
                new LineProtocolParser(
                        TimestampPrecision.NANOSECONDS, GroupKeySpec.drop(List.of("host"))));
        assertThat(parse("cpu,host=a,region=eu usage=1 0"))
                .containsExactly(new Sample("cpu,region=eu usage", 0, 1));
    }

    @Test
    void shouldAnnounceEachGroupKeyOncePerParser() {
        parse("cpu,host=a usage=1 0\ncpu,host=a usage=2 0");
        assertThat(arena.keyCount()).isEqualTo(1);
        parse("cpu,host=a usage=3 0\ncpu,host=b usage=4 0");
        assertThat(arena.keyCount()).isEqualTo(1);
        assertThat(dictionary).hasSize(2);
    }

    @Test
    void shouldMapAFrameSeriesKeyToItsGroupKey() {
        SeriesKeyBuilder b = new SeriesKeyBuilder(GroupKeySpec.keep(List.of("region")), 256);
        byte[] key = "cpu,host=h-1,region=eu-2 usage_user".getBytes(StandardCharsets.UTF_8);
        long id = b.groupIdOfSeriesKey(key, 0, key.length);
        assertThat(new String(b.key(), 0, b.keyLength(), StandardCharsets.UTF_8))
                .isEqualTo("cpu,region=eu-2 usage_user");
        assertThat(id).isEqualTo(id("cpu,region=eu-2 usage_user"));
        byte[] odd = "no field part".getBytes(StandardCharsets.UTF_8);
        b.groupIdOfSeriesKey(odd, 0, 2);
        assertThat(new String(b.key(), 0, b.keyLength(), StandardCharsets.UTF_8)).isEqualTo("no");
    }

    // ------------------------------------------------------------------ rejected lines

    @Test
    void shouldRejectOnlyTheBadLinesOfARecord() {
        String good1 = "cpu,host=a usage=1 1000000";
        String bad = "cpu,host=a usage=oops 1000000";
        String good2 = "cpu,host=a usage=3 3000000";
        List<Sample> samples = parse(good1 + "\n" + bad + "\n" + good2 + "\n");
        assertThat(samples).extracting(Sample::value).containsExactly(1.0, 3.0);
        assertThat(parser.rejectedLines()).isEqualTo(1);
        assertThat(parser.rejectedReason(0)).isEqualTo("bad_field_value");
        int lineStart = good1.length() + 1;
        assertThat(parser.rejectedLineStart(0)).isEqualTo(3 + lineStart);
        assertThat(parser.rejectedLineLength(0)).isEqualTo(bad.length());
        assertThat(parser.rejectedPosition(0)).isEqualTo(lineStart + bad.indexOf("oops"));
    }

    @Test
    void shouldRejectALineOverTheSizeLimit() {
        use(new LineProtocolParser(TimestampPrecision.NANOSECONDS, GroupKeySpec.series(), 16, 256));
        parse("m f=1 0\nmeasurement,host=abcdef f=1 0\nm f=2 0");
        assertThat(arena.size()).isEqualTo(2);
        assertThat(parser.rejectedReason(0)).isEqualTo("line_too_long");
        assertThat(parser.rejectedPosition(0)).isEqualTo(8 + 16);
        assertThat(parser.rejectedLineLength(0)).isEqualTo(29);
    }

    @Test
    void shouldRejectBadUtf8() {
        byte[] line = "m,t=ab f=1 0".getBytes(StandardCharsets.UTF_8);
        line[5] = (byte) 0xC0; // overlong lead byte
        parse(line);
        assertThat(parser.rejectedReason(0)).isEqualTo("bad_utf8");
        assertThat(parser.rejectedPosition(0)).isEqualTo(5);
    }

    @Test
    void shouldRejectTooManyTags() {
        use(new LineProtocolParser(TimestampPrecision.NANOSECONDS, GroupKeySpec.series(), 1024, 2));
        assertThat(parse("m,a=1,b=2 f=1 0")).hasSize(1);
        assertRejected("m,a=1,b=2,c=3 f=1 0", "too_many_tags", 10);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                // reason | line | position of the problem
                "missing_measurement | ,t=a f=1 0 | 0",
                "missing_measurement | ' ,t=a f=1' | 1",
                "missing_fields | cpu | 3",
                "missing_fields | cpu,host=a | 10",
                "missing_fields | 'cpu   ' | 3",
                "bad_tag | cpu,host f=1 | 8",
                "bad_tag | cpu,host | 8",
                "bad_tag | cpu,=a f=1 | 4",
                "bad_tag | cpu,host= f=1 | 9",
                "bad_tag | cpu,host=a=b f=1 | 10",
                "bad_tag | cpu, f=1 | 4",
                "bad_tag | 'cpu,host=a, f=1' | 11",
                "duplicate_tag | cpu,a=1,b=2,a=3 f=1 | 12",
                "bad_escape | cpu\\ | 3",
                "bad_escape | cpu,t=a\\ | 7",
                "bad_escape | cpu f\\ | 5",
                "bad_field | cpu f | 5",
                "bad_field | cpu =1 | 4",
                "bad_field | cpu f=1, | 8",
                "bad_field | 'cpu f=1, g=2' | 8",
                "bad_field | cpu f=1,,g=2 | 8",
                "bad_field | cpu f,g=1 | 5",
                "bad_field_value | cpu f= | 6",
                "bad_field_value | cpu f=,g=1 | 6",
                "bad_field_value | cpu f=abc | 6",
                "bad_field_value | cpu f=NaN | 6",
                "bad_field_value | cpu f=inf | 6",
                "bad_field_value | cpu f=tru | 6",
                "bad_field_value | cpu f=+1 | 6",
                "bad_field_value | cpu f=\"a\"x | 9",
                "bad_number | cpu f=1.2.3 | 9",
                "bad_number | cpu f=12x | 8",
                "bad_number | cpu f=1e | 6",
                "bad_number | cpu f=1e+ | 6",
                "bad_number | cpu f=- | 6",
                "bad_number | cpu f=. | 6",
                "bad_number | cpu f=-.e1 | 6",
                "bad_number | cpu f=1.5i | 9",
                "bad_number | cpu f=1e3u | 9",
                "bad_number | cpu f=1ii | 7",
                "bad_number | cpu f=9223372036854775808i | 6",
                "bad_number | cpu f=-9223372036854775809i | 6",
                "bad_number | cpu f=-1u | 6",
                "bad_number | cpu f=18446744073709551616u | 6",
                "bad_number | cpu f=0x10 | 7",
                "bad_number | cpu f=1.23456789x123 | 16",
                "bad_number | cpu f=12345678901234567x | 23",
                "unterminated_string | cpu f=\"abc | 6",
                "unterminated_string | cpu f=\"abc\\\" | 6",
                "bad_timestamp | cpu f=1 12a | 10",
                "bad_timestamp | cpu f=1 1 2 | 9",
                "bad_timestamp | cpu f=1 - | 8",
                "bad_timestamp | cpu f=1 1.5 | 9",
                "bad_timestamp | cpu f=1 1556813561x98000000 | 18",
                "bad_timestamp | cpu f=1 15568135610980000x0 | 25",
                "timestamp_out_of_range | cpu f=1 -1 | 8",
                "timestamp_out_of_range | cpu f=1 9223372036854775808 | 8",
                "timestamp_out_of_range | cpu f=1 99999999999999999999 | 8",
            })
    void shouldRejectMalformedLinesWithReasonAndPosition(String reason, String line, int position) {
        assertRejected(line, reason, position);
    }

    @Test
    void shouldRejectTimestampsBeyondTheRangeAfterConversion() {
        use(new LineProtocolParser(TimestampPrecision.SECONDS, GroupKeySpec.series()));
        assertRejected("m f=1 9223372036855", "timestamp_out_of_range", 6);
        assertRejected("m f=1 9223372036854775807", "timestamp_out_of_range", 6);
        use(new LineProtocolParser(TimestampPrecision.MILLISECONDS, GroupKeySpec.series()));
        assertRejected("m f=1 9223372036855", "timestamp_out_of_range", 6);
    }

    @Test
    void shouldRejectAWholeLineWhenALaterPartIsBad() {
        // The first field is fine, but the line is one point: nothing of it is used.
        assertRejected("cpu a=1,b=x 0", "bad_field_value", 10);
        assertRejected("cpu a=1 nope", "bad_timestamp", 8);
    }

    @Test
    void shouldReuseArenaSegmentsAcrossRecords() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            text.append("m,h=").append(i % 7).append(" f=").append(i).append(" 0\n");
        }
        byte[] record = text.toString().getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 5; round++) {
            arena.reset();
            assertThat(parser.parse(record, 0, record.length, 0, arena)).isEqualTo(3000);
            assertThat(arena.value(2999)).isEqualTo(2999.0);
        }
        assertThat(arena.segmentsAllocated()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- cached series

    @ParameterizedTest
    @ValueSource(strings = {"series", "keep", "drop"})
    void shouldGiveEachLineTheResultOfAFreshParserWhenSeriesRepeat(String mode) {
        GroupKeySpec spec =
                switch (mode) {
                    case "keep" -> GroupKeySpec.keep(List.of("host", "a b"));
                    case "drop" -> GroupKeySpec.drop(List.of("host"));
                    default -> GroupKeySpec.series();
                };
        long seed = System.nanoTime();
        java.util.Random random = new java.util.Random(seed);
        // More distinct series than the cache starts with (so it grows while lines hit), fields
        // in changing order, more fields than an entry keeps, escapes, long sections, bad lines.
        // (Replaced entries: shouldGiveEverySeriesItsOwnIdWhenSeriesOutnumberTheCache.)
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12_000; i++) {
            lines.add(randomLine(random));
        }
        // Expected: each line alone, by a parser that has seen nothing.
        List<List<String>> expected = new ArrayList<>();
        for (String line : lines) {
            expected.add(
                    parseLine(
                            new LineProtocolParser(TimestampPrecision.NANOSECONDS, spec, 4096, 64),
                            line));
        }
        // Each line alone again, by one parser that keeps its cache from line to line.
        LineProtocolParser warm =
                new LineProtocolParser(TimestampPrecision.NANOSECONDS, spec, 4096, 64);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < lines.size(); i++) {
                assertThat(parseLine(warm, lines.get(i)))
                        .as("seed %d, round %d, line %s", seed, round, lines.get(i))
                        .isEqualTo(expected.get(i));
            }
        }
        // And all lines as one record: the same samples and rejections, in line order.
        List<String> all = new ArrayList<>();
        expected.forEach(e -> all.addAll(e.stream().filter(x -> x.startsWith("s")).toList()));
        expected.forEach(e -> all.addAll(e.stream().filter(x -> x.startsWith("r")).toList()));
        byte[] bytes = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        try (IngestArena a = new IngestArena()) {
            warm.parse(bytes, 0, bytes.length, DEFAULT_MS, a);
            List<String> actual = results(warm, a);
            assertThat(actual.subList(0, actual.size() - 1)).as("seed %d", seed).isEqualTo(all);
        }
    }

    private static List<String> parseLine(LineProtocolParser p, String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        try (IngestArena a = new IngestArena()) {
            p.parse(b, 0, b.length, DEFAULT_MS, a);
            return results(p, a);
        }
    }

    @Test
    void shouldLeaveSeriesThatDoNotRepeatToTheBuilderAndTryTheCacheAgainLater() {
        LineProtocolParser p = new LineProtocolParser();
        // The cache keeps every new series while it can grow, then steps aside within a check.
        final int churnLines = SeriesIdCache.MAX_SLOTS / 2 + 2 * SeriesIdCache.CHECK_EVERY;
        StringBuilder churn = new StringBuilder();
        for (int i = 0; i < churnLines; i++) {
            churn.append("m,host=h").append(i).append(" f=").append(i).append(" 0\n");
        }
        byte[] newSeries = churn.toString().getBytes(StandardCharsets.UTF_8);
        byte[] oneSeries =
                "m,host=a f=1 0\n"
                        .repeat(SeriesIdCache.BYPASS_LINES)
                        .getBytes(StandardCharsets.UTF_8);
        try (IngestArena a = new IngestArena()) {
            assertThat(p.parse(newSeries, 0, newSeries.length, 0, a)).isEqualTo(churnLines);
            assertThat(p.seriesCacheBypassed()).isTrue();
            assertThat(a.keyId(churnLines - 1)).isEqualTo(id("m,host=h" + (churnLines - 1) + " f"));
            // Repeating series while bypassed: still the builder's ids; then the cache again.
            a.reset();
            p.parse(oneSeries, 0, oneSeries.length, 0, a);
            assertThat(p.seriesCacheBypassed()).isFalse();
            a.reset();
            p.parse(oneSeries, 0, oneSeries.length, 0, a);
            assertThat(p.seriesCacheBypassed()).isFalse();
            for (int i = 0; i < a.size(); i += 997) {
                assertThat(a.keyId(i)).isEqualTo(id("m,host=a f"));
            }
        }
    }

    @Test
    void shouldGiveEverySeriesItsOwnIdWhenSeriesOutnumberTheCache() {
        // Three times the series the cache can index, two rounds: growth, replacement, bypass.
        final int series = 3 * SeriesIdCache.MAX_SLOTS;
        StringBuilder text = new StringBuilder();
        for (int s = 0; s < series; s++) {
            text.append("cpu,host=h").append(s).append(",dc=d").append(s % 5);
            text.append(" b=").append(s).append(",a=1 0\n");
        }
        byte[] record = text.toString().getBytes(StandardCharsets.UTF_8);
        try (IngestArena a = new IngestArena()) {
            for (int round = 0; round < 2; round++) {
                a.reset();
                assertThat(parser.parse(record, 0, record.length, 0, a)).isEqualTo(2 * series);
                assertThat(a.keyCount()).isEqualTo(round == 0 ? 2 * series : 0);
                for (int s = 0; s < series; s += 7) {
                    String prefix = "cpu,dc=d" + (s % 5) + ",host=h" + s;
                    assertThat(a.keyId(2 * s))
                            .as("round %d, series %d", round, s)
                            .isEqualTo(id(prefix + " b"));
                    assertThat(a.keyId(2 * s + 1))
                            .as("round %d, series %d", round, s)
                            .isEqualTo(id(prefix + " a"));
                    assertThat(a.value(2 * s)).isEqualTo(s);
                }
            }
        }
    }

    @Test
    void shouldTellCachedFieldKeysApartByEveryByte() {
        // Keys of 1 to 20 bytes (compared as words up to 15, then as arrays) that differ only in
        // their first or their last byte, in the same position of lines of one series.
        for (int length = 1; length <= 20; length++) {
            String stem = "k".repeat(length - 1);
            for (String[] pair :
                    new String[][] {{stem + "a", stem + "b"}, {"a" + stem, "b" + stem}}) {
                for (String timestamp : new String[] {" 1000000", ""}) {
                    List<Sample> samples =
                            parse(
                                    "m,t=x "
                                            + pair[0]
                                            + "=1"
                                            + timestamp
                                            + "\nm,t=x "
                                            + pair[1]
                                            + "=2"
                                            + timestamp
                                            + "\nm,t=x "
                                            + pair[0]
                                            + "x=3"
                                            + timestamp);
                    assertThat(samples)
                            .extracting(Sample::key)
                            .containsExactly(
                                    "m,t=x " + pair[0],
                                    "m,t=x " + pair[1],
                                    "m,t=x " + pair[0] + "x");
                }
            }
        }
    }

    /**
     * The samples (id, time, value), the rejections (reason, position in the line) and the counters
     * of the last parse of {@code p} into {@code a}.
     */
    private static List<String> results(LineProtocolParser p, IngestArena a) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add("sample " + a.keyId(i) + " " + a.timestamp(i) + " " + a.value(i));
        }
        for (int i = 0; i < p.rejectedLines(); i++) {
            long at = p.rejectedPosition(i) - p.rejectedLineStart(i);
            out.add("rejected " + p.rejectedReason(i) + " at " + at);
        }
        out.add("counts " + p.nonNumericFields() + " " + p.nonFiniteValues());
        return out;
    }

    private static String randomLine(java.util.Random r) {
        StringBuilder s = new StringBuilder();
        s.append(r.nextInt(20) == 0 ? "disk\\ io" : r.nextBoolean() ? "cpu" : "mem");
        List<String> tags = new ArrayList<>();
        tags.add("host=h" + r.nextInt(r.nextInt(10) == 0 ? 5000 : 30));
        tags.add("region=eu-" + r.nextInt(3));
        if (r.nextInt(4) == 0) {
            tags.add("a\\ b=" + (r.nextBoolean() ? "x\\,y" : "z"));
        }
        if (r.nextInt(30) == 0) {
            tags.add("long=" + "v".repeat(200 + r.nextInt(100)));
        }
        if (r.nextInt(200) == 0) {
            tags.add("region=dup");
        }
        java.util.Collections.shuffle(tags, r);
        for (String t : tags) {
            s.append(',').append(t);
        }
        s.append(' ');
        int fields = 1 + (r.nextInt(10) == 0 ? 40 : r.nextInt(4));
        List<String> names = new ArrayList<>();
        for (int f = 0; f < fields; f++) {
            int k = f + r.nextInt(2);
            names.add(
                    switch (r.nextInt(8)) {
                        case 0 -> "f\\=" + k;
                        case 1 -> "a_rather_long_field_name_" + k;
                        case 2 -> "field_name_" + k;
                        case 3 -> "k" + k;
                        default -> "field_" + k;
                    });
        }
        if (r.nextBoolean()) {
            java.util.Collections.shuffle(names, r);
        }
        for (int f = 0; f < names.size(); f++) {
            if (f > 0) {
                s.append(',');
            }
            s.append(names.get(f)).append('=');
            switch (r.nextInt(12)) {
                case 0 -> s.append("\"str\"");
                case 1 -> s.append('t');
                case 2 -> s.append(r.nextInt(100)).append('i');
                case 3 -> s.append("1e999");
                case 4 -> s.append(r.nextInt(200) == 0 ? "oops" : "7u");
                default -> s.append(r.nextDouble() * 100);
            }
        }
        if (r.nextBoolean()) {
            s.append(' ').append(1_700_000_000_000_000_000L + r.nextInt(1_000_000));
        }
        return s.toString();
    }

    // ---------------------------------------------------------------- origins

    /** The pieces a tracking parser remembers of a line, as strings. */
    private static List<String> origins(LineProtocolParser tracking, String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        try (IngestArena a = new IngestArena()) {
            int n = tracking.parse(b, 0, b.length, DEFAULT_MS, a);
            assertThat(tracking.lastLineSamples()).isEqualTo(n);
            List<String> pieces = new ArrayList<>();
            if (tracking.lastLineStart() < 0) {
                return pieces;
            }
            pieces.add(text(b, tracking.lastLineStart(), tracking.lastSeriesEnd()));
            for (int k = 0; k < n; k++) {
                pieces.add(text(b, tracking.fieldStart(k), tracking.fieldEnd(k)));
            }
            int ts = tracking.lastTimestampStart();
            pieces.add(ts < 0 ? "-" : text(b, ts, tracking.lastLineEnd()));
            return pieces;
        }
    }

    private static String text(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    @Test
    void trackingParserRemembersWhereEachSampleCameFrom() {
        LineProtocolParser tracking =
                LineProtocolParser.tracking(TimestampPrecision.NANOSECONDS, GroupKeySpec.series());
        assertThat(origins(tracking, "cpu,host=a usage=1.5,state=\"x y\",idle=2i,ok=t 17\n"))
                .containsExactly("cpu,host=a", "usage=1.5", "idle=2i", "17");
        // Escapes stay as they were; leading and trailing blanks are not part of the line.
        assertThat(origins(tracking, "  disk\\ io,path=/a\\ b,host=h  r\\=x=3u\t"))
                .containsExactly("disk\\ io,path=/a\\ b,host=h", "r\\=x=3u", "-");
        // A non-finite number adds no sample, so it has no origin either.
        assertThat(origins(tracking, "m f=1e999,g=2 5")).containsExactly("m", "g=2", "5");
        // A rejected line leaves nothing behind.
        assertThat(origins(tracking, "m f=oops 5")).isEmpty();
        assertThat(tracking.lastLineSamples()).isZero();
    }

    @Test
    void trackingParserRemembersOriginsOfCachedSeriesToo() {
        LineProtocolParser tracking =
                LineProtocolParser.tracking(TimestampPrecision.NANOSECONDS, GroupKeySpec.series());
        String line = "cpu,host=a usage=1.5,state=\"x y\",idle=2i,ok=t 17";
        List<String> first = origins(tracking, line);
        // The second time the series section and its field keys come from the cache.
        assertThat(origins(tracking, "  " + line + " ")).isEqualTo(first);
        assertThat(origins(tracking, "cpu,host=a idle=3i,new=4,usage=2"))
                .containsExactly("cpu,host=a", "idle=3i", "new=4", "usage=2", "-");
        assertThat(origins(tracking, "cpu,host=a idle=3i,m=oops")).isEmpty();
    }

    @Test
    void onlyTheTrackingParserRemembersOrigins() {
        byte[] b = "m f=1 5".getBytes(StandardCharsets.UTF_8);
        parser.parse(b, 0, b.length, DEFAULT_MS, arena);
        assertThat(parser.lastLineStart()).isEqualTo(-1);
        assertThat(parser.lastLineSamples()).isZero();
    }

    @Test
    void fromMillisIsTheInverseOfToMillisDownToItsUnit() {
        for (TimestampPrecision p : TimestampPrecision.values()) {
            assertThat(p.toMillis(p.fromMillis(1_767_225_600_123L)))
                    .as(p.code())
                    .isEqualTo(
                            p == TimestampPrecision.SECONDS
                                    ? 1_767_225_600_000L
                                    : 1_767_225_600_123L);
        }
        assertThat(TimestampPrecision.NANOSECONDS.fromMillis(7_000L)).isEqualTo(7_000_000_000L);
        assertThat(TimestampPrecision.SECONDS.fromMillis(-1L)).isEqualTo(-1L);
    }
}

package io.tsagg.serde.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.output.Stat;
import io.tsagg.serde.record.WindowResult;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tests for {@link WindowResultJsonEncoder}. */
class WindowResultJsonEncoderTest {

    @Test
    void shouldWriteDocumentedLayoutWhenResultIsComplete() {
        final WindowResultJsonEncoder encoder = new WindowResultJsonEncoder("p50");
        final WindowResult r = result("cpu,host=a usage_user", 2.0);

        final String json = new String(encoder.encode(r), StandardCharsets.UTF_8);

        assertThat(json)
                .isEqualTo(
                        "{\"key\":\"cpu,host=a usage_user\",\"window_start\":0,\"window_end\":60000,"
                                + "\"count\":3,\"sum\":6.0,\"min\":1.0,\"max\":3.0,\"mean\":2.0,"
                                + "\"stddev\":1.0,\"first\":1.0,\"last\":3.0,\"p50\":2.0}");
    }

    @Test
    void shouldWriteOnlySelectedStatisticsWhenGivenASelection() {
        final WindowResultJsonEncoder encoder =
                new WindowResultJsonEncoder(EnumSet.of(Stat.MEAN, Stat.COUNT, Stat.STDDEV));

        final String json =
                new String(encoder.encode(result("cpu usage", 2.0)), StandardCharsets.UTF_8);

        assertThat(json)
                .isEqualTo(
                        "{\"key\":\"cpu usage\",\"window_start\":0,\"window_end\":60000,"
                                + "\"count\":3,\"mean\":2.0,\"stddev\":1.0}");
    }

    @Test
    void shouldEscapeQuoteBackslashAndControlCharsWhenKeyHasThem() {
        final String key = "a\"b\\c\nd\te\u0001f\u001F\u007F";
        final WindowResultJsonEncoder encoder = new WindowResultJsonEncoder();

        final String json = new String(encoder.encode(result(key)), StandardCharsets.UTF_8);

        assertThat(json)
                .startsWith("{\"key\":\"a\\\"b\\\\c\\u000ad\\u0009e\\u0001f\\u001f\u007F\",");
        assertThat(TinyJson.parseObject(json)).containsEntry("key", key);
    }

    @Test
    void shouldKeepUtf8BytesWhenKeyIsNotAscii() {
        final String key = "température,lieu=café ✓ \uD83D\uDE00";
        final WindowResultJsonEncoder encoder = new WindowResultJsonEncoder();

        final String json = new String(encoder.encode(result(key)), StandardCharsets.UTF_8);

        assertThat(TinyJson.parseObject(json)).containsEntry("key", key);
    }

    @Test
    void shouldWriteNullWhenStatisticIsNotFinite() {
        final WindowResult r = result("k", Double.POSITIVE_INFINITY);
        r.setStats(1, Double.NaN, Double.NEGATIVE_INFINITY, 5.0, 5.0, Double.NaN, 5.0, 5.0);
        final WindowResultJsonEncoder encoder = new WindowResultJsonEncoder("p99");

        final String json = new String(encoder.encode(r), StandardCharsets.UTF_8);
        final Map<String, Object> parsed = TinyJson.parseObject(json);

        assertThat(json).contains("\"stddev\":null").contains("\"p99\":null");
        assertThat(parsed)
                .containsEntry("sum", null)
                .containsEntry("min", null)
                .containsEntry("stddev", null)
                .containsEntry("p99", null)
                .containsEntry("max", 5.0);
    }

    @Test
    void shouldNameQuantileFieldsWhenQuantilesAreConfigured() {
        final WindowResultJsonEncoder encoder = new WindowResultJsonEncoder("p50", "p99", "p99_9");

        final Map<String, Object> parsed =
                TinyJson.parseObject(
                        new String(
                                encoder.encode(result("k", 1.5, 9.25, 9.875)),
                                StandardCharsets.UTF_8));

        assertThat(parsed)
                .containsEntry("p50", 1.5)
                .containsEntry("p99", 9.25)
                .containsEntry("p99_9", 9.875);
        assertThat(parsed.keySet())
                .containsExactly(
                        "key",
                        "window_start",
                        "window_end",
                        "count",
                        "sum",
                        "min",
                        "max",
                        "mean",
                        "stddev",
                        "first",
                        "last",
                        "p50",
                        "p99",
                        "p99_9");
    }

    @Test
    void shouldWriteOnlyNamedQuantilesWhenResultHasMoreThanConfigured() {
        final WindowResultJsonEncoder encoder = new WindowResultJsonEncoder("p50");

        final Map<String, Object> parsed =
                TinyJson.parseObject(
                        new String(
                                encoder.encode(result("k", 1.0, 2.0, 3.0)),
                                StandardCharsets.UTF_8));

        assertThat(parsed).containsEntry("p50", 1.0).hasSize(12);
    }

    @Test
    void shouldProduceValidJsonWhenResultsAreRandom() {
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final WindowResultJsonEncoder encoder = new WindowResultJsonEncoder("p50", "p90");
        final WindowResult r = new WindowResult();

        for (int i = 0; i < 500; i++) {
            final StringBuilder key = new StringBuilder();
            final int length = random.nextInt(i < 10 ? 5_000 : 60);
            for (int c = 0; c < length; c++) {
                key.appendCodePoint(randomCodePoint(random));
            }
            final byte[] bytes = key.toString().getBytes(StandardCharsets.UTF_8);
            final double[] stats = new double[9];
            for (int s = 0; s < stats.length; s++) {
                stats[s] = randomDouble(random);
            }
            r.setKey(random.nextLong(), bytes, 0, bytes.length)
                    .setWindow(random.nextLong(), random.nextLong())
                    .setStats(
                            random.nextLong(),
                            stats[0],
                            stats[1],
                            stats[2],
                            stats[3],
                            stats[4],
                            stats[5],
                            stats[6]);
            r.quantileBuffer(2)[0] = stats[7];
            r.quantileBuffer(2)[1] = stats[8];
            r.quantilesFilled(2);

            final String json = new String(encoder.encode(r), StandardCharsets.UTF_8);
            final Map<String, Object> parsed = TinyJson.parseObject(json);

            assertThat(parsed).as("seed %d, doc %d", seed, i).hasSize(13);
            assertThat(parsed.get("key")).as("seed %d, doc %d", seed, i).isEqualTo(key.toString());
            assertThat(parsed.get("window_start"))
                    .as("seed %d, doc %d", seed, i)
                    .isEqualTo((double) r.windowStart());
            final String[] names = {"sum", "min", "max", "mean", "stddev", "first", "last"};
            for (int s = 0; s < names.length; s++) {
                assertThat(parsed.get(names[s]))
                        .as("seed %d, doc %d, %s", seed, i, names[s])
                        .isEqualTo(Double.isFinite(stats[s]) ? stats[s] : null);
            }
            assertThat(parsed.get("p90"))
                    .as("seed %d, doc %d", seed, i)
                    .isEqualTo(Double.isFinite(stats[8]) ? stats[8] : null);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static WindowResult result(String key, double... quantiles) {
        final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        final WindowResult r =
                new WindowResult()
                        .setKey(1L, bytes, 0, bytes.length)
                        .setWindow(0L, 60_000L)
                        .setStats(3, 6.0, 1.0, 3.0, 2.0, 1.0, 1.0, 3.0);
        System.arraycopy(quantiles, 0, r.quantileBuffer(quantiles.length), 0, quantiles.length);
        return r.quantilesFilled(quantiles.length);
    }

    private static int randomCodePoint(Random random) {
        switch (random.nextInt(5)) {
            case 0:
                return random.nextInt(0x20);
            case 1:
                return "\"\\/".charAt(random.nextInt(3));
            case 2:
                return 0x80 + random.nextInt(0xD800 - 0x80);
            case 3:
                return 0x10000 + random.nextInt(0x10FFFF - 0x10000);
            default:
                return 0x20 + random.nextInt(0x60);
        }
    }

    private static double randomDouble(Random random) {
        switch (random.nextInt(6)) {
            case 0:
                return Double.NaN;
            case 1:
                return random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 2:
                return Double.longBitsToDouble(random.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL)
                        * (random.nextBoolean() ? 1 : -1);
            case 3:
                return random.nextBoolean() ? Double.MIN_VALUE : -0.0;
            default:
                return random.nextGaussian() * 1e6;
        }
    }

    /**
     * A strict parser for the flat documents the encoder writes: one object of string keys and
     * string, number or null values. Numbers become doubles. Throws on anything RFC 8259 forbids.
     */
    private static final class TinyJson {
        private final String s;
        private int i;

        private TinyJson(String s) {
            this.s = s;
        }

        static Map<String, Object> parseObject(String json) {
            final TinyJson p = new TinyJson(json);
            final Map<String, Object> object = new LinkedHashMap<>();
            p.expect('{');
            if (p.peek() != '}') {
                do {
                    final String name = p.string();
                    p.expect(':');
                    if (object.containsKey(name)) {
                        throw new IllegalArgumentException("duplicate field " + name);
                    }
                    object.put(name, p.value());
                } while (p.accept(','));
            }
            p.expect('}');
            if (p.i != json.length()) {
                throw new IllegalArgumentException("trailing characters at " + p.i + ": " + json);
            }
            return object;
        }

        private Object value() {
            final char c = peek();
            if (c == '"') {
                return string();
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            return number();
        }

        private String string() {
            expect('"');
            final StringBuilder out = new StringBuilder();
            while (true) {
                final char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw new IllegalArgumentException("raw control char at " + (i - 1));
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                final char e = s.charAt(i++);
                switch (e) {
                    case '"':
                    case '\\':
                    case '/':
                        out.append(e);
                        break;
                    case 'b':
                        out.append('\b');
                        break;
                    case 'f':
                        out.append('\f');
                        break;
                    case 'n':
                        out.append('\n');
                        break;
                    case 'r':
                        out.append('\r');
                        break;
                    case 't':
                        out.append('\t');
                        break;
                    case 'u':
                        out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default:
                        throw new IllegalArgumentException("bad escape \\" + e + " at " + i);
                }
            }
        }

        private double number() {
            final int start = i;
            accept('-');
            if (!accept('0')) {
                digits();
            }
            if (accept('.')) {
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                i++;
                if (!accept('+')) {
                    accept('-');
                }
                digits();
            }
            return Double.parseDouble(s.substring(start, i));
        }

        private void digits() {
            final int start = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == start) {
                throw new IllegalArgumentException("digit expected at " + i + ": " + s);
            }
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private boolean accept(char c) {
            if (peek() == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!accept(c)) {
                throw new IllegalArgumentException("'" + c + "' expected at " + i + ": " + s);
            }
        }
    }
}

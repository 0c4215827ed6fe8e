package io.tsagg.serde.ilp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tests for {@link SeriesIdCache}. */
class SeriesIdCacheTest {
    /** The most one entry can count for: a full section, all fields, all field-key bytes. */
    private static final long MAX_ONE_ENTRY = 2048;

    private final SeriesIdCache cache = new SeriesIdCache();

    @Test
    void shouldGrowSoThatTenThousandSeriesAllHit() {
        for (int s = 0; s < 10_000; s++) {
            assertThat(put(line(s, "usage_user"), id(s))).as("series %d", s).isTrue();
            assertThat(cache.hasCurrent()).isTrue();
        }
        assertThat(cache.slots()).isGreaterThanOrEqualTo(2 * 10_000);
        // A window of PROBES slots can still fill up while the table is under a quarter full
        // (clusters): then an entry is replaced, which happens to a handful of the 10,000.
        assertThat(cache.size()).isGreaterThan(9_990);
        for (int round = 0; round < 2; round++) {
            int hits = 0;
            for (int s = 0; s < 10_000; s++) {
                final long id = get(line(s, "usage_user"));
                if (id != MISSING) {
                    assertThat(id).as("series %d", s).isEqualTo(id(s));
                    hits++;
                }
            }
            assertThat(hits).isEqualTo(cache.size());
        }
    }

    @Test
    void shouldReturnOnlyRightIdsWhenSeriesOutnumberTheTable() {
        final int series = 3 * SeriesIdCache.MAX_SLOTS;
        for (int s = 0; s < series; s++) {
            final byte[] b = line(s, "f");
            if (get(b) == MISSING) {
                put(b, id(s));
            }
        }
        assertThat(cache.slots()).isEqualTo(SeriesIdCache.MAX_SLOTS);
        assertThat(cache.size()).isLessThanOrEqualTo(SeriesIdCache.MAX_SLOTS);
        int r0 = 0;
        for (int s = series - 1000; s < series; s++) {
            r0 += get(line(s, "f")) == id(s) ? 1 : 0;
        }
        System.out.println(
                "DEBUG size " + cache.size() + " bytes " + cache.entryBytes() + " recent " + r0);
        // Replaced entries miss; every hit is the series' own id.
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        int hits = 0;
        for (int i = 0; i < 100_000; i++) {
            final int s = random.nextInt(series);
            final long id = get(line(s, "f"));
            if (id != MISSING) {
                assertThat(id).as("seed %d, series %d", seed, s).isEqualTo(id(s));
                hits++;
            }
        }
        // The most recent series are mostly still there.
        int recent = 0;
        for (int s = series - 1000; s < series; s++) {
            recent += get(line(s, "f")) == id(s) ? 1 : 0;
        }
        assertThat(hits).isPositive();
        assertThat(recent).isGreaterThan(950);
    }

    @Test
    void shouldKeepItsEntriesWithinTheByteCap() {
        // Long sections, many long field keys: about 1.8 KiB an entry, so the cap binds first.
        final String tags = ",tag=" + "v".repeat(200);
        final StringBuilder fields = new StringBuilder();
        for (int f = 0; f < SeriesIdCache.MAX_FIELDS; f++) {
            fields.append(f == 0 ? "" : ",")
                    .append("field_")
                    .append(f)
                    .append("_")
                    .append("k".repeat(5));
        }
        final int series = 20_000;
        for (int s = 0; s < series; s++) {
            final byte[] b = ("m" + s + tags + " x=1").getBytes(StandardCharsets.UTF_8);
            final int space = indexOf(b, (byte) ' ');
            if (cache.lookup(b, 0, b.length) < 0) {
                cache.insert(b, space);
            }
            if (!cache.hasCurrent()) {
                continue;
            }
            final byte[] keys = fields.toString().getBytes(StandardCharsets.UTF_8);
            int p = 0;
            for (int f = 0; f < SeriesIdCache.MAX_FIELDS; f++) {
                int end = p;
                while (end < keys.length && keys[end] != ',') {
                    end++;
                }
                final byte[] field = new byte[end - p + 2];
                System.arraycopy(keys, p, field, 0, end - p);
                field[end - p] = '=';
                field[end - p + 1] = '1';
                if (cache.field(field, 0, end - p, f) < 0) {
                    cache.addField(field, 0, end - p, s * 100L + f);
                }
                p = end + 1;
            }
            assertThat(cache.entryBytes())
                    .as("series %d", s)
                    .isLessThanOrEqualTo(SeriesIdCache.MAX_ENTRY_BYTES + MAX_ONE_ENTRY);
        }
        assertThat(cache.entryBytes()).isGreaterThan(SeriesIdCache.MAX_ENTRY_BYTES / 2);
        // Entries of about 1.8 KiB: the cap, not the slots, bounds them.
        assertThat(cache.size()).isLessThan((int) (SeriesIdCache.MAX_ENTRY_BYTES / 1700));
    }

    @Test
    void shouldMissWhenOnlyTheFieldKeyOrOneByteOfTheSectionDiffers() {
        put(line(1, "usage_user"), 11);
        assertThat(get(line(1, "usage_user"))).isEqualTo(11);
        assertThat(get(line(1, "usage_usex"))).isEqualTo(MISSING);
        assertThat(
                        get(
                                "cpu,host=server-2,region=eu-0 usage_user=1"
                                        .getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(MISSING);
        assertThat(get(line(11, "usage_user"))).isEqualTo(MISSING);
    }

    // ---------------------------------------------------------------- helpers

    private static final long MISSING = Long.MIN_VALUE;

    private static byte[] line(int s, String field) {
        return ("cpu,host=server-" + s + ",region=eu-" + (s % 3) + " " + field + "=1")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static long id(int s) {
        return 1_000_003L * s + 7;
    }

    /** Caches the line's section and field with {@code id}; whether the section was a miss. */
    private boolean put(byte[] b, long id) {
        drainBypass();
        final int space = indexOf(b, (byte) ' ');
        final boolean missed = cache.lookup(b, 0, b.length) < 0;
        if (missed) {
            cache.insert(b, space);
        }
        if (cache.hasCurrent()) { // not when the byte cap leaves its window without entries
            cache.addField(b, space + 1, lastIndexOf(b, (byte) '='), id);
        }
        return missed;
    }

    /**
     * Ends a pause of the cache (see {@link SeriesIdCache#BYPASS_LINES}): these tests are about
     * what it holds, not about when it steps aside.
     */
    private void drainBypass() {
        final byte[] b = line(-1, "f");
        while (cache.bypassed()) {
            cache.lookup(b, 0, b.length);
        }
    }

    /** The cached id of the line's section and (first) field, or {@link #MISSING}. */
    private long get(byte[] b) {
        drainBypass();
        final int space = cache.lookup(b, 0, b.length);
        if (space < 0) {
            return MISSING;
        }
        final int equals = lastIndexOf(b, (byte) '=');
        final int f = cache.field(b, space + 1, equals, 0);
        return f < 0 ? MISSING : cache.id(f);
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] b, byte c) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}

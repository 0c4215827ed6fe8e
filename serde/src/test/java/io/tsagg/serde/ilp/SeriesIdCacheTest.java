package io.tsagg.serde.ilp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        // Long sections, many long field keys (stored after the field records): 1,768 bytes an
        // entry (2 + 27 words of header and section, 32 field records of 3, 96 words of keys), so
        // the cap binds first.
        final String tags = ",tag=" + "v".repeat(200);
        final StringBuilder fields = new StringBuilder();
        for (int f = 0; f < SeriesIdCache.MAX_FIELDS; f++) {
            fields.append(f == 0 ? "" : ",")
                    .append("field_")
                    .append(f)
                    .append("_")
                    .append("k".repeat(10));
        }
        final byte[] keys = fields.toString().getBytes(StandardCharsets.UTF_8);
        final int series = 20_000;
        for (int s = 0; s < series; s++) {
            drainBypass();
            final byte[] b = ("m" + s + tags + " x=1").getBytes(StandardCharsets.UTF_8);
            final int space = indexOf(b, (byte) ' ');
            if (cache.lookup(b, 0, b.length) < 0) {
                cache.insert(b, space);
            }
            if (!cache.hasCurrent()) {
                continue;
            }
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
            assertThat(cache.arenaBytes()).isLessThanOrEqualTo(SeriesIdCache.MAX_ENTRY_BYTES);
        }
        assertThat(cache.entryBytes()).isGreaterThan(SeriesIdCache.MAX_ENTRY_BYTES / 2);
        // Entries of about 1.8 KiB: the cap, not the slots, bounds them.
        assertThat(cache.size()).isLessThan((int) (SeriesIdCache.MAX_ENTRY_BYTES / 1700));
        assertThat(cache.slots()).isGreaterThan(2 * cache.size());
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

    @Test
    void shouldMoveAnEntryToTheArenasEndWhenItOutgrowsItsRoomAndIsNotLast() {
        put(line(1, "f0"), 100);
        final int first = offsetOf(line(1, "f0"));
        put(line(2, "f0"), 200); // now entry 1 is not the arena's last
        for (int f = 1; f <= SeriesIdCache.INITIAL_FIELDS; f++) {
            put(line(1, "f" + f), 100 + f);
        }
        assertThat(offsetOf(line(1, "f0"))).isGreaterThan(offsetOf(line(2, "f0")));
        assertThat(offsetOf(line(1, "f0"))).isNotEqualTo(first);
        assertThat(cache.deadBytes()).isPositive();
        for (int f = 0; f <= SeriesIdCache.INITIAL_FIELDS; f++) {
            assertThat(get(line(1, "f" + f))).as("field %d", f).isEqualTo(100 + f);
        }
        assertThat(get(line(2, "f0"))).isEqualTo(200);
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void shouldGrowTheArenasLastEntryWhereItIs() {
        put(line(1, "f0"), 100);
        final int offset = offsetOf(line(1, "f0"));
        for (int f = 1; f < SeriesIdCache.MAX_FIELDS; f++) {
            put(line(1, "f" + f), 100 + f);
        }
        assertThat(offsetOf(line(1, "f0"))).isEqualTo(offset);
        assertThat(cache.deadBytes()).isZero();
        for (int f = 0; f < SeriesIdCache.MAX_FIELDS; f++) {
            assertThat(get(line(1, "f" + f))).as("field %d", f).isEqualTo(100 + f);
        }
    }

    @Test
    void shouldCompactMovedEntriesAwayAndKeepEveryIdWhenTheArenaIsFull() {
        // Series of one field each fill the first arena, then each gets more fields and moves.
        final int series = 1_000;
        for (int s = 0; s < series; s++) {
            put(line(s, "f0"), id(s));
        }
        for (int f = 1; f < 12; f++) {
            for (int s = 0; s < series; s++) {
                put(line(s, "f" + f), id(s) + f);
            }
        }
        assertThat(cache.compactions()).isPositive();
        assertThat(cache.deadBytes()).isLessThan(cache.arenaBytes() / 4);
        assertThat(cache.entryBytes()).isLessThanOrEqualTo(cache.arenaBytes());
        for (int s = 0; s < series; s++) {
            for (int f = 0; f < 12; f++) {
                assertThat(get(line(s, "f" + f)))
                        .as("series %d field %d", s, f)
                        .isEqualTo(id(s) + f);
            }
        }
    }

    @Test
    void shouldCompactTheArenaWhenTheTableGrows() {
        // Every entry moves once (a fifth field) while the table is small; the table's growth
        // then leaves no dead words.
        final int series = 300;
        for (int f = 0; f <= SeriesIdCache.INITIAL_FIELDS; f++) {
            for (int s = 0; s < series; s++) {
                put(line(s, "f" + f), id(s) + f);
            }
        }
        assertThat(cache.slots()).isEqualTo(SeriesIdCache.MIN_SLOTS);
        final long dead = cache.deadBytes();
        final int compactions = cache.compactions();
        for (int s = SeriesIdCache.MIN_SLOTS / 2 - 1;
                cache.slots() == SeriesIdCache.MIN_SLOTS;
                s++) {
            put(line(s, "f0"), id(s));
        }
        assertThat(dead).isPositive();
        assertThat(cache.deadBytes()).isZero();
        assertThat(cache.compactions()).isGreaterThan(compactions);
        for (int s = 0; s < series; s++) {
            assertThat(get(line(s, "f" + SeriesIdCache.INITIAL_FIELDS)))
                    .isEqualTo(id(s) + SeriesIdCache.INITIAL_FIELDS);
        }
    }

    @Test
    void shouldTellLongFieldKeysApartByEveryByteAndLengthWhenStoredAfterTheFields() {
        // Keys of 14 to 33 bytes (460 together, under MAX_FIELD_BYTES): up to 15 as words, longer
        // ones after the field records.
        final List<String> keys = new ArrayList<>();
        for (int length : new int[] {14, 15, 16, 17, 23, 24, 25, 31, 32, 33}) {
            keys.add("a" + "k".repeat(length - 1));
            keys.add("k".repeat(length - 1) + "z");
        }
        long id = 1;
        for (String key : keys) {
            put(line(7, key), id++);
        }
        id = 1;
        for (String key : keys) {
            assertThat(get(line(7, key))).as(key).isEqualTo(id++);
            assertThat(get(line(7, key + "x"))).as(key + "x").isEqualTo(MISSING);
            final int mid = key.length() / 2;
            final String other = key.substring(0, mid) + "q" + key.substring(mid + 1);
            assertThat(get(line(7, other))).as(other).isEqualTo(MISSING);
        }
        assertThat(cache.entryBytes()).isLessThanOrEqualTo(cache.arenaBytes());
    }

    @Test
    void shouldMatchTheFieldAtItsPositionWhetherShortOrLongOrNearTheEnd() {
        final String longKey = "usage_guest_nice_total";
        final byte[] b =
                ("cpu,host=a usage_user=1," + longKey + "=2,x=3").getBytes(StandardCharsets.UTF_8);
        final int space = indexOf(b, (byte) ' ');
        assertThat(cache.lookup(b, 0, b.length)).isEqualTo(-1);
        cache.insert(b, space);
        final int user = space + 1;
        final int guest = user + "usage_user=1,".length();
        final int x = guest + longKey.length() + 3;
        cache.addField(b, user, user + 10, 1);
        cache.addField(b, guest, guest + longKey.length(), 2);
        cache.addField(b, x, x + 1, 3);
        assertThat(cache.lookup(b, 0, b.length)).isEqualTo(space);
        assertThat(cache.fieldAt(b, user, b.length, 0)).isEqualTo(user + 10);
        assertThat(cache.fieldAt(b, guest, b.length, 1)).isEqualTo(guest + longKey.length());
        assertThat(cache.fieldAt(b, x, b.length, 2)).isEqualTo(x + 1); // 3 bytes to the end
        assertThat(cache.fieldAt(b, user, b.length, 1)).isEqualTo(-1);
        assertThat(cache.fieldAt(b, guest, b.length, 0)).isEqualTo(-1);
        assertThat(cache.fieldAt(b, guest, b.length, 2)).isEqualTo(-1);
        assertThat(cache.fieldAt(b, x, b.length, 3)).isEqualTo(-1);
        // A key cut off by the end of the line is no match.
        assertThat(cache.fieldAt(b, guest, guest + longKey.length(), 1)).isEqualTo(-1);
        assertThat(cache.fieldAt(b, x, x + 1, 2)).isEqualTo(-1);
        assertThat(cache.field(b, x, x + 1, 0)).isEqualTo(2);
        assertThat(cache.field(b, guest, guest + longKey.length(), 0)).isEqualTo(1);
        assertThat(cache.id(1)).isEqualTo(2);
    }

    @Test
    void shouldAgreeWithAMapUnderRandomSeriesFieldsAndKeyLengths() {
        // Sections of 1-120 bytes and keys of 1-30 bytes, fields in changing order: growth,
        // moves and compactions on the way; every hit must be the id the map holds.
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final Map<String, Long> ids = new HashMap<>();
        final String[] sections = new String[3_000];
        for (int s = 0; s < sections.length; s++) {
            sections[s] = "m" + s + "," + "t".repeat(random.nextInt(110)) + "=v";
        }
        final String[] keys = new String[40];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = k + "k".repeat(random.nextInt(30));
        }
        int hits = 0;
        for (int i = 0; i < 300_000; i++) {
            final String section = sections[random.nextInt(sections.length)];
            final String key = keys[random.nextInt(random.nextBoolean() ? 6 : keys.length)];
            final byte[] b = (section + " " + key + "=1").getBytes(StandardCharsets.UTF_8);
            drainBypass();
            final int space = cache.lookup(b, 0, b.length);
            if (space < 0) {
                cache.insert(b, indexOf(b, (byte) ' '));
            }
            if (!cache.hasCurrent()) {
                continue;
            }
            final int p = indexOf(b, (byte) ' ') + 1;
            final int equals = p + key.length();
            final int f = cache.field(b, p, equals, random.nextInt(4));
            final String name = section + " " + key;
            if (f >= 0) {
                assertThat(cache.id(f)).as("seed %d, %s", seed, name).isEqualTo(ids.get(name));
                assertThat(cache.fieldAt(b, p, b.length, f)).as("seed %d", seed).isEqualTo(equals);
                hits++;
            } else {
                final long id = ids.computeIfAbsent(name, n -> random.nextLong());
                cache.addField(b, p, equals, id);
            }
        }
        assertThat(hits).as("seed %d", seed).isGreaterThan(100_000);
        assertThat(cache.compactions()).as("seed %d", seed).isPositive();
    }

    @Test
    void shouldAgreeWithAMapWhenSeriesComeInTheSameOrderEachRound() {
        // As a scraper writes them: the same order every round, so most lookups find the entry
        // after the previous line's. Some series skipped, some new ones and some out of place in
        // each round, and fields added as rounds go (entries outgrow their room and move; the
        // arena compacts): every hit must still be the id the map holds.
        final long seed = System.nanoTime();
        final Random random = new Random(seed);
        final Map<String, Long> ids = new HashMap<>();
        final List<String> sections = new ArrayList<>();
        for (int s = 0; s < 2_000; s++) {
            sections.add("m,host=h" + s + ",t=" + "x".repeat(random.nextInt(40)));
        }
        int hits = 0;
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < sections.size(); i++) {
                final double r = random.nextDouble();
                if (r < 0.03) {
                    continue;
                }
                final String section =
                        r < 0.06 ? sections.get(random.nextInt(sections.size())) : sections.get(i);
                final String key = "f" + random.nextInt(Math.min(1 + round / 4, 12));
                final byte[] b = (section + " " + key + "=1").getBytes(StandardCharsets.UTF_8);
                drainBypass();
                final int space = cache.lookup(b, 0, b.length);
                if (space < 0) {
                    cache.insert(b, indexOf(b, (byte) ' '));
                } else {
                    assertThat(space).as("seed %d", seed).isEqualTo(section.length());
                }
                if (!cache.hasCurrent()) {
                    continue;
                }
                final int p = section.length() + 1;
                final int equals = p + key.length();
                final int f = cache.field(b, p, equals, 0);
                final String name = section + " " + key;
                if (f >= 0) {
                    assertThat(cache.id(f)).as("seed %d, %s", seed, name).isEqualTo(ids.get(name));
                    hits++;
                } else {
                    final long id = ids.computeIfAbsent(name, n -> random.nextLong());
                    cache.addField(b, p, equals, id);
                }
            }
            if (round % 10 == 9) {
                for (int n = 0; n < 50; n++) {
                    sections.add(
                            random.nextInt(sections.size()),
                            "m,host=new" + round + "-" + n + ",t=" + "y".repeat(n));
                }
            }
        }
        assertThat(hits).as("seed %d", seed).isGreaterThan(40_000);
        assertThat(cache.nextEntryHits()).as("seed %d", seed).isGreaterThan(20_000);
        assertThat(cache.compactions()).as("seed %d", seed).isPositive();
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

    /** The arena offset of the line's entry (looked up). */
    private int offsetOf(byte[] b) {
        drainBypass();
        assertThat(cache.lookup(b, 0, b.length)).isPositive();
        return cache.currentOffset();
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

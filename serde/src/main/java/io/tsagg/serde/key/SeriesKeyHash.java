package io.tsagg.serde.key;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import org.apache.flink.core.memory.MemorySegment;

/**
 * The 64-bit id of a series or group key: XXH64 with seed 0 over the key's UTF-8 bytes, as
 * published in the xxHash specification (github.com/Cyan4973/xxHash, {@code doc/xxhash_spec.md}).
 * Input is read 8 bytes at a time in little-endian order, so the result is the same on every
 * platform and identical for a {@code byte[]} and a {@link MemorySegment} holding the same bytes.
 *
 * <p><b>Stability.</b> The hash is persisted in checkpoints and savepoints and decides key groups,
 * so its definition (algorithm, seed, byte order, input bytes) must never change. A change would
 * silently split every window across two ids after a restore. Tests pin it to the published XXH64
 * test vectors.
 *
 * <p><b>Collisions.</b> XXH64 is not cryptographic; treat it as a uniform 64-bit value. By the
 * birthday bound, the chance that any two of {@code n} distinct keys collide is about {@code n^2 /
 * 2^65}: about 3e-8 for one million keys, 3e-6 for ten million, 3e-4 for 100 million. A key
 * dictionary that interns by id must therefore compare key bytes when ids match, or accept that
 * rate of merged series knowingly.
 *
 * <p>Stateless and thread-safe; allocates nothing.
 */
public final class SeriesKeyHash {

    private static final long PRIME64_1 = 0x9E3779B185EBCA87L;
    private static final long PRIME64_2 = 0xC2B2AE3D27D4EB4FL;
    private static final long PRIME64_3 = 0x165667B19E3779F9L;
    private static final long PRIME64_4 = 0x85EBCA77C2B2AE63L;
    private static final long PRIME64_5 = 0x27D4EB2F165667C5L;

    /** Fixed forever: see the class comment on stability. */
    private static final long SEED = 0L;

    private static final int STRIPE_LENGTH = 32;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private SeriesKeyHash() {}

    /**
     * Hashes {@code bytes[offset, offset + length)}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code bytes}
     */
    public static long hash(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        final int end = offset + length;
        int p = offset;
        long h;
        if (length >= STRIPE_LENGTH) {
            long v1 = SEED + PRIME64_1 + PRIME64_2;
            long v2 = SEED + PRIME64_2;
            long v3 = SEED;
            long v4 = SEED - PRIME64_1;
            final int limit = end - STRIPE_LENGTH;
            do {
                v1 = round(v1, (long) LONG_LE.get(bytes, p));
                v2 = round(v2, (long) LONG_LE.get(bytes, p + 8));
                v3 = round(v3, (long) LONG_LE.get(bytes, p + 16));
                v4 = round(v4, (long) LONG_LE.get(bytes, p + 24));
                p += STRIPE_LENGTH;
            } while (p <= limit);
            h = converge(v1, v2, v3, v4);
        } else {
            h = SEED + PRIME64_5;
        }
        h += length;
        for (; end - p >= Long.BYTES; p += Long.BYTES) {
            h = mix8(h, (long) LONG_LE.get(bytes, p));
        }
        if (end - p >= Integer.BYTES) {
            h = mix4(h, (int) INT_LE.get(bytes, p));
            p += Integer.BYTES;
        }
        for (; p < end; p++) {
            h = mix1(h, bytes[p]);
        }
        return avalanche(h);
    }

    /**
     * Hashes {@code length} bytes of {@code segment} from {@code offset}; same result as {@link
     * #hash(byte[], int, int)} for the same bytes, on heap or off heap.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the segment
     */
    public static long hash(MemorySegment segment, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, segment.size());
        final int end = offset + length;
        int p = offset;
        long h;
        if (length >= STRIPE_LENGTH) {
            long v1 = SEED + PRIME64_1 + PRIME64_2;
            long v2 = SEED + PRIME64_2;
            long v3 = SEED;
            long v4 = SEED - PRIME64_1;
            final int limit = end - STRIPE_LENGTH;
            do {
                v1 = round(v1, segment.getLongLittleEndian(p));
                v2 = round(v2, segment.getLongLittleEndian(p + 8));
                v3 = round(v3, segment.getLongLittleEndian(p + 16));
                v4 = round(v4, segment.getLongLittleEndian(p + 24));
                p += STRIPE_LENGTH;
            } while (p <= limit);
            h = converge(v1, v2, v3, v4);
        } else {
            h = SEED + PRIME64_5;
        }
        h += length;
        for (; end - p >= Long.BYTES; p += Long.BYTES) {
            h = mix8(h, segment.getLongLittleEndian(p));
        }
        if (end - p >= Integer.BYTES) {
            h = mix4(h, segment.getIntLittleEndian(p));
            p += Integer.BYTES;
        }
        for (; p < end; p++) {
            h = mix1(h, segment.get(p));
        }
        return avalanche(h);
    }

    // ---------------------------------------------------------------- XXH64 steps (spec names)

    private static long round(long acc, long lane) {
        acc += lane * PRIME64_2;
        acc = Long.rotateLeft(acc, 31);
        return acc * PRIME64_1;
    }

    private static long mergeAccumulator(long h, long acc) {
        h ^= round(0, acc);
        return h * PRIME64_1 + PRIME64_4;
    }

    private static long converge(long v1, long v2, long v3, long v4) {
        long h =
                Long.rotateLeft(v1, 1)
                        + Long.rotateLeft(v2, 7)
                        + Long.rotateLeft(v3, 12)
                        + Long.rotateLeft(v4, 18);
        h = mergeAccumulator(h, v1);
        h = mergeAccumulator(h, v2);
        h = mergeAccumulator(h, v3);
        return mergeAccumulator(h, v4);
    }

    private static long mix8(long h, long lane) {
        h ^= round(0, lane);
        return Long.rotateLeft(h, 27) * PRIME64_1 + PRIME64_4;
    }

    private static long mix4(long h, int lane) {
        h ^= (lane & 0xFFFF_FFFFL) * PRIME64_1;
        return Long.rotateLeft(h, 23) * PRIME64_2 + PRIME64_3;
    }

    private static long mix1(long h, byte lane) {
        h ^= (lane & 0xFFL) * PRIME64_5;
        return Long.rotateLeft(h, 11) * PRIME64_1;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= PRIME64_2;
        h ^= h >>> 29;
        h *= PRIME64_3;
        return h ^ (h >>> 32);
    }
}

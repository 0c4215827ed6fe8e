package io.tsagg.serde.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Tests for {@link WindowResultSerializer}. */
class WindowResultSerializerTest {

    private static final WindowResultSerializer SERIALIZER = WindowResultSerializer.INSTANCE;

    @Test
    void shouldRoundTripEveryFieldWhenResultHasQuantiles() throws IOException {
        final WindowResult result = result("cpu,host=a usage_user", 3, 0.5, 0.99, 0.999);

        final WindowResult read =
                SERIALIZER.deserialize(new DataInputDeserializer(serialize(result)));

        assertThat(read).isEqualTo(result);
        assertThat(read.keyId()).isEqualTo(result.keyId());
        assertThat(read.keyString()).isEqualTo("cpu,host=a usage_user");
        assertThat(read.windowStart()).isEqualTo(-60_000L);
        assertThat(read.windowEnd()).isEqualTo(0L);
        assertThat(read.count()).isEqualTo(3L);
        assertThat(read.sum()).isEqualTo(6.0);
        assertThat(read.min()).isEqualTo(1.0);
        assertThat(read.max()).isEqualTo(3.0);
        assertThat(read.mean()).isEqualTo(2.0);
        assertThat(read.stddev()).isEqualTo(1.0);
        assertThat(read.first()).isEqualTo(1.0);
        assertThat(read.last()).isEqualTo(3.0);
        assertThat(read.quantileCount()).isEqualTo(3);
        assertThat(read.quantile(0)).isEqualTo(0.5);
        assertThat(read.quantile(1)).isEqualTo(0.99);
        assertThat(read.quantile(2)).isEqualTo(0.999);
    }

    @Test
    void shouldRoundTripNaNStddevWhenResultHasOneSample() throws IOException {
        final WindowResult result = result("k", 1);
        result.setStats(1, 5.0, 5.0, 5.0, 5.0, Double.NaN, 5.0, 5.0);

        final WindowResult read =
                SERIALIZER.deserialize(new DataInputDeserializer(serialize(result)));

        assertThat(read).isEqualTo(result);
        assertThat(read.stddev()).isNaN();
        assertThat(read.quantileCount()).isZero();
    }

    @Test
    void shouldOverwriteEveryFieldWhenDeserializingIntoReusedResult() throws IOException {
        final WindowResult reuse = result("a much longer key than the next one", 9, 1, 2, 3, 4);
        final WindowResult next = result("short", 5, 7.0);

        final WindowResult read =
                SERIALIZER.deserialize(reuse, new DataInputDeserializer(serialize(next)));

        assertThat(read).isSameAs(reuse).isEqualTo(next);
        assertThat(read.keyString()).isEqualTo("short");
        assertThat(read.quantileCount()).isEqualTo(1);
    }

    @Test
    void shouldCopySerializedBytesWhenCopyingBetweenViews() throws IOException {
        final long seed = System.nanoTime();
        final List<WindowResult> results = randomResults(new Random(seed));
        final DataOutputSerializer original = new DataOutputSerializer(256);
        for (WindowResult r : results) {
            SERIALIZER.serialize(r, original);
        }
        final DataInputDeserializer in = new DataInputDeserializer(original.getCopyOfBuffer());
        // write(DataInputView, int) does not grow the buffer: size it up front.
        final DataOutputSerializer copied = new DataOutputSerializer(original.length());

        for (int i = 0; i < results.size(); i++) {
            SERIALIZER.copy(in, copied);
        }

        assertThat(in.available()).as("seed %d", seed).isZero();
        assertThat(copied.getCopyOfBuffer())
                .as("seed %d", seed)
                .isEqualTo(original.getCopyOfBuffer());
    }

    @Test
    void shouldReadBackEveryResultWhenStreamHoldsMany() throws IOException {
        final long seed = System.nanoTime();
        final List<WindowResult> results = randomResults(new Random(seed));
        final DataOutputSerializer out = new DataOutputSerializer(256);
        for (WindowResult r : results) {
            SERIALIZER.serialize(r, out);
        }
        final DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        final WindowResult reuse = new WindowResult();

        for (int i = 0; i < results.size(); i++) {
            assertThat(SERIALIZER.deserialize(reuse, in))
                    .as("seed %d, result %d", seed, i)
                    .isEqualTo(results.get(i));
        }
    }

    @Test
    void shouldNotShareBuffersWhenResultIsCopied() {
        final WindowResult original = result("abc", 2, 0.25, 0.75);

        final WindowResult copy = SERIALIZER.copy(original);
        final WindowResult reused = SERIALIZER.copy(original, new WindowResult());
        final WindowResult expected = result("abc", 2, 0.25, 0.75);
        original.setKey(1L, "xyz".getBytes(StandardCharsets.UTF_8), 0, 3);
        original.quantileBuffer(2)[0] = 99.0;

        assertThat(copy).isEqualTo(expected);
        assertThat(reused).isEqualTo(expected);
    }

    @Test
    void shouldRestoreWorkingSerializerWhenSnapshotIsReadBack() throws IOException {
        final DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, SERIALIZER.snapshotConfiguration());
        final TypeSerializerSnapshot<WindowResult> snapshot =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());

        final TypeSerializer<WindowResult> restored = snapshot.restoreSerializer();
        final WindowResult result = result("k", 4, 0.5);
        final DataOutputSerializer bytes = new DataOutputSerializer(128);
        restored.serialize(result, bytes);

        assertThat(
                        SERIALIZER
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(snapshot)
                                .isCompatibleAsIs())
                .isTrue();
        assertThat(restored.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer())))
                .isEqualTo(result);
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] serialize(WindowResult r) throws IOException {
        final DataOutputSerializer out = new DataOutputSerializer(128);
        SERIALIZER.serialize(r, out);
        return out.getCopyOfBuffer();
    }

    private static WindowResult result(String key, long keyId, double... quantiles) {
        final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        final WindowResult r =
                new WindowResult()
                        .setKey(keyId, bytes, 0, bytes.length)
                        .setWindow(-60_000L, 0L)
                        .setStats(3, 6.0, 1.0, 3.0, 2.0, 1.0, 1.0, 3.0);
        System.arraycopy(quantiles, 0, r.quantileBuffer(quantiles.length), 0, quantiles.length);
        return r.quantilesFilled(quantiles.length);
    }

    private static List<WindowResult> randomResults(Random random) {
        final List<WindowResult> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            final byte[] key = new byte[random.nextInt(200)];
            random.nextBytes(key);
            final WindowResult r =
                    new WindowResult()
                            .setKey(random.nextLong(), key, 0, key.length)
                            .setWindow(random.nextLong(), random.nextLong())
                            .setStats(
                                    random.nextLong(),
                                    random.nextGaussian(),
                                    random.nextGaussian(),
                                    random.nextGaussian(),
                                    random.nextGaussian(),
                                    random.nextBoolean() ? Double.NaN : random.nextDouble(),
                                    random.nextGaussian(),
                                    random.nextGaussian());
            final int n = random.nextInt(5);
            final double[] q = r.quantileBuffer(n);
            for (int j = 0; j < n; j++) {
                q[j] = random.nextDouble();
            }
            results.add(r.quantilesFilled(n));
        }
        return results;
    }
}

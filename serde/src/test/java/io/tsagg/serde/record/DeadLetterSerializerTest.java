package io.tsagg.serde.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Tests for {@link DeadLetterSerializer}. */
class DeadLetterSerializerTest {

    private static final DeadLetterSerializer SERIALIZER = DeadLetterSerializer.INSTANCE;

    @Test
    void shouldRoundTripEveryFieldWhenDeadLetterIsComplete() throws IOException {
        final DeadLetter letter = letter(new byte[] {0, 1, (byte) 0x80, (byte) 0xFF}, "héllo ✓");

        final DeadLetter read =
                SERIALIZER.deserialize(new DataInputDeserializer(serialize(letter)));

        assertFieldsEqual(read, letter);
    }

    @Test
    void shouldRoundTripEmptyPayloadWhenPayloadIsNull() throws IOException {
        final DeadLetter letter = letter(null, "");

        final DeadLetter read =
                SERIALIZER.deserialize(new DataInputDeserializer(serialize(letter)));

        assertThat(read.payload()).isEmpty();
        assertFieldsEqual(read, letter);
    }

    @Test
    void shouldTruncateMessageWhenItExceedsEightKibChars() throws IOException {
        final DeadLetter letter = letter(new byte[3], "€".repeat(30_000));

        final DeadLetter read =
                SERIALIZER.deserialize(new DataInputDeserializer(serialize(letter)));

        assertThat(read.message()).isEqualTo("€".repeat(8192));
        assertThat(read.topic()).isEqualTo(letter.topic());
        assertThat(read.position()).isEqualTo(letter.position());
    }

    @Test
    void shouldReadNextLetterWhenDeserializingWithReuse() throws IOException {
        final DeadLetter first = letter(new byte[] {1}, "first");
        final DeadLetter second = letter(new byte[] {2, 2}, "second");
        final DataOutputSerializer out = new DataOutputSerializer(128);
        SERIALIZER.serialize(first, out);
        SERIALIZER.serialize(second, out);
        final DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());

        final DeadLetter reuse = new DeadLetter();

        assertFieldsEqual(SERIALIZER.deserialize(reuse, in), first);
        assertFieldsEqual(SERIALIZER.deserialize(reuse, in), second);
        assertThat(in.available()).isZero();
    }

    @Test
    void shouldCopySerializedBytesWhenCopyingBetweenViews() throws IOException {
        final DataOutputSerializer original = new DataOutputSerializer(128);
        SERIALIZER.serialize(letter(new byte[] {5, 6, 7}, "a"), original);
        SERIALIZER.serialize(letter(new byte[0], "b"), original);
        final DataInputDeserializer in = new DataInputDeserializer(original.getCopyOfBuffer());
        // write(DataInputView, int) does not grow the buffer: size it up front.
        final DataOutputSerializer copied = new DataOutputSerializer(original.length());

        SERIALIZER.copy(in, copied);
        SERIALIZER.copy(in, copied);

        assertThat(in.available()).isZero();
        assertThat(copied.getCopyOfBuffer()).isEqualTo(original.getCopyOfBuffer());
    }

    @Test
    void shouldNotSharePayloadWhenLetterIsCopied() {
        final byte[] payload = {1, 2, 3};
        final DeadLetter original = letter(payload, "m");

        final DeadLetter copy = SERIALIZER.copy(original);
        final DeadLetter reused = SERIALIZER.copy(original, new DeadLetter());
        payload[0] = 42;

        assertThat(copy.payload()).containsExactly(1, 2, 3);
        assertThat(reused.payload()).containsExactly(1, 2, 3);
        assertThat(copy.message()).isEqualTo("m");
    }

    @Test
    void shouldRestoreWorkingSerializerWhenSnapshotIsReadBack() throws IOException {
        final DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, SERIALIZER.snapshotConfiguration());
        final TypeSerializerSnapshot<DeadLetter> snapshot =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());

        final TypeSerializer<DeadLetter> restored = snapshot.restoreSerializer();
        final DeadLetter letter = letter(new byte[] {9}, "restored");
        final DataOutputSerializer bytes = new DataOutputSerializer(64);
        restored.serialize(letter, bytes);

        assertThat(
                        SERIALIZER
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(snapshot)
                                .isCompatibleAsIs())
                .isTrue();
        assertFieldsEqual(
                restored.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer())), letter);
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] serialize(DeadLetter d) throws IOException {
        final DataOutputSerializer out = new DataOutputSerializer(128);
        SERIALIZER.serialize(d, out);
        return out.getCopyOfBuffer();
    }

    private static DeadLetter letter(byte[] payload, String message) {
        return new DeadLetter(payload, "metrics-in", 7, 99_999_999_999L, "bad_crc", message, 12L);
    }

    private static void assertFieldsEqual(DeadLetter actual, DeadLetter expected) {
        assertThat(actual.payload()).isEqualTo(expected.payload());
        assertThat(actual.topic()).isEqualTo(expected.topic());
        assertThat(actual.partition()).isEqualTo(expected.partition());
        assertThat(actual.offset()).isEqualTo(expected.offset());
        assertThat(actual.reason()).isEqualTo(expected.reason());
        assertThat(actual.message()).isEqualTo(expected.message());
        assertThat(actual.position()).isEqualTo(expected.position());
    }
}

package io.tsagg.serde.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/** Tests for {@link MetricRecordSerializer}. */
class MetricRecordSerializerTest {

    private static final MetricRecordSerializer SERIALIZER = MetricRecordSerializer.INSTANCE;

    @Test
    void shouldRoundTripSampleWhenItCarriesNoKey() throws IOException {
        final MetricRecord sample = new MetricRecord().setSample(0xCAFEBABEL, -1_234L, 42.5);

        final byte[] bytes = serialize(sample);
        final MetricRecord read = SERIALIZER.deserialize(new DataInputDeserializer(bytes));

        assertThat(bytes).hasSize(25);
        assertThat(read).isEqualTo(sample);
        assertThat(read.isSample()).isTrue();
        assertThat(read.hasKey()).isFalse();
        assertThat(read.keyId()).isEqualTo(0xCAFEBABEL);
        assertThat(read.timestamp()).isEqualTo(-1_234L);
        assertThat(read.value()).isEqualTo(42.5);
    }

    @Test
    void shouldRoundTripDictionaryEntryWhenKindIsKey() throws IOException {
        final byte[] name = "cpu,host=a usage_user".getBytes(StandardCharsets.UTF_8);
        final MetricRecord key = new MetricRecord().setKey(7L, name, 0, name.length);

        final MetricRecord read = SERIALIZER.deserialize(new DataInputDeserializer(serialize(key)));

        assertThat(read).isEqualTo(key);
        assertThat(read.isKey()).isTrue();
        assertThat(read.keyId()).isEqualTo(7L);
        assertThat(keyString(read)).isEqualTo("cpu,host=a usage_user");
    }

    @Test
    void shouldRoundTripValidUntilWhenDictionaryEntryHasOne() throws IOException {
        final byte[] name = "cpu,host=a usage_user".getBytes(StandardCharsets.UTF_8);
        final MetricRecord key =
                new MetricRecord().setKey(7L, name, 0, name.length, 1_767_225_600_000L);

        final byte[] bytes = serialize(key);
        final MetricRecord read = SERIALIZER.deserialize(new DataInputDeserializer(bytes));

        assertThat(read).isEqualTo(key);
        assertThat(read.isKey()).isTrue();
        assertThat(read.validUntil()).isEqualTo(1_767_225_600_000L);
        assertThat(keyString(read)).isEqualTo("cpu,host=a usage_user");
        // kind, id, valid until, key length, key
        assertThat(bytes).hasSize(1 + 8 + 8 + 4 + name.length);
    }

    @Test
    void shouldReadDictionaryEntryAsValidForGoodWhenWrittenWithoutValidUntil() throws IOException {
        // The format before the valid-until flag: kind | key flag, id, key length, key.
        final DataOutputSerializer old = new DataOutputSerializer(64);
        old.writeByte(MetricRecord.KIND_KEY | 0x80);
        old.writeLong(7L);
        old.writeInt(3);
        old.write("abc".getBytes(StandardCharsets.UTF_8));
        final byte[] bytes = old.getCopyOfBuffer();

        final MetricRecord read = SERIALIZER.deserialize(new DataInputDeserializer(bytes));

        assertThat(read.isKey()).isTrue();
        assertThat(read.keyId()).isEqualTo(7L);
        assertThat(read.validUntil()).isEqualTo(Long.MAX_VALUE);
        assertThat(keyString(read)).isEqualTo("abc");
        assertThat(serialize(new MetricRecord().setKey(7L, "abc".getBytes(UTF_8), 0, 3)))
                .as("an entry valid for good is written as before")
                .isEqualTo(bytes);
    }

    @Test
    void shouldRoundTripSampleWhenKeyIsAttached() throws IOException {
        final byte[] name = "x".repeat(300).getBytes(StandardCharsets.UTF_8);
        final MetricRecord sample =
                new MetricRecord().setSample(9L, 1_000L, Double.NaN).attachKey(name, 0, 300);

        final MetricRecord read =
                SERIALIZER.deserialize(new DataInputDeserializer(serialize(sample)));

        assertThat(read).isEqualTo(sample);
        assertThat(read.isSample()).isTrue();
        assertThat(read.hasKey()).isTrue();
        assertThat(read.keyLength()).isEqualTo(300);
        assertThat(keyString(read)).isEqualTo("x".repeat(300));
        assertThat(read.value()).isNaN();
    }

    @Test
    void shouldRoundTripPartialSummaryWithItsPayloadAndAttachedKey() throws IOException {
        final byte[] payload = new byte[200];
        new Random(3).nextBytes(payload);
        final byte[] name = "cpu,host=a usage_user".getBytes(StandardCharsets.UTF_8);
        final MetricRecord partial = new MetricRecord().setPartial(11L, 60_000L, payload, 4, 150);
        final MetricRecord withKey =
                new MetricRecord()
                        .setPartial(12L, 0L, payload, 0, 3)
                        .attachKey(name, 0, name.length);

        final MetricRecord read =
                SERIALIZER.deserialize(
                        new MetricRecord().setSample(1L, 2L, 3.0),
                        new DataInputDeserializer(serialize(partial)));
        final MetricRecord readWithKey =
                SERIALIZER.deserialize(new DataInputDeserializer(serialize(withKey)));

        assertThat(read).isEqualTo(partial);
        assertThat(read.isPartial()).isTrue();
        assertThat(read.hasKey()).isFalse();
        assertThat(read.timestamp()).isEqualTo(60_000L);
        assertThat(java.util.Arrays.copyOf(read.payload(), read.payloadLength()))
                .isEqualTo(java.util.Arrays.copyOfRange(payload, 4, 154));
        assertThat(readWithKey).isEqualTo(withKey);
        assertThat(keyString(readWithKey)).isEqualTo("cpu,host=a usage_user");
        assertThat(SERIALIZER.copy(partial)).isEqualTo(partial);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        SERIALIZER.copy(new DataInputDeserializer(serialize(withKey)), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(serialize(withKey));
    }

    @Test
    void shouldRoundTripSampleWithItsWrittenOriginOnly() throws IOException {
        final byte[] line = "cpu,host=a usage=1.5 1700000000000000000".getBytes(UTF_8);
        final int[] written = {0};
        final MetricRecord.OriginWriter writer =
                (sample, into) -> {
                    written[0]++;
                    into.setOrigin(line, 0, line.length - sample);
                };
        final MetricRecord unwritten =
                new MetricRecord().setSample(3L, 4L, 5.0).withOrigin(writer, 2);

        // An origin that is not written stays with the reader: the sample goes out plain.
        assertThat(serialize(unwritten)).hasSize(25);
        assertThat(written[0]).isZero();

        assertThat(unwritten.writeOrigin()).isTrue();
        assertThat(unwritten.writeOrigin()).isTrue();
        assertThat(written[0]).as("written once").isEqualTo(1);
        final byte[] name = "cpu,host=a usage".getBytes(UTF_8);
        unwritten.attachKey(name, 0, name.length);

        final MetricRecord read =
                SERIALIZER.deserialize(new DataInputDeserializer(serialize(unwritten)));

        assertThat(read).isEqualTo(unwritten);
        assertThat(read.hasOrigin()).isTrue();
        assertThat(new String(read.originBytes(), 0, read.originLength(), UTF_8))
                .isEqualTo("cpu,host=a usage=1.5 17000000000000000");
        assertThat(keyString(read)).isEqualTo("cpu,host=a usage");
        // A new sample in the same record has no origin.
        assertThat(read.setSample(1L, 2L, 3.0).hasOrigin()).isFalse();
        assertThat(read.writeOrigin()).isFalse();
    }

    @Test
    void shouldCarryOriginWriterAndWrittenOriginWhenRecordIsCopied() {
        final byte[] line = "m f=1".getBytes(UTF_8);
        final MetricRecord.OriginWriter writer =
                (sample, into) -> into.setOrigin(line, 0, line.length);
        final MetricRecord unwritten =
                new MetricRecord().setSample(3L, 4L, 5.0).withOrigin(writer, 0);

        final MetricRecord copy = SERIALIZER.copy(unwritten);
        assertThat(copy.writeOrigin()).isTrue();
        assertThat(unwritten.hasOrigin()).isFalse();

        final MetricRecord second = SERIALIZER.copy(copy);
        copy.originBytes()[0] = 'x';
        assertThat(second.originBytes()[0]).as("not shared").isEqualTo((byte) 'm');
    }

    @Test
    void shouldRoundTripDeadLetterWhenRecordIsRejected() throws IOException {
        final MetricRecord rejected = new MetricRecord().setRejected(deadLetter());

        final MetricRecord read =
                SERIALIZER.deserialize(new DataInputDeserializer(serialize(rejected)));

        assertThat(read.isRejected()).isTrue();
        assertSameDeadLetter(read.deadLetter(), rejected.deadLetter());
    }

    @Test
    void shouldOverwriteEveryFieldWhenDeserializingIntoReusedRecord() throws IOException {
        final byte[] name = "old key".getBytes(StandardCharsets.UTF_8);
        final MetricRecord reuse =
                new MetricRecord().setSample(1L, 2L, 3.0).attachKey(name, 0, name.length);
        final MetricRecord plain = new MetricRecord().setSample(4L, 5L, 6.0);

        final MetricRecord read =
                SERIALIZER.deserialize(reuse, new DataInputDeserializer(serialize(plain)));

        assertThat(read).isSameAs(reuse).isEqualTo(plain);
        assertThat(read.hasKey()).isFalse();
    }

    @Test
    void shouldReadEachKindIntoOneReusedRecordWhenStreamMixesKinds() throws IOException {
        final List<MetricRecord> records = mixedRecords(new Random(1));
        final DataOutputSerializer out = new DataOutputSerializer(256);
        for (MetricRecord r : records) {
            SERIALIZER.serialize(r, out);
        }
        final DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        final MetricRecord reuse = new MetricRecord();

        for (int i = 0; i < records.size(); i++) {
            final MetricRecord read = SERIALIZER.deserialize(reuse, in);

            assertThat(read).as("record %d", i).isSameAs(reuse).isEqualTo(records.get(i));
            if (read.isRejected()) {
                assertSameDeadLetter(read.deadLetter(), records.get(i).deadLetter());
            }
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void shouldCopySerializedBytesWhenCopyingBetweenViews() throws IOException {
        final long seed = System.nanoTime();
        final List<MetricRecord> records = mixedRecords(new Random(seed));
        final DataOutputSerializer original = new DataOutputSerializer(256);
        for (MetricRecord r : records) {
            SERIALIZER.serialize(r, original);
        }
        final DataInputDeserializer in = new DataInputDeserializer(original.getCopyOfBuffer());
        // write(DataInputView, int) does not grow the buffer: size it up front.
        final DataOutputSerializer copied = new DataOutputSerializer(original.length());

        for (int i = 0; i < records.size(); i++) {
            SERIALIZER.copy(in, copied);
        }

        assertThat(in.available()).as("seed %d", seed).isZero();
        assertThat(copied.getCopyOfBuffer())
                .as("seed %d", seed)
                .isEqualTo(original.getCopyOfBuffer());
    }

    @Test
    void shouldNotShareKeyBytesWhenRecordIsCopied() {
        final byte[] name = "abc".getBytes(StandardCharsets.UTF_8);
        final MetricRecord original = new MetricRecord().setKey(1L, name, 0, name.length);

        final MetricRecord copy = SERIALIZER.copy(original);
        final MetricRecord reused = SERIALIZER.copy(original, new MetricRecord());
        original.setKey(2L, "xyz".getBytes(StandardCharsets.UTF_8), 0, 3);

        assertThat(keyString(copy)).isEqualTo("abc");
        assertThat(copy.keyId()).isEqualTo(1L);
        assertThat(keyString(reused)).isEqualTo("abc");
    }

    @Test
    void shouldNotShareDeadLetterWhenRejectedRecordIsCopied() {
        final MetricRecord original = new MetricRecord().setRejected(deadLetter());

        final MetricRecord copy = SERIALIZER.copy(original);
        final MetricRecord reused = SERIALIZER.copy(original, new MetricRecord());
        original.deadLetter().set(new byte[] {9}, "other", 1, 2L, "other_reason", "m", 0L);

        assertThat(copy.isRejected()).isTrue();
        assertSameDeadLetter(copy.deadLetter(), deadLetter());
        assertSameDeadLetter(reused.deadLetter(), deadLetter());
    }

    @Test
    void shouldRejectStreamWhenKindIsUnknown() {
        final byte[] bytes = new byte[25];
        bytes[0] = 0x7F;

        assertThatThrownBy(() -> SERIALIZER.deserialize(new DataInputDeserializer(bytes)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("kind");
    }

    @Test
    void shouldRestoreWorkingSerializerWhenSnapshotIsReadBack() throws IOException {
        final DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, SERIALIZER.snapshotConfiguration());
        final TypeSerializerSnapshot<MetricRecord> snapshot =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());

        final TypeSerializer<MetricRecord> restored = snapshot.restoreSerializer();
        final MetricRecord sample = new MetricRecord().setSample(3L, 4L, 5.0);
        final DataOutputSerializer bytes = new DataOutputSerializer(32);
        restored.serialize(sample, bytes);

        assertThat(
                        SERIALIZER
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(snapshot)
                                .isCompatibleAsIs())
                .isTrue();
        assertThat(restored.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer())))
                .isEqualTo(sample);
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] serialize(MetricRecord r) throws IOException {
        final DataOutputSerializer out = new DataOutputSerializer(64);
        SERIALIZER.serialize(r, out);
        return out.getCopyOfBuffer();
    }

    private static String keyString(MetricRecord r) {
        return new String(r.keyBytes(), 0, r.keyLength(), StandardCharsets.UTF_8);
    }

    private static DeadLetter deadLetter() {
        return new DeadLetter(
                new byte[] {1, 2, 3, (byte) 0xFF}, "metrics", 3, 1_234_567L, "bad_crc", "CRC", 17L);
    }

    private static void assertSameDeadLetter(DeadLetter actual, DeadLetter expected) {
        assertThat(actual.payload()).isEqualTo(expected.payload());
        assertThat(actual.topic()).isEqualTo(expected.topic());
        assertThat(actual.partition()).isEqualTo(expected.partition());
        assertThat(actual.offset()).isEqualTo(expected.offset());
        assertThat(actual.reason()).isEqualTo(expected.reason());
        assertThat(actual.message()).isEqualTo(expected.message());
        assertThat(actual.position()).isEqualTo(expected.position());
    }

    /** Samples with and without keys, dictionary entries and rejected records, shuffled. */
    private static List<MetricRecord> mixedRecords(Random random) {
        final List<MetricRecord> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            final byte[] name = new byte[random.nextInt(150)];
            random.nextBytes(name);
            final MetricRecord r = new MetricRecord();
            switch (random.nextInt(5)) {
                case 0:
                    r.setSample(random.nextLong(), random.nextLong(), random.nextGaussian());
                    break;
                case 4:
                    r.setSample(random.nextLong(), random.nextLong(), random.nextGaussian())
                            .setOrigin(name, 0, name.length);
                    if (random.nextBoolean()) {
                        r.attachKey(name, 0, name.length / 2);
                    }
                    break;
                case 1:
                    r.setSample(random.nextLong(), random.nextLong(), random.nextDouble())
                            .attachKey(name, 0, name.length);
                    break;
                case 2:
                    if (random.nextBoolean()) {
                        r.setKey(random.nextLong(), name, 0, name.length);
                    } else {
                        r.setKey(random.nextLong(), name, 0, name.length, random.nextLong());
                    }
                    break;
                default:
                    r.setRejected(
                            new DeadLetter(
                                    name,
                                    "topic-" + i,
                                    random.nextInt(16),
                                    random.nextLong(),
                                    "reason_" + i,
                                    "message " + i,
                                    random.nextInt(100)));
            }
            records.add(r);
        }
        return records;
    }
}

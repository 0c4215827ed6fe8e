package io.tsagg.serde.record;

import java.util.Arrays;

/**
 * The record that flows from the source to the keyed window operator. One mutable instance is
 * reused by each producer (object reuse is on), so the hot path creates no objects per sample.
 *
 * <p>Two kinds travel on the same stream:
 *
 * <ul>
 *   <li>{@link #KIND_SAMPLE}: (group-key id, event timestamp in ms, value). The id is the 64-bit
 *       {@code SeriesKeyHash} of the group key's bytes.
 *   <li>{@link #KIND_KEY}: a dictionary entry (group-key id, the key's UTF-8 bytes, and until when
 *       it holds: {@link #validUntil()}). A source subtask sends it before the first sample of that
 *       id in each of its key epochs; since it is keyed by the same id it reaches the same operator
 *       instance first, which interns it so results can name the key. The hot path thus carries 8
 *       bytes of key, never a {@code String}. Every sample the subtask sends after the entry
 *       without sending it again is stamped before {@link #validUntil()}, which is what lets a
 *       window operator forget keys (see {@code KeyDictionary}).
 *   <li>{@link #KIND_PARTIAL}: a partial summary of the samples of one (group-key id, pane) from a
 *       pre-aggregator chained to the source (two-phase aggregation); the timestamp is the pane
 *       start and the payload is the summary in the window operator's encoding, opaque here.
 *   <li>{@link #KIND_BATCH}: all samples of one Kafka record, or of several records of a partition
 *       read one after another ({@link SampleBatch}), from a reader to the pre-aggregator chained
 *       to it; the timestamp is the largest of the batch (what a bounded out-of-orderness watermark
 *       generator needs). Never leaves the chain.
 * </ul>
 *
 * <p>A sample may also carry its key bytes ({@link #hasKey()}), as the late-data output does so the
 * record can be rendered without a dictionary.
 *
 * <p><b>Origin.</b> A sample may carry the input bytes it was decoded from ({@link #hasOrigin()}),
 * so a sample that turns out late can be written to the late output as it came in. Copying those
 * bytes for every sample would cost more than the sample itself, so a reader only names itself as
 * the sample's {@link OriginWriter} ({@link #withOrigin}, two field writes); the first operator
 * after the source calls {@link #writeOrigin()} for the few samples that can still turn out late
 * (those behind its watermark) while the reader's input is still valid. Only written origins travel
 * on.
 */
public final class MetricRecord {
    public static final byte KIND_SAMPLE = 1;
    public static final byte KIND_KEY = 2;
    public static final byte KIND_REJECTED = 3;
    public static final byte KIND_PARTIAL = 4;
    public static final byte KIND_BATCH = 5;

    private byte kind;
    private long keyId;
    private long timestamp;
    private double value;
    private byte[] key = new byte[64];
    private int keyLength = -1;
    private DeadLetter rejected;
    private byte[] payload = new byte[0];
    private int payloadLength;
    private SampleBatch batch;
    private OriginWriter originWriter;
    private int originSample;
    private byte[] origin = new byte[0];
    private int originLength = -1;

    /**
     * Writes the input bytes of a sample into a record ({@link #setOrigin}). Implemented by the
     * readers; valid only while the reader is emitting the record it decoded the sample from.
     */
    public interface OriginWriter {
        /** Sets the origin of {@code into}, the record of sample {@code sample} of the input. */
        void writeOrigin(int sample, MetricRecord into);
    }

    public MetricRecord() {}

    /** Makes this a rejected input record on its way to the dead-letter output. */
    public MetricRecord setRejected(DeadLetter deadLetter) {
        this.kind = KIND_REJECTED;
        this.keyId = 0;
        this.timestamp = Long.MIN_VALUE;
        this.value = 0.0;
        this.keyLength = -1;
        this.originWriter = null;
        this.originLength = -1;
        this.rejected = deadLetter;
        return this;
    }

    public boolean isRejected() {
        return kind == KIND_REJECTED;
    }

    /** The dead letter of a {@link #KIND_REJECTED} record, else null. */
    public DeadLetter deadLetter() {
        return kind == KIND_REJECTED ? rejected : null;
    }

    /** Makes this a sample without key bytes or origin. Hot path: allocates nothing. */
    public MetricRecord setSample(long keyId, long timestamp, double value) {
        this.kind = KIND_SAMPLE;
        this.keyId = keyId;
        this.timestamp = timestamp;
        this.value = value;
        this.keyLength = -1;
        this.originWriter = null;
        this.originLength = -1;
        return this;
    }

    /**
     * Makes this the batch of samples {@code batch}, whose largest timestamp is {@code
     * maxTimestamp}. Hot path: nothing is copied.
     */
    public MetricRecord setBatch(SampleBatch batch, long maxTimestamp) {
        setHeader(KIND_BATCH, 0L, maxTimestamp, 0.0);
        this.batch = batch;
        return this;
    }

    public boolean isBatch() {
        return kind == KIND_BATCH;
    }

    /** The samples of a {@link #KIND_BATCH} record, else null. */
    public SampleBatch batch() {
        return kind == KIND_BATCH ? batch : null;
    }

    /**
     * Names {@code writer} as the one that can write this sample's origin, the input bytes of its
     * sample number {@code sample}. Hot path: nothing is copied.
     */
    public MetricRecord withOrigin(OriginWriter writer, int sample) {
        this.originWriter = writer;
        this.originSample = sample;
        return this;
    }

    /**
     * Has this sample's origin written, if it has an origin writer and is not written yet; call
     * while the reader is emitting this record. Returns whether the record now has its origin.
     */
    public boolean writeOrigin() {
        if (originLength < 0 && originWriter != null) {
            OriginWriter writer = originWriter;
            originWriter = null;
            writer.writeOrigin(originSample, this);
        }
        return originLength >= 0;
    }

    /**
     * Gives this sample the origin of {@code from}: its written bytes (copied), else its origin
     * writer. For a record derived from another one (a rollup's re-keyed sample). Hot path: two
     * field writes unless the origin is written.
     */
    public MetricRecord originFrom(MetricRecord from) {
        if (from.originLength >= 0) {
            return setOrigin(from.origin, 0, from.originLength);
        }
        originWriter = from.originWriter;
        originSample = from.originSample;
        return this;
    }

    /** Sets the input bytes this sample was decoded from; they are copied. */
    public MetricRecord setOrigin(byte[] bytes, int offset, int length) {
        System.arraycopy(bytes, offset, originBuffer(length), 0, length);
        originLength = length;
        return this;
    }

    byte[] originBuffer(int length) {
        if (origin.length < length) {
            origin = new byte[Math.max(length, origin.length * 2)];
        }
        return origin;
    }

    void originFilled(int length) {
        originLength = length;
    }

    /** Whether this sample carries the input bytes it was decoded from. */
    public boolean hasOrigin() {
        return originLength >= 0;
    }

    /** The origin is {@code originBytes()[0 .. originLength())}; valid while this record is. */
    public byte[] originBytes() {
        return origin;
    }

    public int originLength() {
        return originLength;
    }

    /**
     * Makes this a partial summary of the pane starting at {@code paneStart}; the payload is copied
     * into a buffer this record reuses.
     */
    public MetricRecord setPartial(
            long keyId, long paneStart, byte[] bytes, int offset, int length) {
        setHeader(KIND_PARTIAL, keyId, paneStart, 0.0);
        System.arraycopy(bytes, offset, payloadBuffer(length), 0, length);
        payloadLength = length;
        return this;
    }

    /** Replaces the payload (e.g. by a rendering of the summary for the late-data output). */
    public MetricRecord setPayload(byte[] bytes, int offset, int length) {
        System.arraycopy(bytes, offset, payloadBuffer(length), 0, length);
        payloadLength = length;
        return this;
    }

    byte[] payloadBuffer(int length) {
        if (payload.length < length) {
            payload = new byte[Math.max(length, payload.length * 2)];
        }
        return payload;
    }

    void payloadFilled(int length) {
        payloadLength = length;
    }

    public boolean isPartial() {
        return kind == KIND_PARTIAL;
    }

    /** The payload of a partial is {@code payload()[0 .. payloadLength())}. */
    public byte[] payload() {
        return payload;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /**
     * Makes this a dictionary entry that holds for good ({@link #validUntil()} is {@link
     * Long#MAX_VALUE}); the bytes are copied into a buffer this record reuses.
     */
    public MetricRecord setKey(long keyId, byte[] bytes, int offset, int length) {
        return setKey(keyId, bytes, offset, length, Long.MAX_VALUE);
    }

    /**
     * Makes this a dictionary entry: every sample of the id its sender sends after it without
     * sending the entry again is stamped before {@code validUntil} (event time, ms).
     */
    public MetricRecord setKey(long keyId, byte[] bytes, int offset, int length, long validUntil) {
        setHeader(KIND_KEY, keyId, validUntil, 0.0);
        copyKey(bytes, offset, length);
        return this;
    }

    /**
     * For a dictionary entry: the event time (ms) before which its sender stamps every sample of
     * the id it sends without announcing the key again; {@link Long#MAX_VALUE}: for good.
     */
    public long validUntil() {
        return timestamp;
    }

    /** Attaches key bytes to this record (for a sample: the late-data output). */
    public MetricRecord attachKey(byte[] bytes, int offset, int length) {
        copyKey(bytes, offset, length);
        return this;
    }

    private void copyKey(byte[] bytes, int offset, int length) {
        if (key.length < length) {
            key = new byte[Math.max(length, key.length * 2)];
        }
        System.arraycopy(bytes, offset, key, 0, length);
        keyLength = length;
    }

    /** Buffer of at least {@code length} bytes to fill directly, then {@link #keyFilled}. */
    byte[] keyBuffer(int length) {
        if (key.length < length) {
            key = new byte[Math.max(length, key.length * 2)];
        }
        return key;
    }

    void keyFilled(int length) {
        keyLength = length;
    }

    void setHeader(byte kind, long keyId, long timestamp, double value) {
        this.kind = kind;
        this.keyId = keyId;
        this.timestamp = timestamp;
        this.value = value;
        this.keyLength = -1;
        this.originWriter = null;
        this.originLength = -1;
    }

    public byte kind() {
        return kind;
    }

    public boolean isSample() {
        return kind == KIND_SAMPLE;
    }

    public boolean isKey() {
        return kind == KIND_KEY;
    }

    public long keyId() {
        return keyId;
    }

    public long timestamp() {
        return timestamp;
    }

    public double value() {
        return value;
    }

    public boolean hasKey() {
        return keyLength >= 0;
    }

    /** The key bytes are {@code keyBytes()[0 .. keyLength())}; valid while this record is. */
    public byte[] keyBytes() {
        return key;
    }

    public int keyLength() {
        return keyLength;
    }

    /** Copies all of {@code from} into this record. */
    public MetricRecord copyFrom(MetricRecord from) {
        setHeader(from.kind, from.keyId, from.timestamp, from.value);
        rejected = from.rejected;
        if (from.kind == KIND_PARTIAL) {
            setPayload(from.payload, 0, from.payloadLength);
        }
        if (from.keyLength >= 0) {
            copyKey(from.key, 0, from.keyLength);
        }
        originWriter = from.originWriter;
        originSample = from.originSample;
        if (from.originLength >= 0) {
            setOrigin(from.origin, 0, from.originLength);
        }
        batch = from.batch;
        return this;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MetricRecord)) {
            return false;
        }
        MetricRecord that = (MetricRecord) o;
        return kind == that.kind
                && keyId == that.keyId
                && timestamp == that.timestamp
                && Double.compare(value, that.value) == 0
                && keyLength == that.keyLength
                && (keyLength < 0 || Arrays.equals(key, 0, keyLength, that.key, 0, that.keyLength))
                && (kind != KIND_PARTIAL
                        || Arrays.equals(
                                payload, 0, payloadLength, that.payload, 0, that.payloadLength))
                && (kind != KIND_BATCH || batch == that.batch)
                && originLength == that.originLength
                && (originLength < 0
                        || Arrays.equals(
                                origin, 0, originLength, that.origin, 0, that.originLength));
    }

    @Override
    public int hashCode() {
        return Long.hashCode(keyId) * 31 + Long.hashCode(timestamp);
    }

    @Override
    public String toString() {
        String k =
                keyLength < 0
                        ? ""
                        : ", key="
                                + new String(
                                        key, 0, keyLength, java.nio.charset.StandardCharsets.UTF_8);
        if (kind == KIND_REJECTED) {
            return "Rejected{" + rejected + "}";
        }
        if (kind == KIND_BATCH) {
            return "Batch{" + batch.size() + " samples, max ts=" + timestamp + "}";
        }
        if (kind == KIND_PARTIAL) {
            return "Partial{id="
                    + Long.toHexString(keyId)
                    + ", pane="
                    + timestamp
                    + ", "
                    + payloadLength
                    + " bytes"
                    + k
                    + "}";
        }
        return (kind == KIND_KEY ? "Key{" : "Sample{")
                + "id="
                + Long.toHexString(keyId)
                + ", ts="
                + timestamp
                + ", value="
                + value
                + k
                + "}";
    }
}

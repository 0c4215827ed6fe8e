package io.tsagg.serde.record;

/**
 * A Kafka record we could not use, on its way to the dead-letter topic: the original bytes
 * untouched, where they came from and why they were rejected.
 */
public final class DeadLetter {
    private byte[] payload = new byte[0];
    private String topic = "";
    private int partition;
    private long offset;
    private String reason = "";
    private String message = "";
    private long position = -1;

    public DeadLetter() {}

    public DeadLetter(
            byte[] payload,
            String topic,
            int partition,
            long offset,
            String reason,
            String message,
            long position) {
        set(payload, topic, partition, offset, reason, message, position);
    }

    public DeadLetter set(
            byte[] payload,
            String topic,
            int partition,
            long offset,
            String reason,
            String message,
            long position) {
        this.payload = payload == null ? new byte[0] : payload;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.reason = reason;
        this.message = message;
        this.position = position;
        return this;
    }

    /** The record's original value bytes. */
    public byte[] payload() {
        return payload;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    /** Stable reason code, e.g. {@code bad_crc}. */
    public String reason() {
        return reason;
    }

    /** Human-readable explanation. */
    public String message() {
        return message;
    }

    /** Byte position in the payload where decoding failed, or -1. */
    public long position() {
        return position;
    }

    @Override
    public String toString() {
        return "DeadLetter{"
                + topic
                + "-"
                + partition
                + "@"
                + offset
                + " "
                + reason
                + ": "
                + message
                + " ("
                + payload.length
                + " bytes)}";
    }
}

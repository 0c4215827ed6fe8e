package io.tsagg.serde;

/**
 * A Kafka record that cannot be decoded: says why (a stable {@link #reason() reason code} for
 * metrics and the dead-letter header, and a human message) and where (the byte position in the
 * record). Thrown by decoders before anything of the record reaches the pipeline.
 *
 * <p>No stack trace is filled in: malformed input is data, not a bug, and a hostile producer must
 * not be able to make us spend time on stack walks.
 */
public final class MalformedInputException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final long position;

    /**
     * @param reason a short stable code such as {@code bad_crc} or {@code truncated}
     * @param position byte offset in the record where the problem was found, or -1 if unknown
     * @param message what is wrong, for people
     */
    public MalformedInputException(String reason, long position, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.position = position;
    }

    /** Short stable code, used as a metric label and in the dead-letter record. */
    public String reason() {
        return reason;
    }

    /** Byte offset in the record where decoding stopped, or -1 if unknown. */
    public long position() {
        return position;
    }

    @Override
    public String getMessage() {
        return position >= 0
                ? reason + " at byte " + position + ": " + super.getMessage()
                : reason + ": " + super.getMessage();
    }
}

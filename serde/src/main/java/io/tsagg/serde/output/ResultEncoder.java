package io.tsagg.serde.output;

import io.tsagg.serde.record.WindowResult;

/** Turns a window result into the bytes of one Kafka record value (JSON or line protocol). */
public interface ResultEncoder {
    /** A fresh array holding the encoded result (Kafka keeps the array). */
    byte[] encode(WindowResult result);
}

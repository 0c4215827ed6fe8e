package io.tsagg.serde.record;

/**
 * The samples a reader decoded from one Kafka record (or from several records of one partition,
 * read one after another), handed to the operator chained after the source as one {@link
 * MetricRecord#KIND_BATCH} record instead of one record per sample. Reading them is a call per
 * sample on the reader's own columns: no per-sample trip through Flink's chaining (timestamp
 * assigner, watermark generator, outputs, counters). Valid only while the reader is emitting it;
 * never serialised.
 */
public interface SampleBatch {
    /** Samples in the batch. */
    int size();

    long keyId(int i);

    /** Event time of sample {@code i}, epoch ms. */
    long timestamp(int i);

    double value(int i);

    /**
     * Sets the origin of {@code into}, the record of sample {@code i} (see {@link MetricRecord}).
     */
    void writeOrigin(int i, MetricRecord into);
}

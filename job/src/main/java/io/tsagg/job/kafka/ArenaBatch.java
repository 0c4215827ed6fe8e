package io.tsagg.job.kafka;

import io.tsagg.serde.ingest.IngestArena;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.SampleBatch;

/**
 * The accepted samples of an {@link IngestArena} (one Kafka record's lines) as one {@link
 * SampleBatch}. Samples the reader dead-lettered (far-future timestamps) are left out through an
 * index list, built only for records that have such samples. One per reader, reused for every
 * record; not thread-safe.
 */
final class ArenaBatch implements SampleBatch {
    private final IngestArena arena;
    private final MetricRecord.OriginWriter origins;

    /** Arena sample of batch sample i, used unless the batch is the whole arena. */
    private int[] accepted = new int[64];

    private boolean all;
    private int size;

    ArenaBatch(IngestArena arena, MetricRecord.OriginWriter origins) {
        this.arena = arena;
        this.origins = origins;
    }

    /** Starts a record. */
    void reset() {
        all = true;
        size = 0;
    }

    /** Adds arena sample {@code i}; samples are added in order. Hot path. */
    void accept(int i) {
        if (all && i != size) {
            all = false;
            if (accepted.length < arena.size()) {
                accepted = new int[Math.max(arena.size(), 2 * accepted.length)];
            }
            for (int k = 0; k < size; k++) {
                accepted[k] = k;
            }
        }
        if (!all) {
            accepted[size] = i;
        }
        size++;
    }

    private int sample(int i) {
        return all ? i : accepted[i];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long keyId(int i) {
        return arena.keyId(sample(i));
    }

    @Override
    public long timestamp(int i) {
        return arena.timestamp(sample(i));
    }

    @Override
    public double value(int i) {
        return arena.value(sample(i));
    }

    @Override
    public void writeOrigin(int i, MetricRecord into) {
        origins.writeOrigin(sample(i), into);
    }
}

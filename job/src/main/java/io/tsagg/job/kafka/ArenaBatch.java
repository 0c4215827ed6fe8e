package io.tsagg.job.kafka;

import io.tsagg.serde.ingest.IngestArena;

/**
 * The accepted samples of an {@link IngestArena} (one Kafka record's lines) as one batch. One per
 * reader, reused for every record; not thread-safe.
 */
final class ArenaBatch extends IndexedBatch {
    private final IngestArena arena;

    ArenaBatch(IngestArena arena, LineOrigins origins) {
        super(origins);
        this.arena = arena;
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
}

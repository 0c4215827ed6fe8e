package io.tsagg.job.kafka;

import java.io.IOException;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.kafka.source.metrics.KafkaSourceReaderMetrics;
import org.apache.flink.connector.kafka.source.reader.KafkaPartitionSplitReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Flink's Kafka split reader, whose fetches hand each partition's records over as one {@link
 * PartitionRun}. Everything else (seeking, stopping offsets, offset commits, which Flink's fetcher
 * manager makes on this class's consumer) is Flink's.
 */
final class PartitionRunSplitReader extends KafkaPartitionSplitReader {
    PartitionRunSplitReader(
            Properties props, SourceReaderContext context, KafkaSourceReaderMetrics metrics) {
        super(props, context, metrics, null);
    }

    @Override
    public RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> fetch() throws IOException {
        return new Runs(super.fetch());
    }

    /** A fetch whose every split yields one {@link PartitionRun} of all its records. */
    static final class Runs implements RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> {
        private final RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> fetch;

        /** Whether the current split's run is still to be handed over. */
        private boolean pending;

        Runs(RecordsWithSplitIds<ConsumerRecord<byte[], byte[]>> fetch) {
            this.fetch = fetch;
        }

        @Override
        public String nextSplit() {
            String split = fetch.nextSplit();
            pending = split != null;
            return split;
        }

        @Override
        public ConsumerRecord<byte[], byte[]> nextRecordFromSplit() {
            if (!pending) {
                return null;
            }
            pending = false;
            ConsumerRecord<byte[], byte[]> first = fetch.nextRecordFromSplit();
            return first == null ? null : new PartitionRun(fetch, first);
        }

        @Override
        public Set<String> finishedSplits() {
            return fetch.finishedSplits();
        }

        @Override
        public void recycle() {
            fetch.recycle();
        }
    }
}

package io.tsagg.job.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Wraps a source (the Kafka source) so that a split holds the watermark back from the moment it is
 * assigned, not only from its first record.
 *
 * <p>Why: Flink keeps one watermark generator per split, but Flink's {@code SourceReaderBase}
 * creates a split's output (and with it the split's watermark) lazily, when the first batch of that
 * split is emitted. Until then the reader's watermark is the minimum over the splits that have
 * delivered, so a partition that is slow to deliver its first records (a backlog at start-up, a
 * partition assigned later) does not hold anything back: the other partitions of the same reader
 * fire windows early and its samples arrive late. This wrapper asks the reader output for each new
 * split's output at the first {@code pollNext} after {@code addSplits}, before any record can be
 * emitted. From then on the split's watermark generator runs: it holds the watermark at its start
 * until the split delivers, or until the idle timeout marks it idle ({@code
 * WatermarkStrategy.withIdleness}), after which it no longer holds back.
 *
 * <p>Everything else is delegated unchanged; the splits, enumerator and their serializers are the
 * wrapped source's, so checkpoints and savepoints are compatible with the bare source.
 */
public final class WatermarkHoldingSource<T, SplitT extends SourceSplit, EnumT>
        implements Source<T, SplitT, EnumT> {
    private static final long serialVersionUID = 1L;

    private final Source<T, SplitT, EnumT> source;

    public WatermarkHoldingSource(Source<T, SplitT, EnumT> source) {
        this.source = source;
    }

    @Override
    public Boundedness getBoundedness() {
        return source.getBoundedness();
    }

    @Override
    public SourceReader<T, SplitT> createReader(SourceReaderContext context) throws Exception {
        return new Reader<>(source.createReader(context));
    }

    @Override
    public SplitEnumerator<SplitT, EnumT> createEnumerator(SplitEnumeratorContext<SplitT> context)
            throws Exception {
        return source.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<SplitT, EnumT> restoreEnumerator(
            SplitEnumeratorContext<SplitT> context, EnumT checkpoint) throws Exception {
        return source.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<SplitT> getSplitSerializer() {
        return source.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<EnumT> getEnumeratorCheckpointSerializer() {
        return source.getEnumeratorCheckpointSerializer();
    }

    /** Registers each new split's output before delegating; runs on the task thread. */
    static final class Reader<T, SplitT extends SourceSplit> implements SourceReader<T, SplitT> {
        private final SourceReader<T, SplitT> reader;
        private final List<String> newSplits = new ArrayList<>();

        Reader(SourceReader<T, SplitT> reader) {
            this.reader = reader;
        }

        @Override
        public void start() {
            reader.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            if (!newSplits.isEmpty()) {
                // Idempotent: the reader's own createOutputForSplit later returns this output.
                for (String splitId : newSplits) {
                    output.createOutputForSplit(splitId);
                }
                newSplits.clear();
            }
            return reader.pollNext(output);
        }

        @Override
        public List<SplitT> snapshotState(long checkpointId) {
            return reader.snapshotState(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return reader.isAvailable();
        }

        @Override
        public void addSplits(List<SplitT> splits) {
            for (SplitT split : splits) {
                newSplits.add(split.splitId());
            }
            reader.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            reader.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent event) {
            reader.handleSourceEvents(event);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            reader.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            reader.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void pauseOrResumeSplits(
                Collection<String> splitsToPause, Collection<String> splitsToResume) {
            reader.pauseOrResumeSplits(splitsToPause, splitsToResume);
        }

        @Override
        public void close() throws Exception {
            reader.close();
        }
    }
}

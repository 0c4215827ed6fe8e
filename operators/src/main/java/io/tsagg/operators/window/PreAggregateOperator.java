package io.tsagg.operators.window;

import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.SampleBatch;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * The first phase of two-phase aggregation, chained to the source before the {@code keyBy}: sums up
 * the samples of each (group key, pane) in a {@link WindowStore} of its own and sends one partial
 * summary ({@link MetricRecord#KIND_PARTIAL}) per (key, pane) instead of every sample. The {@link
 * WindowAggregateOperator} merges partials as if their samples had arrived one by one, so results
 * are those of single-phase aggregation (count, min, max, first and last exactly; sums and moments
 * up to the order of floating-point additions).
 *
 * <p>When partials are sent:
 *
 * <ul>
 *   <li>on a watermark, for every pane a window could fire for at that watermark, before the
 *       watermark goes on: downstream the watermark is the minimum over this and the other
 *       subtasks, so a partial always arrives before any window containing its pane fires;
 *   <li>before each checkpoint barrier ({@link #prepareSnapshotPreBarrier}), for every pane: the
 *       operator keeps nothing but its watermark in checkpoints;
 *   <li>when the source goes idle (downstream stops waiting for this subtask's watermark), when the
 *       store has no memory (on the heap: {@value #MAX_ENTRIES} entries) left, and at the end of
 *       input.
 * </ul>
 *
 * A sample whose pane is already behind this subtask's watermark (out of order beyond the
 * watermark) is passed on as it is: the window operator then decides, as in single-phase, whether
 * it updates a fired window or is late. The watermark is checkpointed (the largest over all
 * subtasks is restored), so samples replayed after a restore that may be behind the window
 * operator's restored watermark are passed on as they are too; such a sample first has its input
 * bytes written ({@link MetricRecord#writeOrigin()}), so that if it turns out late the late output
 * can give it back as it came in. Dictionary records are passed on at once, ahead of any partial of
 * their key, and so is input a reader could not decode (the window operator sends it to the
 * dead-letter output): this operator has no side output, so the source's records reach it through a
 * plain chained call, not a broadcast to several outputs.
 *
 * <p>A reader may hand over all samples of a Kafka record (or of several) as one {@link
 * MetricRecord#KIND_BATCH} record ({@link SampleBatch}); they are read in a loop and each is
 * treated as if it had come alone, which saves Flink's per-record chaining work for every sample
 * but one.
 *
 * <p>Task thread only. State lives in the operator's share of managed memory (the transformation
 * must declare {@code ManagedMemoryUseCase.OPERATOR}).
 */
public final class PreAggregateOperator extends AbstractStreamOperator<MetricRecord>
        implements OneInputStreamOperator<MetricRecord, MetricRecord>, WindowStore.SummaryVisitor {
    private static final long serialVersionUID = 1L;

    /** Entries a heap store (no managed memory) holds at most before everything is sent. */
    static final int MAX_ENTRIES = 1 << 20;

    private final WindowSpec spec;

    /** Relative accuracy of the partials' quantile sketches; 0: partials carry none. */
    private final double quantileAccuracy;

    private transient OperatorStore memory;
    private transient WindowStore store;
    private transient PartialCodec codec;
    private transient MetricRecord partial;
    private transient StreamRecord<MetricRecord> partialRecord;

    /** A sample of a batch that is passed on as it is. */
    private transient MetricRecord passed;

    private transient StreamRecord<MetricRecord> passedRecord;
    private transient CheckpointedWatermark watermarkState;

    /** The largest watermark seen, or restored. */
    private transient long watermark;

    /** Pane being sent, for {@link #visit}. */
    private transient long sendingPane;

    private transient Counter aggregatedSamples;
    private transient Counter passedSamples;
    private transient Counter partials;
    private transient Counter fullFlushes;

    public PreAggregateOperator(WindowSpec spec) {
        this(spec, 0.0);
    }

    /**
     * @param quantileAccuracy relative accuracy of the quantile sketch each partial carries, in (0,
     *     1), the window operator's; 0 when the window operator emits no quantiles
     */
    public PreAggregateOperator(WindowSpec spec, double quantileAccuracy) {
        if (quantileAccuracy != 0.0 && !(quantileAccuracy > 0.0 && quantileAccuracy < 1.0)) {
            throw new IllegalArgumentException(
                    "quantile accuracy " + quantileAccuracy + " is not allowed: use (0, 1) or 0");
        }
        this.spec = spec;
        this.quantileAccuracy = quantileAccuracy;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        watermarkState =
                new CheckpointedWatermark(
                        context.getOperatorStateStore(), "tsagg-pre-aggregate-watermark");
        watermark = watermarkState.restore(context.isRestored());
    }

    @Override
    public void open() throws Exception {
        super.open();
        memory =
                OperatorStore.create(
                        this, getOperatorName(), spec, quantileAccuracy, true, MAX_ENTRIES, LOG);
        store = memory.store;
        codec = new PartialCodec();
        partial = new MetricRecord();
        partialRecord = new StreamRecord<>(partial);
        passed = new MetricRecord();
        passedRecord = new StreamRecord<>(passed);
        MetricGroup metrics = getMetricGroup();
        aggregatedSamples = metrics.counter("preAggregatedSamples");
        passedSamples = metrics.counter("passedSamples");
        partials = metrics.counter("partials");
        fullFlushes = metrics.counter("fullFlushes");
        memory.registerGauges(metrics);
    }

    /** Hot path. */
    @Override
    public void processElement(StreamRecord<MetricRecord> element) throws Exception {
        MetricRecord r = element.getValue();
        if (!r.isSample()) {
            if (r.isBatch()) {
                processBatch(r.batch());
            } else {
                output.collect(element);
            }
            return;
        }
        long ts = r.timestamp();
        long pane = spec.paneStart(ts);
        if (spec.firstWindowEnd(pane) <= watermark) {
            // Behind the watermark: it may turn out late at the window operator, where it will
            // need its input bytes, which only its reader can still give (while it emits it).
            r.writeOrigin();
            passedSamples.inc();
            output.collect(element);
            return;
        }
        if (!add(r.keyId(), pane, ts, r.value())) {
            passedSamples.inc();
            output.collect(element);
            return;
        }
        aggregatedSamples.inc();
    }

    /**
     * The samples of one Kafka record, read in a loop from the reader's columns; each is handled as
     * {@link #processElement} handles a sample, those passed on as records of their own. Hot path.
     */
    private void processBatch(SampleBatch batch) throws Exception {
        int n = batch.size();
        int aggregated = 0;
        for (int i = 0; i < n; i++) {
            long ts = batch.timestamp(i);
            long pane = spec.paneStart(ts);
            long keyId = batch.keyId(i);
            double value = batch.value(i);
            if (spec.firstWindowEnd(pane) <= watermark) {
                passed.setSample(keyId, ts, value);
                batch.writeOrigin(i, passed);
                pass(ts);
            } else if (add(keyId, pane, ts, value)) {
                aggregated++;
            } else {
                passed.setSample(keyId, ts, value);
                pass(ts);
            }
        }
        aggregatedSamples.inc(aggregated);
    }

    private void pass(long ts) {
        passedSamples.inc();
        passedRecord.replace(passed, ts);
        output.collect(passedRecord);
    }

    private boolean add(long keyId, long pane, long ts, double value) throws Exception {
        if (store.add(keyId, pane, ts, value)) {
            return true;
        }
        fullFlushes.inc();
        sendAll();
        return store.add(keyId, pane, ts, value);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() > watermark) {
            watermark = mark.getTimestamp();
            long last = Long.MIN_VALUE;
            for (long p = store.nextPaneStart(Long.MIN_VALUE);
                    p != Long.MAX_VALUE && spec.firstWindowEnd(p) <= watermark;
                    p = store.nextPaneStart(p + 1)) {
                send(p);
                last = p;
            }
            if (last != Long.MIN_VALUE) {
                store.dropPanesBefore(last + 1);
            }
        }
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle()) {
            // Downstream stops waiting for this subtask: nothing may stay behind.
            sendAll();
        }
        super.processWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        sendAll();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        watermarkState.snapshot(watermark);
    }

    @Override
    public void finish() throws Exception {
        sendAll();
        super.finish();
    }

    /** Sends every pane and empties the store. */
    private void sendAll() throws Exception {
        for (long p = store.nextPaneStart(Long.MIN_VALUE);
                p != Long.MAX_VALUE;
                p = store.nextPaneStart(p + 1)) {
            send(p);
        }
        store.dropPanesBefore(Long.MAX_VALUE);
    }

    private void send(long pane) throws Exception {
        sendingPane = pane;
        store.forEachSummary(pane, pane + spec.paneSize(), this);
    }

    /** Sends one partial; called by the store for each key of the pane being sent. */
    @Override
    public void visit(long keyId, Summary s) throws Exception {
        codec.encode(keyId, sendingPane, s, partial);
        partialRecord.setTimestamp(sendingPane);
        partials.inc();
        output.collect(partialRecord);
    }

    @Override
    public void close() throws Exception {
        try {
            if (memory != null) {
                memory.close();
            }
        } finally {
            super.close();
        }
    }
}

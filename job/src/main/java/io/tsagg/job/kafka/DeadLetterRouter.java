package io.tsagg.job.kafka;

import io.tsagg.operators.window.CheckpointedWatermark;
import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.RecordTypeInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Chained right after the source, unless the job has one rollup and two-phase aggregation: rejected
 * input records leave for the dead-letter output, everything else flows on (to the rollups' mappers
 * or pre-aggregators). Without the router, rejected records go on with the samples to the window
 * operator, and the pre-aggregator writes the origins described below; see {@code TsaggJob}.
 *
 * <p><b>Origins of samples that can turn out late.</b> A window operator calls a sample late only
 * if its windows ended before the operator's watermark, which is never ahead of the watermark this
 * subtask passed on before the sample. So a sample stamped at or after this watermark is never
 * late, and only those stamped before it have their input bytes written ({@link
 * MetricRecord#writeOrigin()}), here, while the reader's input is still valid; they travel with the
 * sample so the late output can give them back as they came in. With bounded out-of-orderness
 * watermarks those are the few samples that were out of order by more than the bound.
 *
 * <p>After a restore the window operators keep their watermark, but the source starts again from
 * none: until its first watermark this function uses the largest watermark any subtask had at the
 * checkpoint (union list state; a rescale gives every subtask all of them), so a sample that is
 * late right after a restore still has its origin. That floor can only make more samples carry an
 * origin, never fewer.
 */
public final class DeadLetterRouter extends ProcessFunction<MetricRecord, MetricRecord>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", RecordTypeInfo.DEAD_LETTER);

    private transient CheckpointedWatermark watermarkState;

    /** The largest watermark seen (or restored); samples before it get their origin written. */
    private transient long watermark;

    /** Hot path. */
    @Override
    public void processElement(MetricRecord r, Context ctx, Collector<MetricRecord> out) {
        if (r.isRejected()) {
            ctx.output(DEAD_LETTERS, r.deadLetter());
            return;
        }
        long current = ctx.timerService().currentWatermark();
        if (current > watermark) {
            watermark = current;
        }
        if (r.timestamp() < watermark && r.isSample()) {
            r.writeOrigin();
        }
        out.collect(r);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        watermarkState =
                new CheckpointedWatermark(
                        context.getOperatorStateStore(), "tsagg-router-watermark");
        watermark = watermarkState.restore(context.isRestored());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        watermarkState.snapshot(watermark);
    }
}

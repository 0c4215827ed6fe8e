package io.tsagg.job.kafka;

import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.RecordTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Chained right after the source: rejected input records leave for the dead-letter output,
 * everything else flows on unchanged.
 */
public final class DeadLetterRouter extends ProcessFunction<MetricRecord, MetricRecord> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", RecordTypeInfo.DEAD_LETTER);

    /** Hot path. */
    @Override
    public void processElement(MetricRecord r, Context ctx, Collector<MetricRecord> out) {
        if (r.isRejected()) {
            ctx.output(DEAD_LETTERS, r.deadLetter());
        } else {
            out.collect(r);
        }
    }
}

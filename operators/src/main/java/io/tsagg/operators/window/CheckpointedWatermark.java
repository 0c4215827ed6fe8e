package io.tsagg.operators.window;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeutils.base.LongSerializer;

/**
 * A watermark an operator chained to the source keeps across restores, in union list state: each
 * subtask checkpoints its own, and on restore, also at another parallelism, every subtask gets all
 * of them and starts from the largest. The largest is the safe choice for operators that must treat
 * every sample a window operator downstream may already consider closed as possibly late: that
 * operator's watermark was at most the largest of its inputs' at the checkpoint.
 */
public final class CheckpointedWatermark {
    private final ListState<Long> state;

    /** Registers the union list state {@code name} in {@code store}. */
    public CheckpointedWatermark(OperatorStateStore store, String name) throws Exception {
        state = store.getUnionListState(new ListStateDescriptor<>(name, LongSerializer.INSTANCE));
    }

    /** The largest checkpointed watermark, or {@link Long#MIN_VALUE} when not {@code restored}. */
    public long restore(boolean restored) throws Exception {
        long watermark = Long.MIN_VALUE;
        if (restored) {
            for (Long w : state.get()) {
                watermark = Math.max(watermark, w);
            }
        }
        return watermark;
    }

    /** Checkpoints this subtask's watermark. */
    public void snapshot(long watermark) throws Exception {
        state.update(List.of(watermark));
    }
}

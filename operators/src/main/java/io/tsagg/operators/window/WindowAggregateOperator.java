package io.tsagg.operators.window;

import io.tsagg.serde.collections.Long2IntOpenMap;
import io.tsagg.serde.key.KeyDictionary;
import io.tsagg.serde.output.Stat;
import io.tsagg.serde.output.WindowResultLineEncoder;
import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import io.tsagg.serde.record.WindowResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.function.IntToLongFunction;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.core.memory.ManagedMemoryUseCase;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyGroupStatePartitionStreamProvider;
import org.apache.flink.runtime.state.KeyedStateCheckpointOutputStream;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The keyed event-time window operator: takes {@link MetricRecord}s keyed by group-key id, keeps
 * per (key, pane) summaries in a {@link WindowStore}, and emits one {@link WindowResult} per key
 * and window when the watermark passes the window's end.
 *
 * <ul>
 *   <li>Dictionary records name keys; they are interned once and travel again only in each new key
 *       epoch of their source. A key is forgotten once the watermark passes its latest valid-until
 *       time plus the window size plus the allowed lateness: its source stamps every sample it
 *       sends without announcing the key again before that time, so such a sample's every window
 *       has ended more than the lateness before the watermark, and a key that can still get a
 *       sample (or has a pane that can still fire) is never forgotten. So the heap the names take
 *       follows the keys that report, not every key the job has seen ({@code expiredKeys}, {@code
 *       liveKeys}).
 *   <li>Partial summaries of a (key, pane) from a {@link PreAggregateOperator} (two-phase
 *       aggregation) are merged as if their samples had arrived one by one; a late one is counted
 *       as that many late samples and goes to the late output as one summary line.
 *   <li>A sample whose every window ended more than {@code allowedLateness} before the watermark is
 *       late: it goes to the late side output, key attached, and is counted.
 *   <li>A sample within the allowed lateness of an already fired window is added, and that window
 *       is emitted again for that key at the next watermark with the updated result (same key and
 *       window), even if that watermark passes the lateness.
 *   <li>State is written to Flink's raw keyed state, one section per key group, and read back
 *       keeping only this subtask's key groups, so restore and rescaling work.
 *   <li>State lives off-heap in a {@link ManagedWindowStore} on the operator's share of Flink
 *       managed memory (the transformation must declare {@link ManagedMemoryUseCase#OPERATOR});
 *       without managed memory it falls back to a {@link HeapWindowStore} and says so in the log. A
 *       sample the store refuses for lack of memory goes to the dead-letter output with reason
 *       {@code state_memory_exhausted}.
 * </ul>
 *
 * <p>Runs on the task thread only; Flink's keyed state backend is not used, so the operator skips
 * setting the key context per record.
 */
public final class WindowAggregateOperator extends AbstractStreamOperator<WindowResult>
        implements OneInputStreamOperator<MetricRecord, WindowResult>, WindowStore.SummaryVisitor {
    private static final long serialVersionUID = 1L;

    /**
     * Version of the per key group checkpoint section. 2: updated windows pending re-emission, and
     * {@link Summary} with its shift. 3: raw values not reduced yet follow each summary. 4: each
     * summary ends with a sketch flag and, with quantiles, the sketch's occupied buckets. 5: each
     * dictionary entry's valid-until time (version 4's entries are restored as valid for good).
     */
    private static final int STATE_VERSION = 5;

    /** The last version whose dictionary entries have no valid-until time. */
    private static final int STATE_VERSION_KEYS_FOR_GOOD = 4;

    private final WindowSpec spec;
    private final long allowedLateness;
    private final OutputTag<MetricRecord> lateTag;
    private final OutputTag<DeadLetter> refusedTag;

    /** Quantiles to emit, in output order; empty for none (then no sketch is kept). */
    private final double[] quantiles;

    /** Relative accuracy of the sketches; 0 without quantiles. */
    private final double quantileAccuracy;

    // ---------------------------------------------------------------- runtime state
    private transient OperatorStore memory;
    private transient WindowStore store;
    private transient KeyDictionary dictionary;

    /**
     * Lookups of the keys of results ({@link #fillResult}) and of the keys visited next ({@link
     * #upcoming}): both go through the keys in the store's slot order, mostly the dictionary's.
     */
    private transient KeyDictionary.Cursor resultNames;

    private transient KeyDictionary.Cursor upcomingNames;
    private transient WindowResult result;
    private transient StreamRecord<WindowResult> resultRecord;
    private transient StreamRecord<MetricRecord> lateRecord;
    private transient int maxParallelism;
    private transient KeyGroupRange keyGroups;

    /** The largest watermark seen (or restored). */
    private transient long watermark;

    /**
     * End of the last window that ends at or before the watermark: windows ending at or before it
     * have fired (those with samples) and take new samples only within the lateness.
     */
    private transient long lastFiredEnd;

    /** Sum of the dictionary entries looked up ahead ({@link #upcoming}): keeps those reads. */
    private transient int lookedAhead;

    // ---------------------------------------------------------------- fired windows updated
    // Since the last watermark, key updatedKeys[i] took a sample for the fired windows ending in
    // [updatedFromEnd[i], updatedToEnd[i]]: emit them again, for that key, at the next watermark.
    private transient long[] updatedKeys;
    private transient long[] updatedFromEnd;
    private transient long[] updatedToEnd;
    private transient int updatedCount;
    private transient Long2IntOpenMap reemitted;
    private transient Summary updatedSummary;

    /** A partial from a pre-aggregator, decoded. */
    private transient Summary partial;

    private transient PartialCodec codec;

    /** Renders partials that are late or refused. */
    private transient WindowResultLineEncoder summaryLines;

    // The pane of the last sample, [paneFrom, paneTo), and its first and last window ends: samples
    // come in runs of one pane, and each of these costs a long division. Empty at start.
    private transient long paneFrom;
    private transient long paneTo;
    private transient long paneLastWindowEnd;
    private transient long paneFirstWindowEnd;

    /** Window being emitted, for {@link #visit}. */
    private transient long emitStart;

    private transient long emitEnd;

    // ---------------------------------------------------------------- metrics
    private transient Counter lateSamples;
    private transient Counter windowResults;
    private transient Counter unnamedKeys;

    /** Dictionary entries forgotten ({@link #forgetExpiredKeys}). */
    private transient Counter expiredKeys;

    private transient Counter refusedSamples;

    public WindowAggregateOperator(
            WindowSpec spec, long allowedLatenessMs, OutputTag<MetricRecord> lateTag) {
        this(spec, allowedLatenessMs, lateTag, null);
    }

    /**
     * @param lateTag side output for late samples (key attached), or null to only count them
     * @param refusedTag side output for samples refused for lack of memory, or null to count them
     */
    public WindowAggregateOperator(
            WindowSpec spec,
            long allowedLatenessMs,
            OutputTag<MetricRecord> lateTag,
            OutputTag<DeadLetter> refusedTag) {
        this(spec, allowedLatenessMs, lateTag, refusedTag, new double[0], 0.0);
    }

    /**
     * @param quantiles quantiles in [0, 1] to emit per window, in output order; empty for none
     * @param quantileAccuracy relative accuracy of the quantile sketches, in (0, 1); ignored when
     *     {@code quantiles} is empty. A pre-aggregator in front must use the same.
     */
    public WindowAggregateOperator(
            WindowSpec spec,
            long allowedLatenessMs,
            OutputTag<MetricRecord> lateTag,
            OutputTag<DeadLetter> refusedTag,
            double[] quantiles,
            double quantileAccuracy) {
        for (double q : quantiles) {
            if (!(q >= 0.0 && q <= 1.0)) {
                throw new IllegalArgumentException("quantile " + q + " is not allowed: use [0, 1]");
            }
        }
        if (quantiles.length > 0 && !(quantileAccuracy > 0.0 && quantileAccuracy < 1.0)) {
            throw new IllegalArgumentException(
                    "quantile accuracy " + quantileAccuracy + " is not allowed: use (0, 1)");
        }
        this.quantiles = quantiles.clone();
        this.quantileAccuracy = quantiles.length > 0 ? quantileAccuracy : 0.0;
        if (allowedLatenessMs < 0) {
            throw new IllegalArgumentException(
                    "allowed lateness must be >= 0 ms, got " + allowedLatenessMs);
        }
        this.spec = spec;
        this.allowedLateness = allowedLatenessMs;
        this.lateTag = lateTag;
        this.refusedTag = refusedTag;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        memory =
                OperatorStore.create(
                        this, getOperatorName(), spec, quantileAccuracy, false, 0, LOG);
        store = memory.store;
        dictionary = new KeyDictionary();
        resultNames = dictionary.cursor();
        upcomingNames = dictionary.cursor();
        watermark = Long.MIN_VALUE;
        lastFiredEnd = Long.MIN_VALUE;
        paneFrom = 1;
        paneTo = 0;
        updatedKeys = new long[16];
        updatedFromEnd = new long[16];
        updatedToEnd = new long[16];
        updatedCount = 0;
        reemitted = new Long2IntOpenMap(16, -1);
        updatedSummary = quantiles.length > 0 ? new Summary(quantileAccuracy) : new Summary();
        // With quantiles a partial must bring a sketch of this accuracy (read checks it).
        partial = quantiles.length > 0 ? new Summary(quantileAccuracy) : new Summary();
        codec = new PartialCodec();
        summaryLines = new WindowResultLineEncoder(EnumSet.allOf(Stat.class));
        TaskInfo task = getRuntimeContext().getTaskInfo();
        maxParallelism = task.getMaxNumberOfParallelSubtasks();
        keyGroups =
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                        maxParallelism,
                        task.getNumberOfParallelSubtasks(),
                        task.getIndexOfThisSubtask());
        if (context.isRestored()) {
            restore(context);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        result = new WindowResult();
        resultRecord = new StreamRecord<>(result);
        lateRecord = new StreamRecord<>(null);
        MetricGroup metrics = getMetricGroup();
        lateSamples = metrics.counter("lateSamples");
        windowResults = metrics.counter("windowResults");
        unnamedKeys = metrics.counter("unnamedKeys");
        expiredKeys = metrics.counter("expiredKeys");
        refusedSamples = metrics.counter("refusedSamples");
        memory.registerGauges(metrics);
        metrics.gauge("liveKeys", () -> dictionary.size());
        metrics.gauge("stateBytes", () -> store.bytesUsed() + dictionary.bytesUsed());
    }

    @Override
    public boolean hasKeyContext1() {
        // We keep no state in Flink's keyed backend: skip extracting (and boxing) the key.
        return false;
    }

    @Override
    protected boolean isUsingCustomRawKeyedState() {
        return true;
    }

    /** Hot path. */
    @Override
    public void processElement(StreamRecord<MetricRecord> element) throws Exception {
        MetricRecord r = element.getValue();
        if (r.isKey()) {
            dictionary.put(r.keyId(), r.keyBytes(), 0, r.keyLength(), r.validUntil());
            return;
        }
        if (r.isPartial()) {
            processPartial(r);
            return;
        }
        if (r.isRejected()) {
            // Input a reader could not decode, sent on by a pre-aggregator chained to the source
            // (it has no side output of its own): passed on to the dead-letter output as it is.
            if (refusedTag != null) {
                output.collect(
                        refusedTag, new StreamRecord<>(r.deadLetter(), element.getTimestamp()));
            }
            return;
        }
        long ts = r.timestamp();
        if (ts < paneFrom || ts >= paneTo) {
            // A sample of another pane than the last one: three long divisions, then cached.
            setPane(spec.paneStart(ts));
        }
        long pane = paneFrom;
        if (paneLastWindowEnd + allowedLateness <= watermark) {
            emitLate(r);
            return;
        }
        if (!store.add(r.keyId(), pane, ts, r.value())) {
            refuse(r);
            return;
        }
        if (paneFirstWindowEnd <= lastFiredEnd) {
            windowsUpdated(r.keyId(), pane);
        }
    }

    /** Caches the pane starting at {@code pane} for the samples after it. */
    private void setPane(long pane) {
        paneFrom = pane;
        // Saturated: a pane at the end of time is recomputed for each of its samples.
        long to = pane + spec.paneSize();
        paneTo = to < pane ? pane : to;
        paneLastWindowEnd = spec.lastWindowEnd(pane);
        paneFirstWindowEnd = spec.firstWindowEnd(pane);
    }

    /**
     * A pre-aggregator's summary of (key, pane): merged as its samples would have been added. One
     * that arrives too late (possible only after its source subtask was idle) is counted as that
     * many late samples and goes to the late output rendered as a summary line.
     */
    private void processPartial(MetricRecord r) throws Exception {
        long pane = r.timestamp();
        codec.decode(r, partial);
        if (spec.lastWindowEnd(pane) + allowedLateness <= watermark) {
            lateSamples.inc(partial.count());
            if (lateTag != null) {
                byte[] line = renderPartial(r.keyId(), pane, partial);
                attachName(r);
                r.setPayload(line, 0, line.length);
                lateRecord.replace(r, pane);
                output.collect(lateTag, lateRecord);
            }
            return;
        }
        if (!store.merge(r.keyId(), pane, partial)) {
            refusedSamples.inc(partial.count());
            if (refusedTag != null) {
                refused(
                        renderPartial(r.keyId(), pane, partial),
                        "no managed memory left for a new (key, pane) in window operator "
                                + getOperatorName()
                                + "; the partial summary of "
                                + partial.count()
                                + " samples is given as a line-protocol summary line at the"
                                + " pane start",
                        pane);
            }
            return;
        }
        if (spec.firstWindowEnd(pane) <= lastFiredEnd) {
            windowsUpdated(r.keyId(), pane);
        }
    }

    /** A partial as one summary line (every statistic, timestamped at the pane start). */
    private byte[] renderPartial(long keyId, long pane, Summary s) {
        fillResult(keyId, pane, pane + spec.paneSize(), s);
        return summaryLines.encode(result);
    }

    /** Notes the fired windows of the pane that are still within the lateness. Not a hot path. */
    private void windowsUpdated(long keyId, long pane) {
        // firstWindowEnd(t) is the smallest window end after t, for any t.
        long from =
                Math.max(
                        spec.firstWindowEnd(pane),
                        spec.firstWindowEnd(watermark - allowedLateness));
        long to = Math.min(spec.lastWindowEnd(pane), lastFiredEnd);
        if (from > to) {
            return;
        }
        // A run of samples for one key and pane is noted once.
        int n = updatedCount;
        if (n > 0
                && updatedKeys[n - 1] == keyId
                && updatedFromEnd[n - 1] == from
                && updatedToEnd[n - 1] == to) {
            return;
        }
        appendUpdated(keyId, from, to);
    }

    private void appendUpdated(long keyId, long fromEnd, long toEnd) {
        int n = updatedCount;
        if (n == updatedKeys.length) {
            updatedKeys = Arrays.copyOf(updatedKeys, n * 2);
            updatedFromEnd = Arrays.copyOf(updatedFromEnd, n * 2);
            updatedToEnd = Arrays.copyOf(updatedToEnd, n * 2);
        }
        updatedKeys[n] = keyId;
        updatedFromEnd[n] = fromEnd;
        updatedToEnd[n] = toEnd;
        updatedCount = n + 1;
    }

    /** The store has no memory for a new (key, pane): hand the sample to the dead letters. */
    private void refuse(MetricRecord r) {
        refusedSamples.inc();
        if (refusedTag == null) {
            return;
        }
        int entry = dictionary.find(r.keyId());
        String key =
                entry >= 0 ? dictionary.keyString(entry) : "unknown:" + Long.toHexString(r.keyId());
        byte[] line =
                (key + "=" + r.value() + " " + r.timestamp() * 1_000_000L)
                        .getBytes(StandardCharsets.UTF_8);
        refused(
                line,
                "no managed memory left for a new (key, pane) in window operator "
                        + getOperatorName()
                        + "; the sample is given as a line-protocol line",
                r.timestamp());
    }

    private void refused(byte[] line, String detail, long timestamp) {
        output.collect(
                refusedTag,
                new StreamRecord<>(
                        new DeadLetter(line, "", -1, -1, "state_memory_exhausted", detail, -1),
                        timestamp));
    }

    private void emitLate(MetricRecord r) {
        lateSamples.inc();
        if (lateTag == null) {
            return;
        }
        attachName(r);
        lateRecord.replace(r, r.timestamp());
        output.collect(lateTag, lateRecord);
    }

    /** Attaches the key's name to a record for the late output. */
    private void attachName(MetricRecord r) {
        int entry = dictionary.find(r.keyId());
        if (entry >= 0) {
            r.attachKey(dictionary.arena(), dictionary.offset(entry), dictionary.length(entry));
        } else {
            byte[] name = unnamed(r.keyId());
            r.attachKey(name, 0, name.length);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() > watermark) {
            watermark = mark.getTimestamp();
        }
        fire();
        forgetExpiredKeys();
        super.processWatermark(mark);
    }

    /**
     * Forgets the keys whose latest valid-until time plus window size plus allowed lateness the
     * watermark has reached, after the windows up to it fired. A compare per watermark unless some
     * key is due; then one pass over the dictionary.
     */
    private void forgetExpiredKeys() {
        long keep = spec.size() + allowedLateness;
        if (watermark < Long.MIN_VALUE + keep) {
            return;
        }
        // Forget v when v + keep <= watermark, i.e. v < watermark - keep + 1.
        long limit = watermark - keep + 1;
        if (dictionary.hasExpired(limit)) {
            expiredKeys.inc(dictionary.forgetExpired(limit));
        }
    }

    /** Emits updated windows, then every window whose end the watermark has passed. */
    private void fire() throws Exception {
        long size = spec.size();
        long slide = spec.slide();
        if (updatedCount > 0) {
            emitUpdatedWindows();
        }
        while (true) {
            long from =
                    lastFiredEnd == Long.MIN_VALUE ? Long.MIN_VALUE : lastFiredEnd + slide - size;
            long pane = store.nextPaneStart(from);
            if (pane == Long.MAX_VALUE) {
                break;
            }
            long end = spec.firstWindowEnd(pane);
            if (lastFiredEnd != Long.MIN_VALUE) {
                end = Math.max(end, lastFiredEnd + slide);
            }
            if (end > watermark) {
                break;
            }
            emitWindow(end - size, end);
            lastFiredEnd = end;
        }
        // Windows up to the watermark without samples have fired too: a sample for one of them
        // from now on is an update within the lateness (or late), not a first firing.
        lastFiredEnd = Math.max(lastFiredEnd, spec.lastWindowEndAtOrBefore(watermark));
        dropFinishedPanes();
    }

    /** Emits each (key, fired window) noted by {@link #windowsUpdated} once. Not a hot path. */
    private void emitUpdatedWindows() throws Exception {
        long minEnd = Long.MAX_VALUE;
        long maxEnd = Long.MIN_VALUE;
        for (int i = 0; i < updatedCount; i++) {
            minEnd = Math.min(minEnd, updatedFromEnd[i]);
            maxEnd = Math.max(maxEnd, updatedToEnd[i]);
        }
        // Later windows fire as usual (possible only after restoring subtasks at other watermarks).
        maxEnd = Math.min(maxEnd, lastFiredEnd);
        long slide = spec.slide();
        for (long k = 0, windows = minEnd > maxEnd ? 0 : (maxEnd - minEnd) / slide + 1;
                k < windows;
                k++) {
            long end = minEnd + k * slide;
            emitStart = end - spec.size();
            emitEnd = end;
            resultRecord.setTimestamp(end - 1);
            reemitted.clear();
            for (int i = 0; i < updatedCount; i++) {
                long keyId = updatedKeys[i];
                if (updatedFromEnd[i] <= end
                        && end <= updatedToEnd[i]
                        && reemitted.put(keyId, 1) == reemitted.missingValue()
                        && store.summaryOf(keyId, emitStart, emitEnd, updatedSummary)) {
                    visit(keyId, updatedSummary);
                }
            }
        }
        updatedCount = 0;
    }

    /**
     * Frees the panes whose every window has fired and can no longer be updated: the last window
     * containing the pane ended at or before both the last fired end and the lateness horizon.
     */
    private void dropFinishedPanes() {
        if (lastFiredEnd == Long.MIN_VALUE) {
            return;
        }
        long horizon = Math.min(lastFiredEnd, watermark - allowedLateness);
        long pane = store.nextPaneStart(Long.MIN_VALUE);
        while (pane != Long.MAX_VALUE && spec.lastWindowEnd(pane) <= horizon) {
            store.dropPanesBefore(pane + 1);
            pane = store.nextPaneStart(pane + 1);
        }
    }

    private void emitWindow(long start, long end) throws Exception {
        emitStart = start;
        emitEnd = end;
        resultRecord.setTimestamp(end - 1);
        store.forEachSummary(start, end, this);
    }

    /** Looks up the dictionary entry of a key about to be visited: its cache misses start now. */
    @Override
    public void upcoming(long keyId) {
        lookedAhead += upcomingNames.find(keyId);
    }

    /** Emits one result; called by the store for each key of the window being emitted. */
    @Override
    public void visit(long keyId, Summary s) {
        fillResult(keyId, emitStart, emitEnd, s);
        windowResults.inc();
        output.collect(resultRecord);
    }

    private void fillResult(long keyId, long start, long end, Summary s) {
        int entry = resultNames.find(keyId);
        if (entry >= 0) {
            result.setKey(
                    keyId, dictionary.arena(), dictionary.offset(entry), dictionary.length(entry));
        } else {
            unnamedKeys.inc();
            byte[] name = unnamed(keyId);
            result.setKey(keyId, name, 0, name.length);
        }
        result.setWindow(start, end)
                .setStats(
                        s.count(),
                        s.sum(),
                        s.min(),
                        s.max(),
                        s.mean(),
                        s.stddev(),
                        s.first(),
                        s.last());
        int n = quantiles.length;
        if (n > 0) {
            double[] values = result.quantileBuffer(n);
            for (int i = 0; i < n; i++) {
                values[i] = s.quantile(quantiles[i]);
            }
        }
        result.quantilesFilled(n);
    }

    private static byte[] unnamed(long keyId) {
        return ("unknown:" + Long.toHexString(keyId)).getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- checkpoints

    private int keyGroupOf(long keyId) {
        // Must match keyBy on the Long key id: Flink hashes Long.hashCode() into key groups.
        return KeyGroupRangeAssignment.computeKeyGroupForKeyHash(
                Long.hashCode(keyId), maxParallelism);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        KeyedStateCheckpointOutputStream out = context.getRawKeyedOperatorStateOutput();
        store.prepareSnapshot(this::keyGroupOf);
        int[][] dictionaryByKeyGroup = indexByKeyGroup(dictionary.size(), dictionary::id);
        int[][] updatedByKeyGroup = indexByKeyGroup(updatedCount, i -> updatedKeys[i]);
        DataOutputViewStreamWrapper view = new DataOutputViewStreamWrapper(out);
        for (int kg : out.getKeyGroupList()) {
            out.startNewKeyGroup(kg);
            view.writeInt(STATE_VERSION);
            view.writeLong(watermark);
            view.writeLong(lastFiredEnd);
            int[] entries = dictionaryByKeyGroup[kg - keyGroups.getStartKeyGroup()];
            int n = entries == null ? 0 : entries[0];
            view.writeInt(n);
            for (int i = 1; i <= n; i++) {
                int e = entries[i];
                view.writeLong(dictionary.id(e));
                view.writeLong(dictionary.validUntil(e));
                view.writeInt(dictionary.length(e));
                view.write(dictionary.arena(), dictionary.offset(e), dictionary.length(e));
            }
            int[] updated = updatedByKeyGroup[kg - keyGroups.getStartKeyGroup()];
            int m = updated == null ? 0 : updated[0];
            view.writeInt(m);
            for (int i = 1; i <= m; i++) {
                int u = updated[i];
                view.writeLong(updatedKeys[u]);
                view.writeLong(updatedFromEnd[u]);
                view.writeLong(updatedToEnd[u]);
            }
            store.writeKeyGroup(kg, view);
        }
    }

    /**
     * Entries {@code 0 .. count} (of the dictionary, or of the updated windows) of each of this
     * subtask's key groups, indexed by {@code kg - first key group}; element 0 of each list is its
     * length.
     */
    private int[][] indexByKeyGroup(int count, IntToLongFunction keyIdOf) {
        int[][] byKg = new int[keyGroups.getNumberOfKeyGroups()][];
        for (int e = 0; e < count; e++) {
            int i = keyGroupOf(keyIdOf.applyAsLong(e)) - keyGroups.getStartKeyGroup();
            int[] list = byKg[i];
            if (list == null) {
                byKg[i] = list = new int[4];
            } else if (list[0] + 1 == list.length) {
                byKg[i] = list = Arrays.copyOf(list, list.length * 2);
            }
            list[++list[0]] = e;
        }
        return byKg;
    }

    private void restore(StateInitializationContext context) throws Exception {
        long restoredWatermark = Long.MAX_VALUE;
        long restoredFiredEnd = Long.MAX_VALUE;
        boolean any = false;
        byte[] keyBuffer = new byte[256];
        for (KeyGroupStatePartitionStreamProvider provider : context.getRawKeyedStateInputs()) {
            try (InputStream in = provider.getStream()) {
                DataInputViewStreamWrapper view = new DataInputViewStreamWrapper(in);
                int version = view.readInt();
                if (version != STATE_VERSION && version != STATE_VERSION_KEYS_FOR_GOOD) {
                    throw new IOException(
                            "Unsupported window state version "
                                    + version
                                    + " in key group "
                                    + provider.getKeyGroupId()
                                    + "; this build reads versions "
                                    + STATE_VERSION_KEYS_FOR_GOOD
                                    + " and "
                                    + STATE_VERSION);
                }
                // Subtasks that wrote different key groups may have been at different
                // watermarks; the smallest one never skips a window that has not fired.
                restoredWatermark = Math.min(restoredWatermark, view.readLong());
                restoredFiredEnd = Math.min(restoredFiredEnd, view.readLong());
                any = true;
                int n = view.readInt();
                for (int i = 0; i < n; i++) {
                    long id = view.readLong();
                    long validUntil =
                            version == STATE_VERSION_KEYS_FOR_GOOD
                                    ? Long.MAX_VALUE
                                    : view.readLong();
                    int len = view.readInt();
                    if (len > keyBuffer.length) {
                        keyBuffer = new byte[len];
                    }
                    view.readFully(keyBuffer, 0, len);
                    dictionary.put(id, keyBuffer, 0, len, validUntil);
                }
                int m = view.readInt();
                for (int i = 0; i < m; i++) {
                    long keyId = view.readLong();
                    long from = view.readLong();
                    long to = view.readLong();
                    appendUpdated(keyId, from, to);
                }
                store.readKeyGroup(view);
            }
        }
        if (any) {
            watermark = restoredWatermark;
            lastFiredEnd = restoredFiredEnd;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            // Every page goes back to Flink, also when the task fails.
            if (memory != null) {
                memory.close();
            }
        } finally {
            super.close();
        }
    }
}

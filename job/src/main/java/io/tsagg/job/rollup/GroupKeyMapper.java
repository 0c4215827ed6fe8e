package io.tsagg.job.rollup;

import io.tsagg.serde.collections.Long2IntOpenMap;
import io.tsagg.serde.ilp.SeriesKeyBuilder;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.record.MetricRecord;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Re-keys one rollup's copy of the decoded stream from series ids to that rollup's group ids, so
 * several rollups share one read and one decode of the input topic.
 *
 * <p>Chained right after the source: it sees each series' dictionary record before the series'
 * first sample (same source subtask, same thread). On a dictionary record it builds the group key
 * once ({@link SeriesKeyBuilder#groupIdOfSeriesKey}), remembers series id -> group id in a
 * primitive map, and announces the group key once; on a sample it emits the sample under the group
 * id. Per sample this is one primitive map probe and an array read: no allocation.
 *
 * <p><b>Key epochs.</b> A dictionary record valid until later than the ones before starts its
 * source's new key epoch (see {@code SampleEmitter}): the source announces every series again
 * before its next sample, so the mapper forgets its maps and announces each group key again, with
 * the series' valid-until time. So it holds the series and groups of one epoch.
 *
 * <p>The input record is shared with the other rollups' mappers (object reuse), so it is never
 * modified; the output is this mapper's own reused record. One instance per subtask.
 */
public final class GroupKeyMapper extends RichFlatMapFunction<MetricRecord, MetricRecord> {
    private static final long serialVersionUID = 1L;

    private final GroupKeySpec groupKeys;

    private transient SeriesKeyBuilder keyBuilder;
    private transient Long2IntOpenMap groupOfSeries;
    private transient long[] groupIds;
    private transient Long2IntOpenMap announced;
    private transient MetricRecord out;

    /** Valid-until time of the source's current key epoch (its latest dictionary records). */
    private transient long epochValidUntil;

    public GroupKeyMapper(GroupKeySpec groupKeys) {
        this.groupKeys = groupKeys;
    }

    @Override
    public void open(OpenContext openContext) {
        keyBuilder = new SeriesKeyBuilder(groupKeys, Integer.MAX_VALUE);
        groupIds = new long[1024];
        out = new MetricRecord();
        epochValidUntil = Long.MIN_VALUE;
        forgetMaps();
    }

    /** Empties the series-to-group map and the set of announced groups (a new key epoch). */
    private void forgetMaps() {
        groupOfSeries = new Long2IntOpenMap(4096, -1);
        announced = new Long2IntOpenMap(1024, 0);
    }

    /** Hot path for samples. */
    @Override
    public void flatMap(MetricRecord r, Collector<MetricRecord> collector) {
        if (r.isSample()) {
            int g = groupOfSeries.get(r.keyId());
            if (g < 0) {
                throw new IllegalStateException(
                        "sample of series "
                                + Long.toHexString(r.keyId())
                                + " before its dictionary record; the source must announce every"
                                + " series before its first sample");
            }
            // The origin goes along (bytes the router wrote for a sample behind the watermark):
            // the sample may turn out late in this rollup.
            collector.collect(out.setSample(groupIds[g], r.timestamp(), r.value()).originFrom(r));
        } else if (r.isKey() && r.validUntil() > epochValidUntil) {
            // The source's new key epoch: it announces every series again before its samples.
            epochValidUntil = r.validUntil();
            forgetMaps();
            mapSeries(r, collector);
        } else if (r.isKey() && groupOfSeries.get(r.keyId()) < 0) {
            mapSeries(r, collector);
        }
    }

    /** Maps a series announced by the source to its group, announcing the group key once. */
    private void mapSeries(MetricRecord r, Collector<MetricRecord> collector) {
        long groupId = keyBuilder.groupIdOfSeriesKey(r.keyBytes(), 0, r.keyLength());
        int g = groupOfSeries.size();
        if (g == groupIds.length) {
            groupIds = Arrays.copyOf(groupIds, g * 2);
        }
        groupIds[g] = groupId;
        groupOfSeries.put(r.keyId(), g);
        if (announced.get(groupId) == 0) {
            announced.put(groupId, 1);
            collector.collect(
                    out.setKey(
                            groupId, keyBuilder.key(), 0, keyBuilder.keyLength(), r.validUntil()));
        }
    }

    /** Distinct series seen by this subtask (for tests). */
    int seriesCount() {
        return groupOfSeries.size();
    }
}

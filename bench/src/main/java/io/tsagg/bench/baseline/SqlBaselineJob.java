package io.tsagg.bench.baseline;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The Flink SQL job a user writes for windowed statistics: the line-protocol topic as a Kafka table
 * with format {@code raw} (one line per record), parsed with {@code SPLIT_INDEX}, a {@code TUMBLE}
 * window table-valued function with {@code COUNT}, {@code SUM}, {@code MIN}, {@code MAX}, {@code
 * AVG}, {@code STDDEV_SAMP}, mini-batch and two-phase (local-global) aggregation on, results as
 * JSON to a Kafka table, exactly once. SQL has no first/last by timestamp among its standard
 * aggregates, so those two are not computed.
 */
public final class SqlBaselineJob {
    private SqlBaselineJob() {}

    /** The optimizer and runtime settings the job runs with (mini-batch, two-phase). */
    public static void configure(Configuration conf) {
        conf.setString("table.exec.mini-batch.enabled", "true");
        conf.setString("table.exec.mini-batch.allow-latency", "1 s");
        conf.setString("table.exec.mini-batch.size", "5000");
        conf.setString("table.optimizer.agg-phase-strategy", "TWO_PHASE");
        conf.setString("table.local-time-zone", "UTC");
    }

    /** Submits the job and waits for it to finish. Window and out-of-orderness in whole seconds. */
    public static void run(
            StreamTableEnvironment tables,
            String bootstrapServers,
            String interceptor,
            String inputTopic,
            String outputTopic,
            String groupId,
            Duration window,
            Duration outOfOrderness)
            throws Exception {
        String kafka =
                "'connector' = 'kafka', 'properties.bootstrap.servers' = '"
                        + bootstrapServers
                        + "'"
                        + (interceptor == null
                                ? ""
                                : ", 'properties.interceptor.classes' = '" + interceptor + "'");
        tables.executeSql(
                "CREATE TABLE lines (\n"
                        + "  line STRING,\n"
                        + "  rowtime AS TO_TIMESTAMP_LTZ(\n"
                        + "    CAST(SPLIT_INDEX(TRIM(TRAILING CHR(10) FROM line), ' ', 2) AS BIGINT)\n"
                        + "      / 1000000, 3),\n"
                        + "  WATERMARK FOR rowtime AS rowtime - INTERVAL '"
                        + outOfOrderness.toSeconds()
                        + "' SECOND\n"
                        + ") WITH ("
                        + kafka
                        + ", 'topic' = '"
                        + inputTopic
                        + "', 'properties.group.id' = '"
                        + groupId
                        + "', 'scan.startup.mode' = 'earliest-offset',"
                        + " 'scan.bounded.mode' = 'latest-offset', 'format' = 'raw')");
        tables.executeSql(
                "CREATE TABLE results (\n"
                        + "  `key` STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3),\n"
                        + "  `count` BIGINT, `sum` DOUBLE, `min` DOUBLE, `max` DOUBLE,"
                        + " mean DOUBLE, stddev DOUBLE\n"
                        + ") WITH ("
                        + kafka
                        + ", 'topic' = '"
                        + outputTopic
                        + "', 'format' = 'json', 'sink.delivery-guarantee' = 'exactly-once',"
                        + " 'sink.transactional-id-prefix' = 'sql-"
                        + groupId
                        + "', 'properties.transaction.timeout.ms' = '900000')");
        tables.executeSql(
                "CREATE TEMPORARY VIEW samples AS SELECT\n"
                        + "  SPLIT_INDEX(line, ' ', 0) || ' '"
                        + " || SPLIT_INDEX(SPLIT_INDEX(line, ' ', 1), '=', 0) AS k,\n"
                        + "  CAST(SPLIT_INDEX(SPLIT_INDEX(line, ' ', 1), '=', 1) AS DOUBLE) AS v,\n"
                        + "  rowtime\n"
                        + "FROM lines");
        TableResult result =
                tables.executeSql(
                        "INSERT INTO results\n"
                                + "SELECT k, window_start, window_end, COUNT(*), SUM(v), MIN(v),"
                                + " MAX(v), AVG(v), STDDEV_SAMP(v)\n"
                                + "FROM TABLE(TUMBLE(TABLE samples, DESCRIPTOR(rowtime),"
                                + " INTERVAL '"
                                + window.toSeconds()
                                + "' SECOND))\n"
                                + "GROUP BY k, window_start, window_end");
        result.await();
    }
}

package io.tsagg.bench.e2e;

/** The jobs the harness compares, each run in its own JVM on the same topics. */
enum Contender {
    /** A plain KafkaConsumer loop over the line-protocol topic: the ceiling. */
    RAW_ILP("raw-consumer-ilp", "ilp", "raw Kafka consumer (ceiling), line protocol"),
    /** A plain KafkaConsumer loop over the frame topic: the ceiling for frames. */
    RAW_FRAMES("raw-consumer-frames", "frame", "raw Kafka consumer (ceiling), frames"),
    /** Flink's KafkaSource into a sink that only touches records: Flink's own ceiling. */
    FLINK_SOURCE_ILP(
            "flink-source-ilp", "ilp", "Flink KafkaSource alone (Flink's ceiling), line protocol"),
    /** tsagg on line protocol, one sample per record, two-phase (the default). */
    TSAGG_ILP("tsagg-ilp", "ilp", "tsagg, line protocol (1 sample/record)"),
    /** tsagg on binary frames, two-phase (the default). */
    TSAGG_FRAMES("tsagg-frames", "frame", "tsagg, binary frames"),
    /** tsagg on line protocol, single phase ({@code --pre-aggregate false}). */
    TSAGG_ILP_1P("tsagg-ilp-1p", "ilp", "tsagg single-phase, line protocol"),
    /** tsagg on binary frames, single phase ({@code --pre-aggregate false}). */
    TSAGG_FRAMES_1P("tsagg-frames-1p", "frame", "tsagg single-phase, binary frames"),
    /** KafkaSource + keyBy + tumbling event-time window + AggregateFunction. */
    DATASTREAM("flink-datastream", "ilp", "Flink DataStream window + AggregateFunction"),
    /** Flink SQL: TUMBLE window TVF, mini-batch, two-phase aggregation. */
    SQL("flink-sql", "ilp", "Flink SQL TUMBLE TVF, mini-batch, two-phase");

    final String id;
    final String input;
    final String label;

    Contender(String id, String input, String label) {
        this.id = id;
        this.input = input;
        this.label = label;
    }

    /** tsagg with its pre-aggregator (two-phase). */
    boolean preAggregates() {
        return this == TSAGG_ILP || this == TSAGG_FRAMES;
    }

    boolean isRaw() {
        return this == RAW_ILP || this == RAW_FRAMES || this == FLINK_SOURCE_ILP;
    }

    static Contender byId(String id) {
        for (Contender c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown contender '" + id + "'");
    }
}

package io.tsagg.bench.baseline;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * The {@link AggregateFunction} a Flink user writes for windowed statistics over samples of type
 * {@code T}: the accumulator is updated in place and is also the result.
 */
public abstract class StatsAggregateFunction<T>
        implements AggregateFunction<T, StatsAccumulator, StatsAccumulator> {
    private static final long serialVersionUID = 1L;

    protected abstract long timestamp(T sample);

    protected abstract double value(T sample);

    @Override
    public StatsAccumulator createAccumulator() {
        return new StatsAccumulator();
    }

    @Override
    public StatsAccumulator add(T sample, StatsAccumulator acc) {
        return acc.add(timestamp(sample), value(sample));
    }

    @Override
    public StatsAccumulator getResult(StatsAccumulator acc) {
        return acc;
    }

    @Override
    public StatsAccumulator merge(StatsAccumulator a, StatsAccumulator b) {
        return a.merge(b);
    }
}

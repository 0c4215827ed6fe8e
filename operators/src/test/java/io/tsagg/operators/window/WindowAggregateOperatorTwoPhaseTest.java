package io.tsagg.operators.window;

/**
 * Two-phase aggregation: every test of {@link WindowAggregateOperatorTest} with a {@link
 * PreAggregateOperator} in front of the window operator (both on 64 MiB of managed memory), so
 * results, updates within the lateness, late samples, snapshots and rescaling must be those of
 * single-phase aggregation.
 */
class WindowAggregateOperatorTwoPhaseTest extends WindowAggregateOperatorTest {
    @Override
    protected long managedMemory() {
        return 64L << 20;
    }

    @Override
    protected boolean preAggregate() {
        return true;
    }
}

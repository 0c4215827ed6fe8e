package io.tsagg.operators.window;

/**
 * Tests for {@link WindowAggregateOperator} on the off-heap {@link ManagedWindowStore}: every test
 * of {@link WindowAggregateOperatorTest}, with 64 MiB of managed memory.
 */
class WindowAggregateOperatorManagedStoreTest extends WindowAggregateOperatorTest {
    @Override
    protected long managedMemory() {
        return 64L << 20;
    }
}

package io.tsagg.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** Tests for {@link SampleEmitter}'s far-future check. */
class SampleEmitterTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AtomicLong reads = new AtomicLong();

    private SampleEmitter emitter(long skewMs) {
        return new SampleEmitter(
                new UnregisteredMetricsGroup(),
                skewMs,
                () -> {
                    reads.incrementAndGet();
                    return now.get();
                });
    }

    @Test
    void shouldReadTheClockOnlyForATimestampBeyondTheLastHorizonAndAtMostOncePerRecord() {
        SampleEmitter e = emitter(1_000);

        e.newRecord();
        assertThat(e.beyondHorizon(1_000_500)).isFalse();
        assertThat(reads.get()).as("the first check reads the clock").isEqualTo(1);
        for (int record = 0; record < 100; record++) {
            e.newRecord();
            now.addAndGet(10);
            for (int i = 0; i < 10; i++) {
                assertThat(e.beyondHorizon(1_000_900 + i)).isFalse();
            }
        }
        assertThat(reads.get()).as("nothing beyond the horizon read last").isEqualTo(1);

        // Beyond the horizon read last (1,001,000), within the one a fresh read gives (1,002,000):
        // accepted, after one read.
        e.newRecord();
        assertThat(e.beyondHorizon(1_001_500)).isFalse();
        assertThat(e.futureHorizon()).isEqualTo(1_002_000);
        assertThat(reads.get()).isEqualTo(2);
        // In the same record, later samples beyond it: rejected against that horizon, no more
        // reads.
        now.addAndGet(5_000);
        assertThat(e.beyondHorizon(1_002_001)).isTrue();
        assertThat(e.beyondHorizon(1_003_000)).isTrue();
        assertThat(e.futureHorizon()).isEqualTo(1_002_000);
        assertThat(reads.get()).isEqualTo(2);
        // The next record reads again.
        e.newRecord();
        assertThat(e.beyondHorizon(1_003_000)).isFalse();
        assertThat(e.futureHorizon()).isEqualTo(1_007_000);
        assertThat(reads.get()).isEqualTo(3);
    }

    @Test
    void shouldKeepTheHorizonWhenTheClockIsSteppedBack() {
        SampleEmitter e = emitter(1_000);
        e.newRecord();
        assertThat(e.beyondHorizon(1_000_999)).isFalse();
        now.addAndGet(-60_000);
        e.newRecord();
        assertThat(e.beyondHorizon(1_000_999)).isFalse();
        assertThat(e.beyondHorizon(1_001_001)).isTrue();
        assertThat(e.futureHorizon()).isEqualTo(1_001_000);
    }

    @Test
    void shouldAcceptEveryTimestampWithoutALimitAndNeverReadTheClock() {
        SampleEmitter e = emitter(0);
        e.newRecord();
        assertThat(e.beyondHorizon(Long.MAX_VALUE)).isFalse();
        assertThat(e.beyondHorizon(Long.MIN_VALUE)).isFalse();
        assertThat(reads.get()).isZero();
    }

    @Test
    void shouldNotOverflowWhenTheSkewReachesTheEndOfTime() {
        SampleEmitter e = emitter(Long.MAX_VALUE - 10);
        e.newRecord();
        assertThat(e.beyondHorizon(Long.MAX_VALUE)).isFalse();
        assertThat(e.futureHorizon()).isEqualTo(Long.MAX_VALUE);
    }
}

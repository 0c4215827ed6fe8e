package io.tsagg.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.record.MetricRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** Tests for {@link SampleEmitter}'s far-future check and key epochs. */
class SampleEmitterTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AtomicLong reads = new AtomicLong();

    private SampleEmitter emitter(long skewMs) {
        return new SampleEmitter(
                new UnregisteredMetricsGroup(),
                skewMs,
                0,
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

    @Test
    void shouldAnnounceEachKeyOncePerEpochWithTheEpochsValidUntilTime() {
        SampleEmitter e =
                new SampleEmitter(
                        new UnregisteredMetricsGroup(), 0, 1_000, System::currentTimeMillis);
        List<MetricRecord> out = new ArrayList<>();
        Collector<MetricRecord> collector = collector(out);
        byte[] key = {'k'};

        assertThat(e.newKeyEpoch(Long.MIN_VALUE)).as("a record without samples").isFalse();
        e.announce(1L, key, 0, 1, collector);
        assertThat(out.get(0).validUntil()).as("before the first epoch").isEqualTo(Long.MIN_VALUE);

        assertThat(e.newKeyEpoch(5_000)).as("the first record with samples").isTrue();
        e.announce(1L, key, 0, 1, collector);
        e.announce(1L, key, 0, 1, collector);
        e.announce(2L, key, 0, 1, collector);
        assertThat(out).hasSize(3);
        assertThat(out.get(1).keyId()).isEqualTo(1L);
        assertThat(out.get(1).validUntil()).isEqualTo(6_000L);
        assertThat(out.get(2).keyId()).isEqualTo(2L);

        assertThat(e.newKeyEpoch(5_999)).isFalse();
        assertThat(e.newKeyEpoch(-7)).as("an old record").isFalse();
        e.announce(1L, key, 0, 1, collector);
        assertThat(out).hasSize(3);

        assertThat(e.newKeyEpoch(6_000)).as("a record reaching the valid-until time").isTrue();
        e.announce(1L, key, 0, 1, collector);
        assertThat(out).hasSize(4);
        assertThat(out.get(3).validUntil()).isEqualTo(7_000L);
        assertThat(e.keyValidUntil()).isEqualTo(7_000L);
    }

    @Test
    void shouldAnnounceEachKeyOnceForGoodWhenThereIsNoRefreshInterval() {
        SampleEmitter e = emitter(0);
        List<MetricRecord> out = new ArrayList<>();
        byte[] key = {'k'};

        for (long ts : new long[] {0, 1_000_000, Long.MAX_VALUE - 1}) {
            assertThat(e.newKeyEpoch(ts)).isFalse();
            e.announce(1L, key, 0, 1, collector(out));
        }

        assertThat(out).hasSize(1);
        assertThat(out.get(0).validUntil()).isEqualTo(Long.MAX_VALUE);
    }

    private static Collector<MetricRecord> collector(List<MetricRecord> out) {
        return new Collector<>() {
            @Override
            public void collect(MetricRecord r) {
                out.add(new MetricRecord().copyFrom(r));
            }

            @Override
            public void close() {}
        };
    }
}

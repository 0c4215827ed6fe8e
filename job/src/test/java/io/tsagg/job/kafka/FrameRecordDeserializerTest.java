package io.tsagg.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.frame.FrameWriter;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Tests for {@link FrameRecordDeserializer}. */
class FrameRecordDeserializerTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void shouldDeadLetterSamplesTooFarAheadOfTheWallClockAndKeepTheOthers() throws Exception {
        long now = System.currentTimeMillis();
        FrameWriter w = new FrameWriter();
        int a = w.addSeries("cpu,host=a v");
        int b = w.addSeries("cpu,host=b v");
        w.addSample(a, now - 60_000, 1.0);
        w.addSample(b, now + 10 * HOUR, 2.5); // far ahead
        w.addSample(a, now + 60_000, 3.0); // a little ahead: within the skew
        w.addSample(b, 4_102_444_800_000L, 4.0); // 2100
        CountingContext context = new CountingContext();
        FrameRecordDeserializer d = new FrameRecordDeserializer(GroupKeySpec.series(), HOUR);
        d.open(context);

        d.deserialize(new ConsumerRecord<>("in", 3, 42L, null, w.toByteArray()), context.collector);

        assertThat(context.samples())
                .extracting(MetricRecord::timestamp)
                .containsExactly(now - 60_000, now + 60_000);
        List<DeadLetter> dead = context.rejected().stream().map(MetricRecord::deadLetter).toList();
        assertThat(dead).extracting(DeadLetter::reason).containsOnly("timestamp_in_future");
        assertThat(dead)
                .extracting(l -> new String(l.payload(), StandardCharsets.UTF_8))
                .containsExactly(
                        "cpu,host=b v=2.5 " + (now + 10 * HOUR) * 1_000_000L,
                        "cpu,host=b v=4.0 4102444800000000000");
        assertThat(dead.get(0).topic()).isEqualTo("in");
        assertThat(dead.get(0).partition()).isEqualTo(3);
        assertThat(dead.get(0).offset()).isEqualTo(42L);
        assertThat(dead.get(1).message()).contains("2100-01-01T00:00:00Z", "--max-future-skew");
        assertThat(context.count("futureSamples")).isEqualTo(2);
        assertThat(context.count("samplesIn")).isEqualTo(2);
        assertThat(context.count("malformedRecords")).isZero();
    }

    @Test
    void shouldAcceptAnyTimestampUpTo2262WithoutALimit() throws Exception {
        FrameWriter w = new FrameWriter();
        w.addSample(w.addSeries("cpu v"), 4_102_444_800_000L, 1.0);
        CountingContext context = new CountingContext();
        FrameRecordDeserializer d = new FrameRecordDeserializer(GroupKeySpec.series(), 0);
        d.open(context);

        d.deserialize(new ConsumerRecord<>("in", 0, 0L, null, w.toByteArray()), context.collector);

        assertThat(context.samples()).hasSize(1);
        assertThat(context.rejected()).isEmpty();
        assertThat(context.count("futureSamples")).isZero();
    }
}

package io.tsagg.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tsagg.serde.ilp.TimestampPrecision;
import io.tsagg.serde.key.GroupKeySpec;
import io.tsagg.serde.record.DeadLetter;
import io.tsagg.serde.record.MetricRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Tests for {@link LineProtocolRecordDeserializer}. */
class LineProtocolRecordDeserializerTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void shouldDeadLetterLinesTooFarAheadOfTheWallClockAndKeepTheOthers() throws Exception {
        long now = System.currentTimeMillis();
        String future = "cpu,host=b u=1,s=2 " + (now + 10 * HOUR) * 1_000_000L;
        String bad = "cpu,host=c v=oops " + now * 1_000_000L;
        String record =
                "cpu,host=a v=1 "
                        + (now - 1000) * 1_000_000L
                        + "\n"
                        + future
                        + "\r\n"
                        + bad
                        + "\n# comment\ncpu,host=a v=2 "
                        + (now + 60_000) * 1_000_000L
                        + "\ncpu,host=d v=3 4102444800000000000";
        CountingContext context = new CountingContext();
        LineProtocolRecordDeserializer d =
                new LineProtocolRecordDeserializer(
                        TimestampPrecision.NANOSECONDS, GroupKeySpec.series(), HOUR);
        d.open(context);

        d.deserialize(
                new ConsumerRecord<>("in", 1, 7L, null, record.getBytes(StandardCharsets.UTF_8)),
                context.collector);

        assertThat(context.samples())
                .extracting(MetricRecord::timestamp)
                .containsExactly(now - 1000, now + 60_000);
        List<DeadLetter> dead = context.rejected().stream().map(MetricRecord::deadLetter).toList();
        assertThat(dead)
                .extracting(l -> l.reason() + " " + new String(l.payload(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder(
                        "bad_field_value " + bad,
                        "timestamp_in_future " + future,
                        "timestamp_in_future cpu,host=d v=3 4102444800000000000");
        DeadLetter first =
                dead.stream()
                        .filter(l -> l.reason().equals("timestamp_in_future"))
                        .findFirst()
                        .get();
        assertThat(first.position()).isEqualTo(record.indexOf(future));
        assertThat(context.count("futureSamples")).isEqualTo(3);
        assertThat(context.count("samplesIn")).isEqualTo(2);
        assertThat(context.count("malformedLines")).isEqualTo(1);
    }
}

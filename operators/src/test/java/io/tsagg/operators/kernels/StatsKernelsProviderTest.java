package io.tsagg.operators.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tsagg.operators.kernels.StatsKernelsProvider.Capabilities;
import io.tsagg.operators.kernels.StatsKernelsProvider.Decision;
import org.junit.jupiter.api.Test;

/** Tests for {@link StatsKernelsProvider}. */
class StatsKernelsProviderTest {
    private static final Capabilities CAPABLE = new Capabilities(true, true, true, true, 512);

    @Test
    void shouldChooseVectorWhenEveryCapabilityIsPresent() {
        assertThat(StatsKernelsProvider.decide(null, CAPABLE).vector()).isTrue();
        assertThat(new Capabilities(true, true, true, true, 256))
                .satisfies(c -> assertThat(StatsKernelsProvider.decide("", c).vector()).isTrue());
    }

    @Test
    void shouldChooseScalarAndSayWhyWhenACapabilityIsMissing() {
        assertScalar(new Capabilities(false, true, true, true, 0), "--add-modules");
        assertScalar(new Capabilities(true, false, true, true, 512), "HotSpot");
        assertScalar(new Capabilities(true, true, false, true, 512), "C2");
        assertScalar(new Capabilities(true, true, true, false, 512), "FMA");
        assertScalar(new Capabilities(true, true, true, true, 128), "128 bits");
    }

    @Test
    void shouldHonourForcedChoiceWhenPossible() {
        assertThat(StatsKernelsProvider.decide("scalar", CAPABLE).vector()).isFalse();
        assertThat(
                        StatsKernelsProvider.decide(
                                        " Vector ", new Capabilities(true, true, false, false, 128))
                                .vector())
                .isTrue();
        Decision noModule =
                StatsKernelsProvider.decide("vector", new Capabilities(false, true, true, true, 0));
        assertThat(noModule.vector()).isFalse();
        assertThat(noModule.reason()).contains("ignored");
    }

    @Test
    void shouldRejectUnknownForcedValueNamingTheProperty() {
        assertThatThrownBy(() -> StatsKernelsProvider.decide("simd", CAPABLE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(StatsKernelsProvider.PROPERTY)
                .hasMessageContaining("simd")
                .hasMessageContaining("'scalar' or 'vector'");
    }

    @Test
    void shouldOfferVectorKernelsWhenModuleIsPresent() {
        assertThat(StatsKernelsProvider.vector().isPresent())
                .isEqualTo(StatsKernelsProvider.vectorModulePresent());
        assertThat(StatsKernelsProvider.get()).isNotNull();
        assertThat(StatsKernelsProvider.scalar().name()).isEqualTo("scalar");
    }

    private static void assertScalar(Capabilities caps, String reason) {
        Decision d = StatsKernelsProvider.decide(null, caps);
        assertThat(d.vector()).as(caps.toString()).isFalse();
        assertThat(d.reason()).as(caps.toString()).contains(reason);
    }
}

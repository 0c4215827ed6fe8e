package io.tsagg.operators.kernels;

/**
 * Reductions the window store runs over a chunk of raw values of one (key, pane): the moments that
 * make a pane summary (count, compensated sum, min, max, mean, M2), a plain sum, and the position
 * of the smallest and largest timestamp of a timestamp column.
 *
 * <p>Two implementations, chosen once per JVM by {@link StatsKernelsProvider#get()}: {@code
 * PanamaStatsKernels} (Vector API) and {@link ScalarStatsKernels}, its scalar twin. Both are
 * stateless and thread-safe; results go into a caller-owned {@link ChunkMoments}, so the hot path
 * allocates nothing.
 *
 * <h2>Agreement of the twins</h2>
 *
 * For the same input, the twins return the same {@code count}, {@code min}, {@code max} and index
 * results bit for bit. Sums and M2 are summed in a different order (and the vector kernels' sum may
 * use Fast2Sum against a bias, see {@code PanamaStatsKernels}), so they may differ, within (with
 * {@code ε = 2^-53}, {@code n} values, {@code K} the first value of the chunk, {@code LANES} the
 * doubles per vector: 4 on AVX2, 8 on AVX-512):
 *
 * <ul>
 *   <li>{@code |Δsum| ≤ 2ε·|sum| + 2n²ε²·Σ|xᵢ| + ε·max|xᵢ|/2}: an ulp or two of the sum
 *       (compensated summation; the second term is the bound of Ogita, Rump and Oishi's Sum2, the
 *       last what the biased lanes' compensations may lose, which matters only when large values
 *       cancel);
 *   <li>{@code |ΔM2| ≤ (2n + 10·LANES)·ε·Σ(xᵢ − K)²}, and {@code Σ(xᵢ − K)² ≤ (n + 1)·M2} because
 *       {@code K} is one of the values;
 *   <li>{@code |Δmean| ≤ 4ε·(|mean| + |mean − K|) + |Δsum|/n}.
 * </ul>
 *
 * {@code StatsKernelsTwinTest} asserts these bounds.
 *
 * <h2>Non-finite values</h2>
 *
 * The job drops NaN and infinite values before they reach the store; the kernels still behave
 * predictably: {@code min} and {@code max} follow {@link Math#min(double, double)} and {@link
 * Math#max(double, double)} ({@code -0.0 < 0.0}, a NaN anywhere gives NaN); with a NaN or an
 * infinity in the chunk, {@code sum}, {@code mean} and {@code m2} are NaN or infinite (never a
 * finite wrong number), in both twins. Finite results also need {@code n·max|xᵢ|} to stay below
 * {@link Double#MAX_VALUE}.
 */
public interface StatsKernels {

    /**
     * A short name for logs and benchmarks, e.g. {@code "vector(256-bit, fast2sum)"}, {@code
     * "vector(512-bit)"} or {@code "scalar"}.
     */
    String name();

    /**
     * Reduces {@code values[from, to)} to its moments into {@code out} (which is overwritten) and
     * returns {@code out}. Merge the result into a running summary with Chan's parallel merge, e.g.
     * {@code Summary.mergeMoments}. Hot path: allocates nothing.
     *
     * @throws IndexOutOfBoundsException if {@code [from, to)} is not inside {@code values}
     */
    ChunkMoments moments(double[] values, int from, int to, ChunkMoments out);

    /**
     * The plain (uncompensated, in an implementation-defined order) sum of {@code values[from,
     * to)}; the baseline a memory-bound reduction is measured against. Hot path.
     */
    double sum(double[] values, int from, int to);

    /**
     * Index of the first occurrence of the smallest value of {@code values[from, to)}, or -1 when
     * the range is empty. On a timestamp column: the position of a chunk's {@code first} sample
     * (the earlier arrival wins a tie, as in {@code Summary.add}). Hot path.
     */
    int indexOfMin(long[] values, int from, int to);

    /**
     * Index of the last occurrence of the largest value of {@code values[from, to)}, or -1 when the
     * range is empty. On a timestamp column: the position of a chunk's {@code last} sample (the
     * later arrival wins a tie). Hot path.
     */
    int indexOfMax(long[] values, int from, int to);
}

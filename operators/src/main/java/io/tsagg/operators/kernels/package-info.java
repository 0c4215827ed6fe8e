/**
 * Statistics kernels: reductions over a chunk of raw values of one (key, pane), in a Vector API
 * implementation and its scalar twin, chosen once per JVM by {@link
 * io.tsagg.operators.kernels.StatsKernelsProvider}. Kernels know nothing of Flink or of the store.
 *
 * <h2>How a store calls them</h2>
 *
 * <pre>{@code
 * StatsKernels kernels = StatsKernelsProvider.get();   // once, at operator open
 * ChunkMoments moments = new ChunkMoments();           // one per store (task thread)
 * // a slot's chunk is full (or the pane fires):
 * kernels.moments(chunk, 0, filled, moments);
 * summary.mergeMoments(moments.count(), moments.sumHigh(), moments.sumLow(),
 *         moments.min(), moments.max(), moments.mean(), moments.m2());
 * }</pre>
 *
 * First and last are by timestamp and tracked per sample by the store; a store that keeps a
 * timestamp column per chunk can find them with {@code indexOfMin}/{@code indexOfMax} instead.
 *
 * <h2>Memory representation: {@code double[]}</h2>
 *
 * The kernels take {@code double[]} (and {@code long[]}) ranges. {@code DoubleVector.fromArray}
 * exists with the same signature in every JDK that ships the incubator module (17 to 25 at least),
 * while the off-heap entry points do not: JDK 17 has {@code fromByteBuffer}/{@code fromByteArray},
 * which later JDKs removed in favour of {@code fromMemorySegment} on {@code java.lang.foreign}
 * (final only from JDK 22). An off-heap variant compiled against 17 would break on 25 and one
 * compiled against 25 would not run on 17, so there is none: a managed-memory store copies a chunk
 * from its page into a reusable {@code double[]} (a bulk copy at memory speed, next to a reduction
 * that is compute-bound in L1) or keeps the chunk being filled on the heap. Should the copy show up
 * in a profile, a multi-release jar ({@code META-INF/versions/22}) can add a {@code MemorySegment}
 * variant without touching this API. The tests run on JDK 17 and on JDK 25.
 */
package io.tsagg.operators.kernels;

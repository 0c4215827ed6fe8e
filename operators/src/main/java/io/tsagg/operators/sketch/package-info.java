/**
 * Quantile sketches: {@link io.tsagg.operators.sketch.QuantileSketch}, a DDSketch-style
 * relative-error sketch (exact raw values while small) laid out in a region of a Flink {@code
 * MemorySegment}, so per (key, pane) sketches live in pool pages and merge across panes and partial
 * aggregates; {@link io.tsagg.operators.sketch.HeapQuantileSketch} owns a growing heap region.
 */
package io.tsagg.operators.sketch;

/**
 * Quantile sketches: {@link io.tsagg.operators.sketch.QuantileSketch}, a DDSketch-style
 * relative-error sketch laid out in a flat {@code long[]} region, so per (key, pane) sketches can
 * live in pool pages and merge across panes and partial aggregates.
 */
package io.tsagg.operators.sketch;

import jdk.incubator.vector.*;
import java.lang.management.*;
import java.util.*;

public class Exp {
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    static final int LANES = D.length();
    static final int AHEAD = Integer.getInteger("ahead", 256);
    static final int BLOCK = Integer.getInteger("block", 16);

    static final double[] lanes = new double[8*32];
    static final long[] longLanes = new long[2*32];
    static final double[] out = new double[8];

    static LongVector ordered(DoubleVector x) {
        LongVector bits = x.reinterpretAsLongs();
        return bits.lanewise(VectorOperators.XOR, bits.lanewise(VectorOperators.ASHR, 63).lanewise(VectorOperators.LSHR, 1));
    }

    // V0: current
    static double v0(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -LANES);
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s = DoubleVector.zero(D);
        DoubleVector c = s;
        DoubleVector q = s;
        LongVector mn = LongVector.broadcast(L, Long.MAX_VALUE);
        LongVector mx = LongVector.broadcast(L, Long.MIN_VALUE);
        final double[] lanes = Exp.lanes;
        final long[] longLanes = Exp.longLanes;
        for (int i = from; i < bound; i += LANES) {
            final DoubleVector x = DoubleVector.fromArray(D, values, i);
            final DoubleVector t = s.add(x);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(x.sub(b)));
            s = t;
            final DoubleVector d = x.sub(vk);
            q = d.fma(d, q);
            final LongVector o = ordered(x);
            mn = mn.min(o);
            mx = mx.max(o);
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q.intoArray(lanes, 2 * LANES);
            mn.intoArray(longLanes, 0);
            mx.intoArray(longLanes, LANES);
        }
        return finish(k);
    }

    // V3: full TwoSum per vector, stores once per block (nested loop)
    static double v3(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -LANES);
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s = DoubleVector.zero(D);
        DoubleVector c = s;
        DoubleVector q = s;
        LongVector mn = LongVector.broadcast(L, Long.MAX_VALUE);
        LongVector mx = LongVector.broadcast(L, Long.MIN_VALUE);
        final double[] lanes = Exp.lanes;
        final long[] longLanes = Exp.longLanes;
        final int step = BLOCK * LANES;
        for (int i = from; i < bound; ) {
            final int end = Math.min(bound, i + step);
            for (; i < end; i += LANES) {
                final DoubleVector x = DoubleVector.fromArray(D, values, i);
                final DoubleVector t = s.add(x);
                final DoubleVector b = t.sub(s);
                c = c.add(s.sub(t.sub(b)).add(x.sub(b)));
                s = t;
                final DoubleVector d = x.sub(vk);
                q = d.fma(d, q);
                final LongVector o = ordered(x);
                mn = mn.min(o);
                mx = mx.max(o);
            }
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q.intoArray(lanes, 2 * LANES);
            mn.intoArray(longLanes, 0);
            mx.intoArray(longLanes, LANES);
        }
        return finish(k);
    }

    // V2: block-wise compensation: plain sums within a block, TwoSum of block sum
    static double v2(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -LANES);
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        final DoubleVector zero = DoubleVector.zero(D);
        DoubleVector s = zero;
        DoubleVector c = s;
        DoubleVector q = s;
        LongVector mn = LongVector.broadcast(L, Long.MAX_VALUE);
        LongVector mx = LongVector.broadcast(L, Long.MIN_VALUE);
        final double[] lanes = Exp.lanes;
        final long[] longLanes = Exp.longLanes;
        final int step = BLOCK * LANES;
        for (int i = from; i < bound; ) {
            final int end = Math.min(bound, i + step);
            DoubleVector p = zero;
            for (; i < end; i += LANES) {
                final DoubleVector x = DoubleVector.fromArray(D, values, i);
                p = p.add(x);
                final DoubleVector d = x.sub(vk);
                q = d.fma(d, q);
                final LongVector o = ordered(x);
                mn = mn.min(o);
                mx = mx.max(o);
            }
            final DoubleVector t = s.add(p);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(p.sub(b)));
            s = t;
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q.intoArray(lanes, 2 * LANES);
            mn.intoArray(longLanes, 0);
            mx.intoArray(longLanes, LANES);
        }
        return finish(k);
    }

    // V4: full TwoSum, two accumulator sets, stores per block
    static double v4(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2*LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, c0 = s0, c1 = s0, q0 = s0, q1 = s0;
        LongVector mn0 = LongVector.broadcast(L, Long.MAX_VALUE), mn1 = mn0;
        LongVector mx0 = LongVector.broadcast(L, Long.MIN_VALUE), mx1 = mx0;
        final double[] lanes = Exp.lanes;
        final long[] longLanes = Exp.longLanes;
        final int step = BLOCK * LANES;
        for (int i = from; i < bound; ) {
            final int end = Math.min(bound, i + step);
            for (; i < end; i += 2*LANES) {
                final DoubleVector x = DoubleVector.fromArray(D, values, i);
                final DoubleVector y = DoubleVector.fromArray(D, values, i + LANES);
                DoubleVector t = s0.add(x);
                DoubleVector b = t.sub(s0);
                c0 = c0.add(s0.sub(t.sub(b)).add(x.sub(b)));
                s0 = t;
                t = s1.add(y);
                b = t.sub(s1);
                c1 = c1.add(s1.sub(t.sub(b)).add(y.sub(b)));
                s1 = t;
                DoubleVector d = x.sub(vk);
                q0 = d.fma(d, q0);
                d = y.sub(vk);
                q1 = d.fma(d, q1);
                LongVector o = ordered(x);
                mn0 = mn0.min(o);
                mx0 = mx0.max(o);
                o = ordered(y);
                mn1 = mn1.min(o);
                mx1 = mx1.max(o);
            }
            s0.intoArray(lanes, 0);
            c0.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            s1.intoArray(lanes, 3*LANES);
            c1.intoArray(lanes, 4*LANES);
            q1.add(q0).intoArray(lanes, 2 * LANES);
            mn0.min(mn1).intoArray(longLanes, 0);
            mx0.max(mx1).intoArray(longLanes, LANES);
        }
        return finish(k);
    }

    // V5: block-wise compensation with two plain accumulators and two loads per iteration
    static double v5(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2*LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        final DoubleVector zero = DoubleVector.zero(D);
        DoubleVector s = zero, c = zero, q0 = zero, q1 = zero;
        LongVector mn0 = LongVector.broadcast(L, Long.MAX_VALUE), mn1 = mn0;
        LongVector mx0 = LongVector.broadcast(L, Long.MIN_VALUE), mx1 = mx0;
        final double[] lanes = Exp.lanes;
        final long[] longLanes = Exp.longLanes;
        final int step = BLOCK * LANES;
        for (int i = from; i < bound; ) {
            final int end = Math.min(bound, i + step);
            DoubleVector p0 = zero, p1 = zero;
            for (; i < end; i += 2*LANES) {
                final DoubleVector x = DoubleVector.fromArray(D, values, i);
                final DoubleVector y = DoubleVector.fromArray(D, values, i + LANES);
                p0 = p0.add(x);
                p1 = p1.add(y);
                DoubleVector d = x.sub(vk);
                q0 = d.fma(d, q0);
                d = y.sub(vk);
                q1 = d.fma(d, q1);
                LongVector o = ordered(x);
                mn0 = mn0.min(o);
                mx0 = mx0.max(o);
                o = ordered(y);
                mn1 = mn1.min(o);
                mx1 = mx1.max(o);
            }
            final DoubleVector p = p0.add(p1);
            final DoubleVector t = s.add(p);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(p.sub(b)));
            s = t;
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q0.add(q1).intoArray(lanes, 2 * LANES);
            mn0.min(mn1).intoArray(longLanes, 0);
            mx0.max(mx1).intoArray(longLanes, LANES);
        }
        return finish(k);
    }


    // V6: single loop, 4 vectors per iteration, block-wise compensation
    static double v6(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(4*LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s = DoubleVector.zero(D), c = s, q0 = s, q1 = s;
        LongVector mn = LongVector.broadcast(L, Long.MAX_VALUE);
        LongVector mx = LongVector.broadcast(L, Long.MIN_VALUE);
        final double[] lanes = Exp.lanes;
        final long[] longLanes = Exp.longLanes;
        for (int i = from; i < bound; i += 4*LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2*LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3*LANES);
            final DoubleVector p = x0.add(x1).add(x2.add(x3));
            final DoubleVector t = s.add(p);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(p.sub(b)));
            s = t;
            DoubleVector d = x0.sub(vk);
            q0 = d.fma(d, q0);
            d = x1.sub(vk);
            q1 = d.fma(d, q1);
            d = x2.sub(vk);
            q0 = d.fma(d, q0);
            d = x3.sub(vk);
            q1 = d.fma(d, q1);
            final LongVector o0 = ordered(x0), o1 = ordered(x1), o2 = ordered(x2), o3 = ordered(x3);
            mn = mn.min(o0.min(o1).min(o2.min(o3)));
            mx = mx.max(o0.max(o1).max(o2.max(o3)));
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            q1.intoArray(lanes, 3 * LANES);
            mn.intoArray(longLanes, 0);
            mx.intoArray(longLanes, LANES);
        }
        return finish(k);
    }

    // V7: single loop, two full TwoSum sets
    static double v7(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2*LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, c0 = s0, c1 = s0, q0 = s0, q1 = s0;
        LongVector mn = LongVector.broadcast(L, Long.MAX_VALUE);
        LongVector mx = LongVector.broadcast(L, Long.MIN_VALUE);
        final double[] lanes = Exp.lanes;
        final long[] longLanes = Exp.longLanes;
        for (int i = from; i < bound; i += 2*LANES) {
            final DoubleVector x = DoubleVector.fromArray(D, values, i);
            final DoubleVector y = DoubleVector.fromArray(D, values, i + LANES);
            DoubleVector t = s0.add(x);
            DoubleVector b = t.sub(s0);
            c0 = c0.add(s0.sub(t.sub(b)).add(x.sub(b)));
            s0 = t;
            t = s1.add(y);
            b = t.sub(s1);
            c1 = c1.add(s1.sub(t.sub(b)).add(y.sub(b)));
            s1 = t;
            DoubleVector d = x.sub(vk);
            q0 = d.fma(d, q0);
            d = y.sub(vk);
            q1 = d.fma(d, q1);
            LongVector o = ordered(x), o1 = ordered(y);
            mn = mn.min(o.min(o1));
            mx = mx.max(o.max(o1));
            s0.intoArray(lanes, 0);
            c0.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            s1.intoArray(lanes, 3*LANES);
            c1.intoArray(lanes, 4*LANES);
            q1.intoArray(lanes, 5 * LANES);
            mn.intoArray(longLanes, 0);
            mx.intoArray(longLanes, LANES);
        }
        return finish(k);
    }

    // V8: single loop, 8 vectors per iteration, block-wise compensation
    static double v8(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(8*LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s = DoubleVector.zero(D), c = s, q0 = s, q1 = s;
        LongVector mn = LongVector.broadcast(L, Long.MAX_VALUE);
        LongVector mx = LongVector.broadcast(L, Long.MIN_VALUE);
        final double[] lanes = Exp.lanes;
        final long[] longLanes = Exp.longLanes;
        for (int i = from; i < bound; i += 8*LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2*LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3*LANES);
            final DoubleVector x4 = DoubleVector.fromArray(D, values, i + 4*LANES);
            final DoubleVector x5 = DoubleVector.fromArray(D, values, i + 5*LANES);
            final DoubleVector x6 = DoubleVector.fromArray(D, values, i + 6*LANES);
            final DoubleVector x7 = DoubleVector.fromArray(D, values, i + 7*LANES);
            final DoubleVector p = x0.add(x1).add(x2.add(x3)).add(x4.add(x5).add(x6.add(x7)));
            final DoubleVector t = s.add(p);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(p.sub(b)));
            s = t;
            DoubleVector d = x0.sub(vk);
            q0 = d.fma(d, q0);
            d = x1.sub(vk);
            q1 = d.fma(d, q1);
            d = x2.sub(vk);
            q0 = d.fma(d, q0);
            d = x3.sub(vk);
            q1 = d.fma(d, q1);
            d = x4.sub(vk);
            q0 = d.fma(d, q0);
            d = x5.sub(vk);
            q1 = d.fma(d, q1);
            d = x6.sub(vk);
            q0 = d.fma(d, q0);
            d = x7.sub(vk);
            q1 = d.fma(d, q1);
            final LongVector o0 = ordered(x0), o1 = ordered(x1), o2 = ordered(x2), o3 = ordered(x3);
            final LongVector o4 = ordered(x4), o5 = ordered(x5), o6 = ordered(x6), o7 = ordered(x7);
            mn = mn.min(o0.min(o1).min(o2.min(o3)).min(o4.min(o5).min(o6.min(o7))));
            mx = mx.max(o0.max(o1).max(o2.max(o3)).max(o4.max(o5).max(o6.max(o7))));
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            q1.intoArray(lanes, 3 * LANES);
            mn.intoArray(longLanes, 0);
            mx.intoArray(longLanes, LANES);
        }
        return finish(k);
    }


    // V10: v6 with double compare/blend min/max
    static double v10(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(4*LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s = DoubleVector.zero(D), c = s, q0 = s, q1 = s;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Exp.lanes;
        for (int i = from; i < bound; i += 4*LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2*LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3*LANES);
            final DoubleVector p = x0.add(x1).add(x2.add(x3));
            final DoubleVector t = s.add(p);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(p.sub(b)));
            s = t;
            DoubleVector d = x0.sub(vk);
            q0 = d.fma(d, q0);
            d = x1.sub(vk);
            q1 = d.fma(d, q1);
            d = x2.sub(vk);
            q0 = d.fma(d, q0);
            d = x3.sub(vk);
            q1 = d.fma(d, q1);
            final DoubleVector a01 = x0.blend(x1, x1.lt(x0));
            final DoubleVector a23 = x2.blend(x3, x3.lt(x2));
            final DoubleVector a = a01.blend(a23, a23.lt(a01));
            mn = mn.blend(a, a.lt(mn));
            final DoubleVector z01 = x0.blend(x1, x1.compare(VectorOperators.GT, x0));
            final DoubleVector z23 = x2.blend(x3, x3.compare(VectorOperators.GT, x2));
            final DoubleVector z = z01.blend(z23, z23.compare(VectorOperators.GT, z01));
            mx = mx.blend(z, z.compare(VectorOperators.GT, mx));
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            q1.intoArray(lanes, 3 * LANES);
            mn.intoArray(lanes, 4 * LANES);
            mx.intoArray(lanes, 5 * LANES);
        }
        return finish(k);
    }

    // V11: 8 vectors
    static double v11(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(8*LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s = DoubleVector.zero(D), c = s, q0 = s, q1 = s;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Exp.lanes;
        for (int i = from; i < bound; i += 8*LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2*LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3*LANES);
            final DoubleVector x4 = DoubleVector.fromArray(D, values, i + 4*LANES);
            final DoubleVector x5 = DoubleVector.fromArray(D, values, i + 5*LANES);
            final DoubleVector x6 = DoubleVector.fromArray(D, values, i + 6*LANES);
            final DoubleVector x7 = DoubleVector.fromArray(D, values, i + 7*LANES);
            final DoubleVector p = x0.add(x1).add(x2.add(x3)).add(x4.add(x5).add(x6.add(x7)));
            final DoubleVector t = s.add(p);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(p.sub(b)));
            s = t;
            DoubleVector d = x0.sub(vk);
            q0 = d.fma(d, q0);
            d = x1.sub(vk);
            q1 = d.fma(d, q1);
            d = x2.sub(vk);
            q0 = d.fma(d, q0);
            d = x3.sub(vk);
            q1 = d.fma(d, q1);
            d = x4.sub(vk);
            q0 = d.fma(d, q0);
            d = x5.sub(vk);
            q1 = d.fma(d, q1);
            d = x6.sub(vk);
            q0 = d.fma(d, q0);
            d = x7.sub(vk);
            q1 = d.fma(d, q1);
            final DoubleVector a01 = x0.blend(x1, x1.lt(x0));
            final DoubleVector a23 = x2.blend(x3, x3.lt(x2));
            final DoubleVector a45 = x4.blend(x5, x5.lt(x4));
            final DoubleVector a67 = x6.blend(x7, x7.lt(x6));
            final DoubleVector a03 = a01.blend(a23, a23.lt(a01));
            final DoubleVector a47 = a45.blend(a67, a67.lt(a45));
            final DoubleVector a = a03.blend(a47, a47.lt(a03));
            mn = mn.blend(a, a.lt(mn));
            final DoubleVector z01 = x0.blend(x1, x1.compare(VectorOperators.GT, x0));
            final DoubleVector z23 = x2.blend(x3, x3.compare(VectorOperators.GT, x2));
            final DoubleVector z45 = x4.blend(x5, x5.compare(VectorOperators.GT, x4));
            final DoubleVector z67 = x6.blend(x7, x7.compare(VectorOperators.GT, x6));
            final DoubleVector z03 = z01.blend(z23, z23.compare(VectorOperators.GT, z01));
            final DoubleVector z47 = z45.blend(z67, z67.compare(VectorOperators.GT, z45));
            final DoubleVector z = z03.blend(z47, z47.compare(VectorOperators.GT, z03));
            mx = mx.blend(z, z.compare(VectorOperators.GT, mx));
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            q1.intoArray(lanes, 3 * LANES);
            mn.intoArray(lanes, 4 * LANES);
            mx.intoArray(lanes, 5 * LANES);
        }
        return finish(k);
    }

    // V12: v10 + touch ahead
    static double v12(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(4*LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s = DoubleVector.zero(D), c = s, q0 = s, q1 = s;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Exp.lanes;
        final int last = to - 1;
        double touch = 0.0;
        for (int i = from; i < bound; i += 4*LANES) {
            final int j = i + AHEAD;
            touch += (values[Math.min(j, last)] + values[Math.min(j + LANES, last)]) + (values[Math.min(j + 2*LANES, last)] + values[Math.min(j + 3*LANES, last)]);
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2*LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3*LANES);
            final DoubleVector p = x0.add(x1).add(x2.add(x3));
            final DoubleVector t = s.add(p);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(p.sub(b)));
            s = t;
            DoubleVector d = x0.sub(vk);
            q0 = d.fma(d, q0);
            d = x1.sub(vk);
            q1 = d.fma(d, q1);
            d = x2.sub(vk);
            q0 = d.fma(d, q0);
            d = x3.sub(vk);
            q1 = d.fma(d, q1);
            final DoubleVector a01 = x0.blend(x1, x1.lt(x0));
            final DoubleVector a23 = x2.blend(x3, x3.lt(x2));
            final DoubleVector a = a01.blend(a23, a23.lt(a01));
            mn = mn.blend(a, a.lt(mn));
            final DoubleVector z01 = x0.blend(x1, x1.compare(VectorOperators.GT, x0));
            final DoubleVector z23 = x2.blend(x3, x3.compare(VectorOperators.GT, x2));
            final DoubleVector z = z01.blend(z23, z23.compare(VectorOperators.GT, z01));
            mx = mx.blend(z, z.compare(VectorOperators.GT, mx));
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            q1.intoArray(lanes, 3 * LANES);
            mn.intoArray(lanes, 4 * LANES);
            mx.intoArray(lanes, 5 * LANES);
        }
        lanes[7*LANES] = touch;
        return finish(k);
    }



    // V14: two passes per chunk: sum (block-compensated) streaming, then q+min/max from L1
    static double v14(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(4*LANES));
        sumPass(values, from, bound);
        qMinMaxPass(values, from, bound, k);
        return finish(k);
    }
    static double v15(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(4*LANES));
        sumQPass(values, from, bound, k);
        minMaxPass(values, from, bound);
        return finish(k);
    }
    static void sumPass(double[] values, int from, int bound) {
        DoubleVector s = DoubleVector.zero(D), c = s;
        final double[] lanes = Exp.lanes;
        for (int i = from; i < bound; i += 4*LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2*LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3*LANES);
            final DoubleVector p = x0.add(x1).add(x2.add(x3));
            final DoubleVector t = s.add(p);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(p.sub(b)));
            s = t;
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
        }
    }
    static void sumQPass(double[] values, int from, int bound, double k) {
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s = DoubleVector.zero(D), c = s, q0 = s, q1 = s;
        final double[] lanes = Exp.lanes;
        for (int i = from; i < bound; i += 4*LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2*LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3*LANES);
            final DoubleVector p = x0.add(x1).add(x2.add(x3));
            final DoubleVector t = s.add(p);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(p.sub(b)));
            s = t;
            DoubleVector d = x0.sub(vk);
            q0 = d.fma(d, q0);
            d = x1.sub(vk);
            q1 = d.fma(d, q1);
            d = x2.sub(vk);
            q0 = d.fma(d, q0);
            d = x3.sub(vk);
            q1 = d.fma(d, q1);
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            q1.intoArray(lanes, 3 * LANES);
        }
    }
    static void qMinMaxPass(double[] values, int from, int bound, double k) {
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector q0 = DoubleVector.zero(D), q1 = q0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Exp.lanes;
        for (int i = from; i < bound; i += 4*LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2*LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3*LANES);
            DoubleVector d = x0.sub(vk);
            q0 = d.fma(d, q0);
            d = x1.sub(vk);
            q1 = d.fma(d, q1);
            d = x2.sub(vk);
            q0 = d.fma(d, q0);
            d = x3.sub(vk);
            q1 = d.fma(d, q1);
            final DoubleVector a01 = x0.blend(x1, x1.lt(x0));
            final DoubleVector a23 = x2.blend(x3, x3.lt(x2));
            final DoubleVector a = a01.blend(a23, a23.lt(a01));
            mn = mn.blend(a, a.lt(mn));
            final DoubleVector z01 = x0.blend(x1, x1.compare(VectorOperators.GT, x0));
            final DoubleVector z23 = x2.blend(x3, x3.compare(VectorOperators.GT, x2));
            final DoubleVector z = z01.blend(z23, z23.compare(VectorOperators.GT, z01));
            mx = mx.blend(z, z.compare(VectorOperators.GT, mx));
            q0.intoArray(lanes, 2 * LANES);
            q1.intoArray(lanes, 3 * LANES);
            mn.intoArray(lanes, 4 * LANES);
            mx.intoArray(lanes, 5 * LANES);
        }
    }
    static void minMaxPass(double[] values, int from, int bound) {
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Exp.lanes;
        for (int i = from; i < bound; i += 4*LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2*LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3*LANES);
            final DoubleVector a01 = x0.blend(x1, x1.lt(x0));
            final DoubleVector a23 = x2.blend(x3, x3.lt(x2));
            final DoubleVector a = a01.blend(a23, a23.lt(a01));
            mn = mn.blend(a, a.lt(mn));
            final DoubleVector z01 = x0.blend(x1, x1.compare(VectorOperators.GT, x0));
            final DoubleVector z23 = x2.blend(x3, x3.compare(VectorOperators.GT, x2));
            final DoubleVector z = z01.blend(z23, z23.compare(VectorOperators.GT, z01));
            mx = mx.blend(z, z.compare(VectorOperators.GT, mx));
            mn.intoArray(lanes, 4 * LANES);
            mx.intoArray(lanes, 5 * LANES);
        }
    }


    // V16: sum + 8 independent FMAs per vector (not dependent on loads); V17: sum + 8 dependent ops per vector
    static double v16(double[] values, int from, int to) {
        int i = from; int n = to - from;
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        DoubleVector f0 = DoubleVector.broadcast(D, 1.0), f1 = f0, f2 = f0, f3 = f0, g = DoubleVector.broadcast(D, 0.999);
        int bound = from + (n & -(4 * LANES));
        for (; i < bound; i += 4 * LANES) {
            a0 = a0.add(DoubleVector.fromArray(D, values, i));
            a1 = a1.add(DoubleVector.fromArray(D, values, i + LANES));
            a2 = a2.add(DoubleVector.fromArray(D, values, i + 2 * LANES));
            a3 = a3.add(DoubleVector.fromArray(D, values, i + 3 * LANES));
            f0 = f0.fma(g, g); f1 = f1.fma(g, g); f2 = f2.fma(g, g); f3 = f3.fma(g, g);
            f0 = f0.fma(g, g); f1 = f1.fma(g, g); f2 = f2.fma(g, g); f3 = f3.fma(g, g);
            f0 = f0.fma(g, g); f1 = f1.fma(g, g); f2 = f2.fma(g, g); f3 = f3.fma(g, g);
            f0 = f0.fma(g, g); f1 = f1.fma(g, g); f2 = f2.fma(g, g); f3 = f3.fma(g, g);
            f0 = f0.fma(g, g); f1 = f1.fma(g, g); f2 = f2.fma(g, g); f3 = f3.fma(g, g);
            f0 = f0.fma(g, g); f1 = f1.fma(g, g); f2 = f2.fma(g, g); f3 = f3.fma(g, g);
            f0 = f0.fma(g, g); f1 = f1.fma(g, g); f2 = f2.fma(g, g); f3 = f3.fma(g, g);
            f0 = f0.fma(g, g); f1 = f1.fma(g, g); f2 = f2.fma(g, g); f3 = f3.fma(g, g);
            a0.intoArray(lanes, 0); a1.intoArray(lanes, LANES); a2.intoArray(lanes, 2*LANES); a3.intoArray(lanes, 3*LANES);
            f0.add(f1).add(f2.add(f3)).intoArray(lanes, 4*LANES);
        }
        return finish(0);
    }
    static double v17(double[] values, int from, int to) {
        int i = from; int n = to - from;
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        DoubleVector f0 = DoubleVector.broadcast(D, 1.0), f1 = f0, f2 = f0, f3 = f0, g = DoubleVector.broadcast(D, 0.999);
        int bound = from + (n & -(4 * LANES));
        for (; i < bound; i += 4 * LANES) {
            DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2 * LANES);
            DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3 * LANES);
            a0 = a0.add(x0); a1 = a1.add(x1); a2 = a2.add(x2); a3 = a3.add(x3);
            f0 = f0.fma(x0, g); f1 = f1.fma(x1, g); f2 = f2.fma(x2, g); f3 = f3.fma(x3, g);
            f0 = f0.fma(x0, g); f1 = f1.fma(x1, g); f2 = f2.fma(x2, g); f3 = f3.fma(x3, g);
            f0 = f0.fma(x0, g); f1 = f1.fma(x1, g); f2 = f2.fma(x2, g); f3 = f3.fma(x3, g);
            f0 = f0.fma(x0, g); f1 = f1.fma(x1, g); f2 = f2.fma(x2, g); f3 = f3.fma(x3, g);
            f0 = f0.fma(x0, g); f1 = f1.fma(x1, g); f2 = f2.fma(x2, g); f3 = f3.fma(x3, g);
            f0 = f0.fma(x0, g); f1 = f1.fma(x1, g); f2 = f2.fma(x2, g); f3 = f3.fma(x3, g);
            f0 = f0.fma(x0, g); f1 = f1.fma(x1, g); f2 = f2.fma(x2, g); f3 = f3.fma(x3, g);
            f0 = f0.fma(x0, g); f1 = f1.fma(x1, g); f2 = f2.fma(x2, g); f3 = f3.fma(x3, g);
            a0.intoArray(lanes, 0); a1.intoArray(lanes, LANES); a2.intoArray(lanes, 2*LANES); a3.intoArray(lanes, 3*LANES);
            f0.add(f1).add(f2.add(f3)).intoArray(lanes, 4*LANES);
        }
        return finish(0);
    }

    // V18: full TwoSum, two sets
    static double v18(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(4*LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s = DoubleVector.zero(D), c = s, q0 = s, q1 = s, s1 = s, c1 = s;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Exp.lanes;
        for (int i = from; i < bound; i += 4*LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2*LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3*LANES);
            DoubleVector t = s.add(x0);
            DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(x0.sub(b)));
            s = t;
            t = s1.add(x1);
            b = t.sub(s1);
            c1 = c1.add(s1.sub(t.sub(b)).add(x1.sub(b)));
            s1 = t;
            t = s.add(x2);
            b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(x2.sub(b)));
            s = t;
            t = s1.add(x3);
            b = t.sub(s1);
            c1 = c1.add(s1.sub(t.sub(b)).add(x3.sub(b)));
            s1 = t;
            DoubleVector d = x0.sub(vk);
            q0 = d.fma(d, q0);
            d = x1.sub(vk);
            q1 = d.fma(d, q1);
            d = x2.sub(vk);
            q0 = d.fma(d, q0);
            d = x3.sub(vk);
            q1 = d.fma(d, q1);
            final DoubleVector a01 = x0.blend(x1, x1.lt(x0));
            final DoubleVector a23 = x2.blend(x3, x3.lt(x2));
            final DoubleVector a = a01.blend(a23, a23.lt(a01));
            mn = mn.blend(a, a.lt(mn));
            final DoubleVector z01 = x0.blend(x1, x1.compare(VectorOperators.GT, x0));
            final DoubleVector z23 = x2.blend(x3, x3.compare(VectorOperators.GT, x2));
            final DoubleVector z = z01.blend(z23, z23.compare(VectorOperators.GT, z01));
            mx = mx.blend(z, z.compare(VectorOperators.GT, mx));
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            q1.intoArray(lanes, 3 * LANES);
            mn.intoArray(lanes, 4 * LANES);
            mx.intoArray(lanes, 5 * LANES);
            s1.intoArray(lanes, 6 * LANES);
            c1.intoArray(lanes, 7 * LANES);
        }
        return finish(k);
    }


    static double finish(double k) {
        double s = 0, q = 0; long mn = Long.MAX_VALUE, mx = Long.MIN_VALUE;
        for (int j = 0; j < 5*LANES; j++) { s += lanes[j]; }
        for (int j = 0; j < 2*LANES; j++) { mn = Math.min(mn, longLanes[j]); }
        return s + mn;
    }

    static double sum(double[] values, int from, int to) {
        int i = from; double s = 0.0; int n = to - from;
        DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
        int bound = from + (n & -(4 * LANES));
        for (; i < bound; i += 4 * LANES) {
            a0 = a0.add(DoubleVector.fromArray(D, values, i));
            a1 = a1.add(DoubleVector.fromArray(D, values, i + LANES));
            a2 = a2.add(DoubleVector.fromArray(D, values, i + 2 * LANES));
            a3 = a3.add(DoubleVector.fromArray(D, values, i + 3 * LANES));
        }
        a0 = a0.add(a1).add(a2.add(a3));
        s = a0.reduceLanes(VectorOperators.ADD);
        return s;
    }


    static double pass0(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v0(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass2(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v2(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass3(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v3(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass4(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v4(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass5(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v5(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass6(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v6(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass7(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v7(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass8(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v8(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass10(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v10(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass11(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v11(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass12(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v12(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass14(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v14(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass15(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v15(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass16(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v16(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass17(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v17(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass18(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += v18(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass9(double[] v, int chunk) {
        double acc = 0;
        for (int from = 0; from < v.length; from += chunk) acc += sum(v, from, Math.min(v.length, from + chunk));
        return acc;
    }
    static double pass(int variant, double[] v, int chunk) {
        switch (variant) {
            case 0: return pass0(v, chunk);
            case 2: return pass2(v, chunk);
            case 3: return pass3(v, chunk);
            case 4: return pass4(v, chunk);
            case 5: return pass5(v, chunk);
            case 6: return pass6(v, chunk);
            case 7: return pass7(v, chunk);
            case 8: return pass8(v, chunk);
            case 9: return pass9(v, chunk);
            case 18: return pass18(v, chunk);
            case 17: return pass17(v, chunk);
            case 16: return pass16(v, chunk);
            case 15: return pass15(v, chunk);
            case 14: return pass14(v, chunk);
            case 12: return pass12(v, chunk);
            case 11: return pass11(v, chunk);
            case 10: return pass10(v, chunk);
            default: throw new IllegalArgumentException();
        }
    }

    public static void main(String[] a) {
        int mib = Integer.getInteger("mib", 512);
        int chunk = Integer.parseInt(a[0]);
        int[] variants = Arrays.stream(a[1].split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(a[2]);
        double[] v = new double[mib * (1 << 20) / 8];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < v.length; i++) v[i] = r.nextDouble(0.0, 100.0);
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        Map<Integer, List<Double>> times = new TreeMap<>();
        double sink = 0;
        for (int round = 0; round < rounds; round++) {
            for (int var : variants) {
                long a0 = tb.getThreadAllocatedBytes(tid);
                long t0 = tb.getCurrentThreadCpuTime();
                sink += pass(var, v, chunk);
                long t1 = tb.getCurrentThreadCpuTime();
                long a1 = tb.getThreadAllocatedBytes(tid);
                if (round >= 5) times.computeIfAbsent(var, x -> new ArrayList<>()).add((t1 - t0) / 1e6);
                if (round == rounds - 1) System.out.printf("v%d alloc %d B/pass%n", var, a1 - a0);
            }
        }
        for (var e : times.entrySet()) {
            List<Double> l = e.getValue(); Collections.sort(l);
            System.out.printf("chunk %d v%d median %.4f ms min %.4f%n", chunk, e.getKey(), l.get(l.size()/2), l.get(0));
        }
        System.out.println(sink);
    }
}

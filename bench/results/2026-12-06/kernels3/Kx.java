import java.lang.management.*;
import java.util.*;
import jdk.incubator.vector.*;

public class Kx {
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    static final int LANES = D.length();
    static final int BLOCK = Integer.getInteger("block", 64);
    static long touched;
    static final double[] lanes = new double[16 * 8];
    static final long[] longLanes = new long[2 * 8];

    static LongVector ordered(DoubleVector x) {
        LongVector bits = x.reinterpretAsLongs();
        return bits.lanewise(VectorOperators.XOR,
                bits.lanewise(VectorOperators.ASHR, 63).lanewise(VectorOperators.LSHR, 1));
    }

    static double fin(int sets) {
        double r = 0;
        for (int j = 0; j < sets * 3 * LANES; j++) r += lanes[j];
        for (int j = 0; j < 2 * LANES; j++) r += longLanes[j];
        for (int j = 0; j < 2 * LANES; j++) r += lanes[64 + j];
        return r;
    }

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
        final double[] lanes = Kx.lanes;
        final long[] longLanes = Kx.longLanes;
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
        return fin(1);
    }

    // 1 set, double compare/blend min/max, stores every iteration
    static double v1(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -LANES);
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s = DoubleVector.zero(D);
        DoubleVector c = s;
        DoubleVector q = s;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += LANES) {
            final DoubleVector x = DoubleVector.fromArray(D, values, i);
            final DoubleVector t = s.add(x);
            final DoubleVector b = t.sub(s);
            c = c.add(s.sub(t.sub(b)).add(x.sub(b)));
            s = t;
            final DoubleVector d = x.sub(vk);
            q = d.fma(d, q);
            mn = mn.blend(x, x.lt(mn));
            mx = mx.blend(x, mx.lt(x));
            s.intoArray(lanes, 0);
            c.intoArray(lanes, LANES);
            q.intoArray(lanes, 2 * LANES);
            mn.intoArray(lanes, 64);
            mx.intoArray(lanes, 64 + LANES);
        }
        return fin(1);
    }

    // 2 sets, pairwise min/max, stores every iteration
    static double v2(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
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
            VectorMask<Double> m = x.lt(y);
            DoubleVector lo = y.blend(x, m);
            DoubleVector hi = x.blend(y, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            s0.intoArray(lanes, 0);
            c0.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            s1.intoArray(lanes, 3 * LANES);
            c1.intoArray(lanes, 4 * LANES);
            q1.intoArray(lanes, 5 * LANES);
            mn.intoArray(lanes, 64);
            mx.intoArray(lanes, 64 + LANES);
        }
        return fin(2);
    }

    // v2 with stores once per block of BLOCK pairs
    static double v3(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        final int step = BLOCK * 2 * LANES;
        for (int i = from; i < bound; ) {
            final int end = Math.min(bound, i + step);
            for (; i < end; i += 2 * LANES) {
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
                VectorMask<Double> m = x.lt(y);
                DoubleVector lo = y.blend(x, m);
                DoubleVector hi = x.blend(y, m);
                mn = mn.blend(lo, lo.lt(mn));
                mx = mx.blend(hi, mx.lt(hi));
            }
            s0.intoArray(lanes, 0);
            c0.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            s1.intoArray(lanes, 3 * LANES);
            c1.intoArray(lanes, 4 * LANES);
            q1.intoArray(lanes, 5 * LANES);
            mn.intoArray(lanes, 64);
            mx.intoArray(lanes, 64 + LANES);
        }
        return fin(2);
    }

    static final DoubleVector ONE = DoubleVector.broadcast(D, 1.0);

    // v3 with some adds on the FMA pipes: fma(a, 1, b) == a + b
    static double v4(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        final int step = BLOCK * 2 * LANES;
        for (int i = from; i < bound; ) {
            final int end = Math.min(bound, i + step);
            for (; i < end; i += 2 * LANES) {
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
                DoubleVector d = x.fma(one, vk);
                q0 = d.fma(d, q0);
                d = y.fma(one, vk);
                q1 = d.fma(d, q1);
                VectorMask<Double> m = x.lt(y);
                DoubleVector lo = y.blend(x, m);
                DoubleVector hi = x.blend(y, m);
                mn = mn.blend(lo, lo.lt(mn));
                mx = mx.blend(hi, mx.lt(hi));
            }
            s0.intoArray(lanes, 0);
            c0.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            s1.intoArray(lanes, 3 * LANES);
            c1.intoArray(lanes, 4 * LANES);
            q1.intoArray(lanes, 5 * LANES);
            mn.intoArray(lanes, 64);
            mx.intoArray(lanes, 64 + LANES);
        }
        return fin(2);
    }

    // v4 + more on FMA pipes: the two error terms
    static double v5(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        final int step = BLOCK * 2 * LANES;
        for (int i = from; i < bound; ) {
            final int end = Math.min(bound, i + step);
            for (; i < end; i += 2 * LANES) {
                final DoubleVector x = DoubleVector.fromArray(D, values, i);
                final DoubleVector y = DoubleVector.fromArray(D, values, i + LANES);
                DoubleVector t = s0.add(x);
                DoubleVector b = t.sub(s0);
                // x - b = fma(b, -1, x)
                c0 = c0.add(s0.sub(t.sub(b)).add(b.fma(mone, x)));
                s0 = t;
                t = s1.add(y);
                b = t.sub(s1);
                c1 = c1.add(s1.sub(t.sub(b)).add(b.fma(mone, y)));
                s1 = t;
                DoubleVector d = x.fma(one, vk);
                q0 = d.fma(d, q0);
                d = y.fma(one, vk);
                q1 = d.fma(d, q1);
                VectorMask<Double> m = x.lt(y);
                DoubleVector lo = y.blend(x, m);
                DoubleVector hi = x.blend(y, m);
                mn = mn.blend(lo, lo.lt(mn));
                mx = mx.blend(hi, mx.lt(hi));
            }
            s0.intoArray(lanes, 0);
            c0.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            s1.intoArray(lanes, 3 * LANES);
            c1.intoArray(lanes, 4 * LANES);
            q1.intoArray(lanes, 5 * LANES);
            mn.intoArray(lanes, 64);
            mx.intoArray(lanes, 64 + LANES);
        }
        return fin(2);
    }

    // v2 (stores every iteration) + v5's FMA-pipe adds
    static double v6(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x = DoubleVector.fromArray(D, values, i);
            final DoubleVector y = DoubleVector.fromArray(D, values, i + LANES);
            DoubleVector t = s0.add(x);
            DoubleVector b = t.sub(s0);
            c0 = c0.add(s0.sub(t.sub(b)).add(b.fma(mone, x)));
            s0 = t;
            t = s1.add(y);
            b = t.sub(s1);
            c1 = c1.add(s1.sub(t.sub(b)).add(b.fma(mone, y)));
            s1 = t;
            DoubleVector d = x.fma(one, vk);
            q0 = d.fma(d, q0);
            d = y.fma(one, vk);
            q1 = d.fma(d, q1);
            VectorMask<Double> m = x.lt(y);
            DoubleVector lo = y.blend(x, m);
            DoubleVector hi = x.blend(y, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            s0.intoArray(lanes, 0);
            c0.intoArray(lanes, LANES);
            q0.intoArray(lanes, 2 * LANES);
            s1.intoArray(lanes, 3 * LANES);
            c1.intoArray(lanes, 4 * LANES);
            q1.intoArray(lanes, 5 * LANES);
            mn.intoArray(lanes, 64);
            mx.intoArray(lanes, 64 + LANES);
        }
        return fin(2);
    }

    static double v7(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
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
            VectorMask<Double> m = x.lt(y);
            DoubleVector lo = y.blend(x, m);
            DoubleVector hi = x.blend(y, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
        }
        s0.intoArray(lanes, 0);
        c0.intoArray(lanes, LANES);
        q0.intoArray(lanes, 2 * LANES);
        s1.intoArray(lanes, 3 * LANES);
        c1.intoArray(lanes, 4 * LANES);
        q1.intoArray(lanes, 5 * LANES);
        mn.intoArray(lanes, 64);
        mx.intoArray(lanes, 64 + LANES);
        return fin(2);
    }
    static double v8(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x = DoubleVector.fromArray(D, values, i);
            final DoubleVector y = DoubleVector.fromArray(D, values, i + LANES);
            DoubleVector t = s0.add(x);
            DoubleVector b = t.sub(s0);
            c0 = c0.add(s0.sub(t.sub(b)).add(b.fma(mone, x)));
            s0 = t;
            t = s1.add(y);
            b = t.sub(s1);
            c1 = c1.add(s1.sub(t.sub(b)).add(b.fma(mone, y)));
            s1 = t;
            DoubleVector d = x.fma(one, vk);
            q0 = d.fma(d, q0);
            d = y.fma(one, vk);
            q1 = d.fma(d, q1);
            VectorMask<Double> m = x.lt(y);
            DoubleVector lo = y.blend(x, m);
            DoubleVector hi = x.blend(y, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
        }
        s0.intoArray(lanes, 0);
        c0.intoArray(lanes, LANES);
        q0.intoArray(lanes, 2 * LANES);
        s1.intoArray(lanes, 3 * LANES);
        c1.intoArray(lanes, 4 * LANES);
        q1.intoArray(lanes, 5 * LANES);
        mn.intoArray(lanes, 64);
        mx.intoArray(lanes, 64 + LANES);
        return fin(2);
    }
    static double v9(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, k);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
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
            VectorMask<Double> m = x.lt(y);
            DoubleVector lo = y.blend(x, m);
            DoubleVector hi = x.blend(y, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0);
                c0.intoArray(lanes, LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }
    static double v10(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x = DoubleVector.fromArray(D, values, i);
            final DoubleVector y = DoubleVector.fromArray(D, values, i + LANES);
            DoubleVector t = s0.add(x);
            DoubleVector b = t.sub(s0);
            c0 = c0.add(s0.sub(t.sub(b)).add(b.fma(mone, x)));
            s0 = t;
            t = s1.add(y);
            b = t.sub(s1);
            c1 = c1.add(s1.sub(t.sub(b)).add(b.fma(mone, y)));
            s1 = t;
            DoubleVector d = x.fma(one, vk);
            q0 = d.fma(d, q0);
            d = y.fma(one, vk);
            q1 = d.fma(d, q1);
            VectorMask<Double> m = x.lt(y);
            DoubleVector lo = y.blend(x, m);
            DoubleVector hi = x.blend(y, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0);
                c0.intoArray(lanes, LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    // GEN BEGIN
    static double v20(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(b.fma(mone, x0));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(b.fma(mone, x1));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v21(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(x0.sub(b));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(x1.sub(b));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v22(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = u.fma(mone, s0).add(b.fma(mone, x0));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = u.fma(mone, s1).add(b.fma(mone, x1));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v23(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = u.fma(mone, s0).add(x0.sub(b));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = u.fma(mone, s1).add(x1.sub(b));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v24(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(4 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 4 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2 * LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(b.fma(mone, x0));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(b.fma(mone, x1));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            { DoubleVector t = s0.add(x2);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(b.fma(mone, x2));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x2.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x3);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(b.fma(mone, x3));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x3.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            VectorMask<Double> m2 = x2.lt(x3);
            DoubleVector lo2 = x3.blend(x2, m2), hi2 = x2.blend(x3, m2);
            lo = lo.blend(lo2, lo2.lt(lo)); hi = hi.blend(hi2, hi.lt(hi2));
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 8 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v25(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(4 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 4 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2 * LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(x0.sub(b));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(x1.sub(b));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            { DoubleVector t = s0.add(x2);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(x2.sub(b));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x2.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x3);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(x3.sub(b));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x3.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            VectorMask<Double> m2 = x2.lt(x3);
            DoubleVector lo2 = x3.blend(x2, m2), hi2 = x2.blend(x3, m2);
            lo = lo.blend(lo2, lo2.lt(lo)); hi = hi.blend(hi2, hi.lt(hi2));
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 8 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v26(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(4 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 4 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2 * LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = u.fma(mone, s0).add(b.fma(mone, x0));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = u.fma(mone, s1).add(b.fma(mone, x1));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            { DoubleVector t = s0.add(x2);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = u.fma(mone, s0).add(b.fma(mone, x2));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x2.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x3);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = u.fma(mone, s1).add(b.fma(mone, x3));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x3.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            VectorMask<Double> m2 = x2.lt(x3);
            DoubleVector lo2 = x3.blend(x2, m2), hi2 = x2.blend(x3, m2);
            lo = lo.blend(lo2, lo2.lt(lo)); hi = hi.blend(hi2, hi.lt(hi2));
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 8 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v27(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(x0.sub(b));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.add(vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(x1.sub(b));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.add(vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v28(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(4 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 4 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            final DoubleVector x2 = DoubleVector.fromArray(D, values, i + 2 * LANES);
            final DoubleVector x3 = DoubleVector.fromArray(D, values, i + 3 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(x0.sub(b));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.add(vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(x1.sub(b));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.add(vk);
              q1 = d.fma(d, q1); }
            { DoubleVector t = s0.add(x2);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(x2.sub(b));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x2.add(vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x3);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(x3.sub(b));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x3.add(vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            VectorMask<Double> m2 = x2.lt(x3);
            DoubleVector lo2 = x3.blend(x2, m2), hi2 = x2.blend(x3, m2);
            lo = lo.blend(lo2, lo2.lt(lo)); hi = hi.blend(hi2, hi.lt(hi2));
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 8 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v29(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = b.fma(mone, x0).fma(one, s0.sub(u));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = b.fma(mone, x1).fma(one, s1.sub(u));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }
    // GEN END
    static double v60(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        long touch = 0;
        final int last = to - 1;
        for (int i = from; i < bound; i += 2 * LANES) {
            touch ^= Double.doubleToRawLongBits(values[Math.min(i + 64, last)]);
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(b.fma(mone, x0));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(b.fma(mone, x1));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        touched = touch;
        return fin(2);
    }
    static double v61(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        long touch = 0;
        final int last = to - 1;
        for (int i = from; i < bound; i += 2 * LANES) {
            touch ^= Double.doubleToRawLongBits(values[Math.min(i + 128, last)]);
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(b.fma(mone, x0));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(b.fma(mone, x1));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        touched = touch;
        return fin(2);
    }
    static double v62(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        long touch = 0;
        final int last = to - 1;
        for (int i = from; i < bound; i += 2 * LANES) {
            touch ^= Double.doubleToRawLongBits(values[Math.min(i + 256, last)]);
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(b.fma(mone, x0));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(b.fma(mone, x1));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        touched = touch;
        return fin(2);
    }
    static double v63(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        long touch = 0;
        final int last = to - 1;
        for (int i = from; i < bound; i += 2 * LANES) {
            touch ^= Double.doubleToRawLongBits(values[Math.min(i + 512, last)]);
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(b.fma(mone, x0));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(b.fma(mone, x1));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        touched = touch;
        return fin(2);
    }
    static double v40(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(b.fma(mone, x0));
              c0 = c0.add(e);
              s0 = t;

              }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(b.fma(mone, x1));
              c1 = c1.add(e);
              s1 = t;

              }
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }
    static double v41(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(b.fma(mone, x0));
              c0 = c0.add(e);
              s0 = t;
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(b.fma(mone, x1));
              c1 = c1.add(e);
              s1 = t;
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }
    static double v42(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            { DoubleVector t = s0.add(x0);
              DoubleVector b = t.sub(s0);
              DoubleVector u = t.sub(b);
              DoubleVector e = s0.sub(u).add(b.fma(mone, x0));
              c0 = c0.add(e);
              s0 = t;

              }
            { DoubleVector t = s1.add(x1);
              DoubleVector b = t.sub(s1);
              DoubleVector u = t.sub(b);
              DoubleVector e = s1.sub(u).add(b.fma(mone, x1));
              c1 = c1.add(e);
              s1 = t;

              }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }
    static double v43(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            {
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            {
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }
    static double v44(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            {

              }
            {

              }
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }
    static double v45(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i + 0 * LANES);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + 1 * LANES);
            {
              DoubleVector d = x0.fma(one, vk);
              q0 = d.fma(d, q0); }
            {
              DoubleVector d = x1.fma(one, vk);
              q1 = d.fma(d, q1); }
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }
    // GEN2 BEGIN
    static double v50(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            DoubleVector d0 = x0.add(vk);
            q0 = d0.fma(d0, q0);
            DoubleVector d1 = x1.add(vk);
            q1 = d1.fma(d1, q1);
            DoubleVector t0 = s0.add(x0);
            DoubleVector b0 = t0.sub(s0);
            DoubleVector e0 = s0.sub(t0.sub(b0)).add(x0.sub(b0));
            s0 = t0;
            DoubleVector t1 = s0.add(x1);
            DoubleVector b1 = t1.sub(s0);
            DoubleVector e1 = s0.sub(t1.sub(b1)).add(x1.sub(b1));
            s0 = t1;
            c0 = c0.add(e0.add(e1));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v51(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            DoubleVector d0 = x0.fma(one, vk);
            q0 = d0.fma(d0, q0);
            DoubleVector d1 = x1.fma(one, vk);
            q1 = d1.fma(d1, q1);
            DoubleVector t0 = s0.add(x0);
            DoubleVector b0 = t0.sub(s0);
            DoubleVector e0 = s0.sub(t0.sub(b0)).add(b0.fma(mone, x0));
            s0 = t0;
            DoubleVector t1 = s0.add(x1);
            DoubleVector b1 = t1.sub(s0);
            DoubleVector e1 = s0.sub(t1.sub(b1)).add(b1.fma(mone, x1));
            s0 = t1;
            c0 = c0.add(e0.add(e1));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v52(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            DoubleVector d0 = x0.add(vk);
            q0 = d0.fma(d0, q0);
            DoubleVector d1 = x1.add(vk);
            q1 = d1.fma(d1, q1);
            DoubleVector t0 = s0.add(x0);
            DoubleVector b0 = t0.sub(s0);
            DoubleVector e0 = s0.sub(t0.sub(b0)).add(x0.sub(b0));
            s0 = t0;
            DoubleVector t1 = s1.add(x1);
            DoubleVector b1 = t1.sub(s1);
            DoubleVector e1 = s1.sub(t1.sub(b1)).add(x1.sub(b1));
            s1 = t1;
            c0 = c0.add(e0.add(e1));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v53(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            DoubleVector d0 = x0.fma(one, vk);
            q0 = d0.fma(d0, q0);
            DoubleVector d1 = x1.fma(one, vk);
            q1 = d1.fma(d1, q1);
            DoubleVector t0 = s0.add(x0);
            DoubleVector b0 = t0.sub(s0);
            DoubleVector e0 = s0.sub(t0.sub(b0)).add(b0.fma(mone, x0));
            s0 = t0;
            DoubleVector t1 = s1.add(x1);
            DoubleVector b1 = t1.sub(s1);
            DoubleVector e1 = s1.sub(t1.sub(b1)).add(b1.fma(mone, x1));
            s1 = t1;
            c0 = c0.add(e0.add(e1));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v54(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            DoubleVector d0 = x0.fma(one, vk);
            q0 = d0.fma(d0, q0);
            DoubleVector d1 = x1.fma(one, vk);
            q1 = d1.fma(d1, q1);
            DoubleVector t0 = s0.add(x0);
            DoubleVector b0 = t0.sub(s0);
            DoubleVector e0 = s0.sub(t0.sub(b0)).add(x0.sub(b0));
            s0 = t0;
            DoubleVector t1 = s0.add(x1);
            DoubleVector b1 = t1.sub(s0);
            DoubleVector e1 = s0.sub(t1.sub(b1)).add(x1.sub(b1));
            s0 = t1;
            c0 = c0.add(e0.add(e1));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v55(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector one = DoubleVector.broadcast(D, 1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            DoubleVector d0 = x0.fma(one, vk);
            q0 = d0.fma(d0, q0);
            DoubleVector d1 = x1.fma(one, vk);
            q1 = d1.fma(d1, q1);
            DoubleVector t0 = s0.add(x0);
            DoubleVector b0 = t0.sub(s0);
            DoubleVector e0 = s0.sub(t0.sub(b0)).add(x0.sub(b0));
            s0 = t0;
            DoubleVector t1 = s1.add(x1);
            DoubleVector b1 = t1.sub(s1);
            DoubleVector e1 = s1.sub(t1.sub(b1)).add(x1.sub(b1));
            s1 = t1;
            c0 = c0.add(e0); c1 = c1.add(e1);
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }

    static double v56(double[] values, int from, int to) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final DoubleVector vk = DoubleVector.broadcast(D, -k);
        final DoubleVector mone = DoubleVector.broadcast(D, -1.0);
        DoubleVector s0 = DoubleVector.zero(D), c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(D, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        final double[] lanes = Kx.lanes;
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(D, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(D, values, i + LANES);
            VectorMask<Double> m = x0.lt(x1);
            DoubleVector lo = x1.blend(x0, m), hi = x0.blend(x1, m);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            DoubleVector d0 = x0.add(vk);
            q0 = d0.fma(d0, q0);
            DoubleVector d1 = x1.add(vk);
            q1 = d1.fma(d1, q1);
            DoubleVector t0 = s0.add(x0);
            DoubleVector b0 = t0.sub(s0);
            DoubleVector e0 = s0.sub(t0.sub(b0)).add(b0.fma(mone, x0));
            s0 = t0;
            DoubleVector t1 = s0.add(x1);
            DoubleVector b1 = t1.sub(s0);
            DoubleVector e1 = s0.sub(t1.sub(b1)).add(b1.fma(mone, x1));
            s0 = t1;
            c0 = c0.add(e0.add(e1));
            if (i + 4 * LANES > bound) {
                s0.intoArray(lanes, 0 * LANES);
                c0.intoArray(lanes, 1 * LANES);
                q0.intoArray(lanes, 2 * LANES);
                s1.intoArray(lanes, 3 * LANES);
                c1.intoArray(lanes, 4 * LANES);
                q1.intoArray(lanes, 5 * LANES);
                mn.intoArray(lanes, 64);
                mx.intoArray(lanes, 64 + LANES);
            }
        }
        return fin(2);
    }
    // GEN2 END
    static double sum(double[] values, int from, int to) {
        int i = from;
        double s = 0.0;
        int n = to - from;
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
        for (; i < to; i++) s += values[i];
        return s;
    }

    // scalar twin as in production
    static double scalar(double[] values, int from, int to) {
        double k = values[from];
        double s = 0.0, c = 0.0, q = 0.0;
        double mn = Double.POSITIVE_INFINITY, mx = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            double x = values[i];
            double t = s + x;
            double bp = t - s;
            c += (s - (t - bp)) + (x - bp);
            s = t;
            double d = x - k;
            q += d * d;
            mn = Math.min(mn, x);
            mx = Math.max(mx, x);
        }
        return s + c + q + mn + mx;
    }

    static double scalarSel(double[] values, int from, int to) {
        double k = values[from];
        double s = 0.0, c = 0.0, q = 0.0;
        double mn = Double.POSITIVE_INFINITY, mx = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            double x = values[i];
            double t = s + x;
            double bp = t - s;
            c += (s - (t - bp)) + (x - bp);
            s = t;
            double d = x - k;
            q += d * d;
            mn = x < mn ? x : mn;
            mx = mx < x ? x : mx;
        }
        return s + c + q + mn + mx;
    }

    static double call(int v, double[] a, int from, int to) {
        switch (v) {
            case 0: return v0(a, from, to);
            case 1: return v1(a, from, to);
            case 2: return v2(a, from, to);
            case 3: return v3(a, from, to);
            case 4: return v4(a, from, to);
            case 5: return v5(a, from, to);
            case 6: return v6(a, from, to);
            case 7: return v7(a, from, to);
            case 8: return v8(a, from, to);
            case 9: return v9(a, from, to);
            case 10: return v10(a, from, to);

            case 20: return v20(a, from, to);
            case 21: return v21(a, from, to);
            case 22: return v22(a, from, to);
            case 23: return v23(a, from, to);
            case 24: return v24(a, from, to);
            case 25: return v25(a, from, to);
            case 26: return v26(a, from, to);
            case 27: return v27(a, from, to);
            case 28: return v28(a, from, to);
            case 29: return v29(a, from, to);
            case 40: return v40(a, from, to);
            case 41: return v41(a, from, to);
            case 42: return v42(a, from, to);
            case 43: return v43(a, from, to);
            case 44: return v44(a, from, to);
            case 45: return v45(a, from, to);
            case 50: return v50(a, from, to);
            case 51: return v51(a, from, to);
            case 52: return v52(a, from, to);
            case 53: return v53(a, from, to);
            case 54: return v54(a, from, to);
            case 55: return v55(a, from, to);
            case 56: return v56(a, from, to);
            case 60: return v60(a, from, to);
            case 61: return v61(a, from, to);
            case 62: return v62(a, from, to);
            case 63: return v63(a, from, to);
            case 90: return sum(a, from, to);
            case 98: return scalarSel(a, from, to);
            case 99: return scalar(a, from, to);
            default: throw new IllegalArgumentException("" + v);
        }
    }

    static double pass(int v, double[] a, int chunk, int reps) {
        double r = 0;
        for (int rep = 0; rep < reps; rep++)
            for (int from = 0; from < a.length; from += chunk)
                r += call(v, a, from, Math.min(a.length, from + chunk));
        return r;
    }

    public static void main(String[] args) {
        ThreadMXBean th = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean sth = (com.sun.management.ThreadMXBean) th;
        String mode = args[0]; // cache or mem
        int chunk = Integer.parseInt(args[1]);
        int[] vs = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(args[3]);
        int len = mode.equals("mem") ? (512 << 20) / 8 : chunk;
        double[] a = new double[len];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < len; i++) a[i] = mode.equals("mem") ? r.nextDouble(0, 100) : 1e6 + r.nextDouble(-50, 50);
        int reps = mode.equals("mem") ? 1 : Math.max(1, (4 << 20) / chunk);
        long values = (long) len * reps;
        double[][] ns = new double[vs.length][rounds];
        double[] alloc = new double[vs.length];
        for (int w = 0; w < 5; w++) for (int v : vs) pass(v, a, chunk, reps);
        for (int rd = 0; rd < rounds; rd++) {
            for (int j = 0; j < vs.length; j++) {
                long a0 = sth.getThreadAllocatedBytes(Thread.currentThread().getId());
                long t0 = th.getCurrentThreadCpuTime();
                pass(vs[j], a, chunk, reps);
                ns[j][rd] = (th.getCurrentThreadCpuTime() - t0) / (double) values;
                alloc[j] += sth.getThreadAllocatedBytes(Thread.currentThread().getId()) - a0;
            }
        }
        double sumMed = Double.NaN;
        for (int j = 0; j < vs.length; j++) if (vs[j] == 90) { double[] c = ns[j].clone(); Arrays.sort(c); sumMed = c[rounds/2]; }
        for (int j = 0; j < vs.length; j++) {
            double[] c = ns[j].clone();
            Arrays.sort(c);
            System.out.printf("%s chunk %d v%d: %.3f ns/value (min %.3f) sum/this %.0f%% alloc/call %.2f B%n",
                    mode, chunk, vs[j], c[rounds / 2], c[0], 100 * sumMed / c[rounds / 2],
                    alloc[j] / ((double) rounds * reps * ((len + chunk - 1) / chunk)));
        }
    }
}

import io.tsagg.operators.kernels.*;
import jdk.incubator.vector.*;
import java.lang.management.ManagementFactory;
import java.util.*;

public class Look {
    static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    static final int LANES = DOUBLES.length();
    static int DIST = Integer.getInteger("dist", 128);
    // returns checksum of s,c,q,mn,mx (no finish) into lanes
    static double moments(double[] values, int from, int to, double[] lanes) {
        final int n = to - from;
        final double k = values[from];
        final int bound = from + (n & -(2 * LANES));
        final int range = bound - from;
        final int off = DIST < range ? DIST : 0;
        final DoubleVector negK = DoubleVector.broadcast(DOUBLES, -k);
        final DoubleVector one = DoubleVector.broadcast(DOUBLES, 1.0);
        final DoubleVector minusOne = DoubleVector.broadcast(DOUBLES, -1.0);
        DoubleVector s0 = DoubleVector.zero(DOUBLES);
        DoubleVector c0 = s0, q0 = s0, s1 = s0, c1 = s0, q1 = s0;
        DoubleVector mn = DoubleVector.broadcast(DOUBLES, Double.POSITIVE_INFINITY);
        DoubleVector mx = DoubleVector.broadcast(DOUBLES, Double.NEGATIVE_INFINITY);
        for (int i = from; i < bound; i += 2 * LANES) {
            final DoubleVector x0 = DoubleVector.fromArray(DOUBLES, values, i);
            final DoubleVector x1 = DoubleVector.fromArray(DOUBLES, values, i + LANES);
            DoubleVector t = s0.add(x0);
            DoubleVector b = t.sub(s0);
            c0 = c0.add(s0.sub(t.sub(b)).add(b.fma(minusOne, x0)));
            s0 = t;
            t = s1.add(x1);
            b = t.sub(s1);
            c1 = c1.add(s1.sub(t.sub(b)).add(b.fma(minusOne, x1)));
            s1 = t;
            DoubleVector d = x0.fma(one, negK);
            q0 = d.fma(d, q0);
            d = x1.fma(one, negK);
            q1 = d.fma(d, q1);
            int j = i + off;
            if (j >= bound) j -= range;
            final DoubleVector a0 = DoubleVector.fromArray(DOUBLES, values, j);
            final DoubleVector a1 = DoubleVector.fromArray(DOUBLES, values, j + LANES);
            final VectorMask<Double> lower = a0.lt(a1);
            final DoubleVector lo = a1.blend(a0, lower);
            final DoubleVector hi = a0.blend(a1, lower);
            mn = mn.blend(lo, lo.lt(mn));
            mx = mx.blend(hi, mx.lt(hi));
            if (i + 2 * LANES >= bound) {
                t = s0.add(s1);
                b = t.sub(s0);
                t.intoArray(lanes, 0);
                c0.add(c1).add(s0.sub(t.sub(b)).add(b.fma(minusOne, s1))).intoArray(lanes, LANES);
                q0.add(q1).intoArray(lanes, 2*LANES);
                mn.intoArray(lanes, 3*LANES);
                mx.intoArray(lanes, 4*LANES);
            }
        }
        double r = 0;
        for (int j = 0; j < 5 * LANES; j++) r += lanes[j];
        return r;
    }
    static double look(double[] v, int chunk, double[] lanes) {
        double cs = 0;
        for (int from = 0; from < v.length; from += chunk) cs += moments(v, from, Math.min(v.length, from + chunk), lanes);
        return cs;
    }
    static double cur(StatsKernels k, double[] v, int chunk, ChunkMoments m) {
        double cs = 0;
        for (int from = 0; from < v.length; from += chunk) {
            ChunkMoments r = k.moments(v, from, Math.min(v.length, from + chunk), m);
            cs += r.sumHigh() + r.m2() + r.min() + r.max();
        }
        return cs;
    }
    static double sum(StatsKernels k, double[] v, int chunk) {
        double s = 0;
        for (int from = 0; from < v.length; from += chunk) s += k.sum(v, from, Math.min(v.length, from + chunk));
        return s;
    }
    public static void main(String[] a) {
        int chunk = Integer.parseInt(a[0]);
        int rounds = Integer.parseInt(a[1]);
        StatsKernels k = StatsKernelsProvider.vector().orElseThrow();
        double[] v = new double[Integer.getInteger("mib", 512) * (1 << 20) / 8];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < v.length; i++) v[i] = r.nextDouble(0.0, 100.0);
        ChunkMoments m = new ChunkMoments();
        double[] lanes = new double[160];
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Double> tc = new ArrayList<>(), tl = new ArrayList<>(), ts = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long t0 = tb.getCurrentThreadCpuTime();
            cur(k, v, chunk, m);
            long t1 = tb.getCurrentThreadCpuTime();
            look(v, chunk, lanes);
            long t2 = tb.getCurrentThreadCpuTime();
            sum(k, v, chunk);
            long t3 = tb.getCurrentThreadCpuTime();
            if (i >= 5) { tc.add((t1 - t0) / 1e6); tl.add((t2 - t1) / 1e6); ts.add((t3 - t2) / 1e6); }
        }
        Collections.sort(tc); Collections.sort(tl); Collections.sort(ts);
        double c = tc.get(tc.size()/2), l = tl.get(tl.size()/2), s = ts.get(ts.size()/2);
        System.out.printf("chunk %d dist %d: current %.1f ms, lookahead %.1f ms, sum %.1f ms; sum/current %.0f%%, sum/lookahead %.0f%%%n", chunk, DIST, c, l, s, 100*s/c, 100*s/l);
    }
}

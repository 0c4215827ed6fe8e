import io.tsagg.operators.kernels.ChunkMoments;
import io.tsagg.operators.kernels.StatsKernels;
import io.tsagg.operators.kernels.StatsKernelsProvider;
import java.lang.management.ManagementFactory;
import java.util.*;

/** Thread-CPU-time passes over 512 MiB, chunk by chunk: moments (vector) vs plain vector sum, alternating. */
public class CpuPass {
    static double moments(StatsKernels k, double[] v, int chunk, ChunkMoments m) {
        double cs = 0; long count = 0;
        for (int from = 0; from < v.length; from += chunk) {
            ChunkMoments r = k.moments(v, from, Math.min(v.length, from + chunk), m);
            count += r.count(); cs += r.sumHigh() + r.m2() + r.min() + r.max();
        }
        if (count != v.length) throw new IllegalStateException();
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
        double em = moments(k, v, chunk, m), es = sum(k, v, chunk);
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        List<Double> tm = new ArrayList<>(), ts = new ArrayList<>();
        long allocM = 0;
        for (int i = 0; i < rounds; i++) {
            long a0 = tb.getThreadAllocatedBytes(tid);
            long t0 = tb.getCurrentThreadCpuTime();
            double x = moments(k, v, chunk, m);
            long t1 = tb.getCurrentThreadCpuTime();
            long a1 = tb.getThreadAllocatedBytes(tid);
            double y = sum(k, v, chunk);
            long t2 = tb.getCurrentThreadCpuTime();
            if (Double.compare(x, em) != 0 || Double.compare(y, es) != 0) throw new IllegalStateException("result changed");
            if (i >= 5) { tm.add((t1 - t0) / 1e6); ts.add((t2 - t1) / 1e6); allocM += a1 - a0; }
        }
        Collections.sort(tm); Collections.sort(ts);
        double mm = tm.get(tm.size() / 2), ms = ts.get(ts.size() / 2);
        System.out.printf("chunk %d: moments median %.1f ms (min %.1f), sum median %.1f ms (min %.1f), sum/moments %.0f%% (mins %.0f%%), moments alloc %.3f B/call%n",
            chunk, mm, tm.get(0), ms, ts.get(0), 100 * ms / mm, 100 * ts.get(0) / tm.get(0), allocM / (double) (tm.size() * (long) (v.length / chunk)));
    }
}

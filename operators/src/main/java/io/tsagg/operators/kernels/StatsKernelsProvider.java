package io.tsagg.operators.kernels;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the {@link StatsKernels} of this JVM once, at first use, and logs which one runs and why.
 *
 * <p>The vector kernels run when all of these hold, else the scalar twin:
 *
 * <ul>
 *   <li>the module {@code jdk.incubator.vector} is in the boot layer ({@code --add-modules
 *       jdk.incubator.vector});
 *   <li>the JVM is HotSpot with C2 (not {@code -Xint}, not {@code -XX:TieredStopAtLevel} below 4):
 *       interpreted or C1-compiled Vector API code is orders of magnitude slower than scalar code;
 *   <li>the CPU has FMA ({@code -XX:+UseFMA}), which the variance accumulation uses;
 *   <li>the preferred double species has at least 256 bits (at 128 bits the scalar loop is as
 *       fast).
 * </ul>
 *
 * <p>The vector kernels are then warmed up on a daemon thread ({@link KernelWarmup}), so the first
 * windows do not run the Vector API's uncompiled fallback.
 *
 * <p>The system property {@value #PROPERTY} ({@code scalar} or {@code vector}) forces a choice;
 * {@code vector} skips the performance checks but cannot conjure the module: without it the scalar
 * twin runs and a warning says so.
 *
 * <p>{@code PanamaStatsKernels} is loaded reflectively, only after the module was found, so this
 * class and the scalar path work on a JVM started without {@code --add-modules}.
 */
public final class StatsKernelsProvider {
    /** System property forcing the kernels: {@code scalar} or {@code vector}. */
    public static final String PROPERTY = "tsagg.kernels";

    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String PANAMA_CLASS = "io.tsagg.operators.kernels.PanamaStatsKernels";
    private static final int MIN_VECTOR_BITS = 256;

    private static final Logger LOG = LoggerFactory.getLogger(StatsKernelsProvider.class);

    private StatsKernelsProvider() {}

    /** The kernels this JVM runs, chosen once. */
    public static StatsKernels get() {
        return Holder.INSTANCE;
    }

    /** The scalar twin, always available. */
    public static StatsKernels scalar() {
        return ScalarStatsKernels.INSTANCE;
    }

    /**
     * The vector kernels if this JVM can run them at all (the module is present), whatever the
     * performance checks say; for tests and benchmarks.
     */
    public static Optional<StatsKernels> vector() {
        return Holder.VECTOR;
    }

    /** What the choice depends on; {@code preferredBits} is 0 when the module is absent. */
    record Capabilities(
            boolean vectorModule, boolean hotspot, boolean c2, boolean fma, int preferredBits) {

        static Capabilities of(boolean vectorModule) {
            HotSpotDiagnosticMXBean hotspot = hotspotBean();
            boolean c2 = false;
            boolean fma = false;
            if (hotspot != null) {
                boolean tiered = "true".equals(option(hotspot, "TieredCompilation"));
                String level = option(hotspot, "TieredStopAtLevel");
                c2 =
                        "true".equals(option(hotspot, "UseCompiler"))
                                && (!tiered || level.isEmpty() || Integer.parseInt(level) >= 4);
                fma = "true".equals(option(hotspot, "UseFMA"));
            }
            int bits = vectorModule ? panamaPreferredBits() : 0;
            return new Capabilities(vectorModule, hotspot != null, c2, fma, bits);
        }
    }

    /** The choice and why, for the log. */
    record Decision(boolean vector, String reason) {}

    /** Pure decision function, so every branch is testable without restarting the JVM. */
    static Decision decide(String forced, Capabilities caps) {
        String mode = forced == null ? "" : forced.trim().toLowerCase(Locale.ROOT);
        if (!mode.isEmpty() && !mode.equals("scalar") && !mode.equals("vector")) {
            throw new IllegalArgumentException(
                    "System property "
                            + PROPERTY
                            + "='"
                            + forced
                            + "' is not allowed: use 'scalar' or 'vector' (or leave it unset)");
        }
        if (mode.equals("scalar")) {
            return new Decision(false, PROPERTY + "=scalar");
        }
        if (!caps.vectorModule()) {
            return new Decision(
                    false,
                    "module "
                            + VECTOR_MODULE
                            + " is absent: start the JVM with --add-modules "
                            + VECTOR_MODULE
                            + (mode.equals("vector") ? " (" + PROPERTY + "=vector ignored)" : ""));
        }
        if (mode.equals("vector")) {
            return new Decision(
                    true,
                    PROPERTY
                            + "=vector ("
                            + caps.preferredBits()
                            + "-bit preferred species, capability checks skipped)");
        }
        if (!caps.hotspot()) {
            return new Decision(false, "not a HotSpot JVM, cannot check for C2");
        }
        if (!caps.c2()) {
            return new Decision(
                    false,
                    "C2 is off (-Xint or -XX:TieredStopAtLevel<4): vector code would be slow");
        }
        if (!caps.fma()) {
            return new Decision(false, "no FMA (-XX:-UseFMA or CPU without FMA)");
        }
        if (caps.preferredBits() < MIN_VECTOR_BITS) {
            return new Decision(
                    false,
                    "preferred vector species has "
                            + caps.preferredBits()
                            + " bits, below "
                            + MIN_VECTOR_BITS);
        }
        return new Decision(
                true, caps.preferredBits() + "-bit preferred species, C2 and FMA present");
    }

    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    private static HotSpotDiagnosticMXBean hotspotBean() {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static String option(HotSpotDiagnosticMXBean bean, String name) {
        try {
            return bean.getVMOption(name).getValue();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static int panamaPreferredBits() {
        try {
            var lookup = MethodHandles.lookup();
            Class<?> cls = lookup.findClass(PANAMA_CLASS);
            return (int)
                    lookup.findStatic(cls, "preferredBitSize", MethodType.methodType(int.class))
                            .invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new LinkageError("Cannot query " + PANAMA_CLASS, t);
        }
    }

    private static StatsKernels newPanama() {
        try {
            var lookup = MethodHandles.lookup();
            Class<?> cls = lookup.findClass(PANAMA_CLASS);
            return (StatsKernels)
                    lookup.findConstructor(cls, MethodType.methodType(void.class)).invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new LinkageError("Cannot create " + PANAMA_CLASS, t);
        }
    }

    /** Lazy holder: the choice is made on first use, once per JVM (class loader). */
    private static final class Holder {
        static final Optional<StatsKernels> VECTOR =
                vectorModulePresent() ? Optional.of(newPanama()) : Optional.empty();
        static final StatsKernels INSTANCE = lookup();

        private static StatsKernels lookup() {
            Decision d = decide(System.getProperty(PROPERTY), Capabilities.of(VECTOR.isPresent()));
            StatsKernels k = d.vector() ? VECTOR.orElseThrow() : ScalarStatsKernels.INSTANCE;
            if (d.vector() || "scalar".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim())) {
                LOG.info("Statistics kernels: {} ({})", k.name(), d.reason());
            } else {
                LOG.warn("Statistics kernels: {} ({})", k.name(), d.reason());
            }
            if (d.vector()) {
                KernelWarmup.start(k);
            }
            return k;
        }
    }
}

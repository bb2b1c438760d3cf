package dev.lofilora.audio.dsp;

/**
 * Which {@link DspKernels} run: the native library when it loads, else {@link JavaDsp}. {@code -Dlofi.dsp=java}
 * forces the Java kernels (for comparisons); {@link #nativeKernels()} gives the native ones to tests and benchmarks.
 */
public final class Dsp {
    private Dsp() {}

    private static final class Holder {
        static final String NATIVE_PROBLEM;
        static final DspKernels NATIVE;
        static final DspKernels CHOSEN;

        static {
            DspKernels k = null;
            String problem = null;
            try {
                k = new NativeKernels();
            } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError: a build without the native library
                problem = t.toString();
            }
            NATIVE = k;
            NATIVE_PROBLEM = problem;
            CHOSEN = k == null || "java".equalsIgnoreCase(System.getProperty("lofi.dsp")) ? JavaDsp.INSTANCE : k;
        }
    }

    /** The kernels every caller uses. */
    public static DspKernels kernels() { return Holder.CHOSEN; }

    /** The native kernels, or null when the library is not there (see {@link #nativeProblem()}). */
    public static DspKernels nativeKernels() { return Holder.NATIVE; }

    /** Why the native kernels did not load, or null. */
    public static String nativeProblem() { return Holder.NATIVE_PROBLEM; }

    /** Whether {@link #kernels()} are the native ones. */
    public static boolean usingNative() { return Holder.CHOSEN != JavaDsp.INSTANCE; }

    /**
     * Whether the native kernels build a gain curve of {@code n} samples in four stretches at once (the same bytes as
     * one sequential run): for tests that must know the stretches ran.
     */
    public static boolean curveInLanes(int n, int box, double release) {
        return Holder.NATIVE != null && NativeKernels.curveInLanes(n, box, release);
    }

    /**
     * Where those stretches start warming up from rest (the second to fourth; the first starts at 0), for tests that
     * put the hardest case for the warm-up right before them; null when the curve is not built in stretches.
     */
    public static int[] curveLaneWarmStarts(int n, int box, double release) {
        if (!curveInLanes(n, box, release)) return null;
        int[] lane = NativeKernels.laneLayout(n, NativeKernels.laneWarmUp(box, release));
        return new int[] {lane[1], lane[2], lane[3]};
    }
}

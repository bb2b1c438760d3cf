package dev.lofilora.audio.dsp;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.CriticalRegion;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JNI binding of {@code native/lofi_dsp.h} and {@code native/lofi_qc.h}, generated and compiled by JavaCPP's Maven plugin at build time (see the
 * {@code javacpp} plugin in pom.xml). Arrays are pinned, not copied ({@link CriticalRegion}): each call must be short,
 * which {@link NativeKernels} ensures by chunking.
 */
@Platform(include = {"lofi_dsp.h", "lofi_qc.h"})
@CriticalRegion
final class NativeDsp {
    static {
        Loader.load();
    }

    private NativeDsp() {}

    static native int lofi_simd_level();

    static native float lofi_tp_peak(float[] x, float[] bound, int b0, int b1, float best, float[] taps, int phases,
                                     int ntaps);

    static native int lofi_tp_peak2(float[] x, float[] bound, int b0, int b1, float[] best, float[] tapsA, int phasesA,
                                    float[] tapsB, int phasesB, int ntaps, float[] exact);

    static native void lofi_tp_envelope(float[] x, int frames, float[] bound, int b0, int b1, float threshold,
                                        float[] taps, int phases, int ntaps, int[] lagFloor, float[] env);

    static native void lofi_resample(float[] x0, float[] x1, float[] y0, float[] y1, int outOffset, int count, int q0,
                                     int p0, float[] bank, int tapsPadded, int L, int stepDiv, int stepMod);

    static native void lofi_block_minmax(float[] x, int b0, int b1, float[] mx, float[] mn);

    static native void lofi_pack24_stereo(float[] l, float[] r, int from, int to, float gain, byte[] out);

    static native void lofi_unpack24_stereo(byte[] in, int n, float[] l, float[] r, int at);

    static native float lofi_unpack24_stereo_check(byte[] in, int n, float[] l, float[] r, int at, float gain,
                                                   float dev);

    static native void lofi_kweight(float[] xa, float[] xb, int frames, int tick, int segs, int[] starts, int count,
                                    int[] bounds, double[] coef, double wa, double wb, double[] state, double[] ticks,
                                    double[] endState, float[] gain, float pre, float[] outa, float[] outb, float[] mxa,
                                    float[] mna, float[] mxb, float[] mnb, float[] energy);

    static native int lofi_kweight_segments();

    static native void lofi_gain_curve(float[] e, float[] g, int n, int a, int b, float target, int box,
                                       double release, double[] state, float[] reduction);

    static native void lofi_curve_hold(float[] e, float[] g, int n, int a, int b, float target, int w);

    static native void lofi_gain_curve_lanes(float[] g, int n, int[] lane, int t0, int t1, int box, double release,
                                             double[] st, float[] reduction);

    static native void lofi_qc_stats(float[] x, float[] p, int n, int f0, int f1, int frame, float clipLevel,
                                     int clipMinRun, double[] sums, double[] fe, int[] clip);

    static native void lofi_pack24_stereo_curve(float[] l, float[] r, float[] curve, int from, int to, float gain,
                                                byte[] out);

    static native void lofi_curve_stats(float[] g, int from, int to, float below, double[] acc);

    static native void lofi_block_bound(float[] mx, float[] mn, int b0, int b1, int full, float pa, float pz, float sum,
                                        float absSum, float[] bound, float[] acc, int[] at);

    static native double lofi_ltas_window(float[] l, float[] r, int start, int n, float[] w, float[] z);

    static native void lofi_ltas_power(float[] z, int n, double[] power);
}

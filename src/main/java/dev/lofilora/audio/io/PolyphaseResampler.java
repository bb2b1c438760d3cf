package dev.lofilora.audio.io;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.dsp.DspKernels;

/**
 * Rational-ratio polyphase resampler with libswresample's filter (Kaiser-windowed sinc, {@link Resampler.Settings}),
 * its exact rational phases and its time alignment, run on {@link DspKernels}: libswresample computes the same sums,
 * one channel at a time, at about a third of the speed of the native kernel (DspKernelBenchmark).
 *
 * <p>Output m sits at input time t = m·in/out = q + p/L (L = out/gcd, M = in/gcd, m·M = q·L + p); it is
 * {@code sum_i h_p[i] · x[q - c + i]} over T taps, c = (T - 1) / 2, with
 * {@code h_p[i] = sinc(π·d·f) · I0(β·sqrt(1 - (2d/T)²))}, d = i - c - p/L, f = min(cutoff·out/in, 1), each phase
 * normalised to unit DC gain and T = ceil(filterSize / f) rounded up to even. Outside the signal the input is mirrored
 * (x[-j] = x[j], x[n + j] = x[n - 1 - j]), as libswresample does, so a file that starts or ends loud does not ring.
 * Immutable and thread-safe.
 */
final class PolyphaseResampler {
    /** Ratios with more phases than this (exotic rates) are left to libswresample. */
    static final int MAX_PHASES = 1024;
    /** The native kernel reads the taps in groups of 16. */
    private static final int TAP_GROUP = 16;

    final int inRate, outRate;
    final int L, M;
    final int taps, tapsPadded, center;
    final float[] bank;

    private PolyphaseResampler(int inRate, int outRate, int L, int M, int taps, float[] bank, int tapsPadded) {
        this.inRate = inRate;
        this.outRate = outRate;
        this.L = L;
        this.M = M;
        this.taps = taps;
        this.tapsPadded = tapsPadded;
        this.center = (taps - 1) / 2;
        this.bank = bank;
    }

    /** The filter bank for {@code inRate → outRate}, or null when the ratio needs more than {@link #MAX_PHASES}. */
    static PolyphaseResampler design(int inRate, int outRate, Resampler.Settings s) {
        int g = gcd(inRate, outRate);
        int L = outRate / g, M = inRate / g;
        if (L > MAX_PHASES) return null;
        double factor = Math.min(outRate * s.cutoff() / inRate, 1.0);
        int taps = Math.max((int) Math.ceil(s.filterSize() / factor), 1);
        taps += taps & 1;
        int padded = (taps + TAP_GROUP - 1) / TAP_GROUP * TAP_GROUP;
        int c = (taps - 1) / 2;
        float[] bank = new float[L * padded];
        double[] row = new double[taps];
        for (int p = 0; p < L; p++) {
            double norm = 0;
            for (int i = 0; i < taps; i++) {
                double d = i - c - p / (double) L;
                double x = Math.PI * d * factor;
                double y = x == 0 ? 1.0 : Math.sin(x) / x;
                double w = 2.0 * d / taps;
                y *= besselI0(s.kaiserBeta() * Math.sqrt(Math.max(1 - w * w, 0)));
                row[i] = y;
                norm += y;
            }
            for (int i = 0; i < taps; i++) bank[p * padded + i] = (float) (row[i] / norm);
        }
        return new PolyphaseResampler(inRate, outRate, L, M, taps, bank, padded);
    }

    /** Output frames for {@code frames} input frames: round(frames · out / in), as {@link Resampler} promises. */
    long outputFrames(int frames) {
        return Math.round(frames * (double) outRate / inRate);
    }

    /**
     * Resamples channels [c0, c1) of {@code in} into {@code out} (allocated by the caller, {@link #outputFrames} long),
     * outputs [m0, m1) only: disjoint ranges may run on different threads and give the bytes of one whole call.
     */
    void run(float[][] in, float[][] out, int m0, int m1, DspKernels k) {
        int frames = in[0].length;
        // interior outputs read only real samples: q - c >= 0 and q - c + tapsPadded <= frames
        long first = ceilDiv((long) center * L, M);
        long end = ceilDiv((long) (frames - tapsPadded + center + 1) * L, M);
        int a = (int) Math.max(m0, Math.min(first, m1));
        int b = (int) Math.max(a, Math.min(end, m1));
        for (int c = 0; c < in.length; c += 2) {
            float[] x0 = in[c], x1 = c + 1 < in.length ? in[c + 1] : null;
            float[] y0 = out[c], y1 = c + 1 < in.length ? out[c + 1] : null;
            if (m0 < a) mirrored(x0, x1, y0, y1, m0, a, k);
            if (a < b) {
                long pos = (long) a * M;
                k.resample(x0, x1, y0, y1, a, b - a, (int) (pos / L) - center, (int) (pos % L), bank, tapsPadded, L,
                        M / L, M % L);
            }
            if (b < m1) mirrored(x0, x1, y0, y1, Math.max(b, m0), m1, k);
        }
    }

    /** Outputs [m0, m1) whose windows reach past an end: run on a mirrored copy of the samples they read. */
    private void mirrored(float[] x0, float[] x1, float[] y0, float[] y1, int m0, int m1, DspKernels k) {
        long pos0 = (long) m0 * M, pos1 = (long) (m1 - 1) * M;
        int start = (int) (pos0 / L) - center;                // first input index read
        int span = (int) (pos1 / L) - center + tapsPadded - start; // samples read by the whole range
        float[] s0 = mirror(x0, start, span), s1 = x1 == null ? null : mirror(x1, start, span);
        k.resample(s0, s1, y0, y1, m0, m1 - m0, 0, (int) (pos0 % L), bank, tapsPadded, L, M / L, M % L);
    }

    /** x[start .. start + n) with the signal mirrored at both ends (the padded taps' reads past T included). */
    private static float[] mirror(float[] x, int start, int n) {
        float[] s = new float[n];
        int len = x.length;
        for (int j = 0; j < n; j++) {
            long i = start + j;
            // reflect until inside: x[-i] = x[i] at the start, x[len - 1 + i] = x[len - 1 - i] at the end
            for (int guard = 0; guard < 64 && (i < 0 || i >= len); guard++) {
                if (i < 0) i = -i;
                if (i >= len) i = 2L * len - 1 - i;
            }
            s[j] = i >= 0 && i < len ? x[(int) i] : 0f;
        }
        return s;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static int gcd(int a, int b) {
        while (b != 0) { int t = a % b; a = b; b = t; }
        return a;
    }

    /** Modified Bessel function I0 by its power series, summed until it stops changing (as libswresample). */
    static double besselI0(double x) {
        double v = 1, last = 0, t = 1, q = x * x / 4;
        for (int i = 1; v != last; i++) {
            last = v;
            t *= q / ((double) i * i);
            v += t;
        }
        return v;
    }
}

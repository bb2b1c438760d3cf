package dev.lofilora.audio.qc;

import dev.lofilora.audio.AudioBuffer;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * Audio bandwidth from the long-term average spectrum (LTAS): the highest frequency whose smoothed LTAS is within
 * {@code dropDb} of the reference level (the mean, in dB, of the LTAS between 2 and 10 kHz).
 *
 * <p>The LTAS averages the power spectra (Hann window, about 6 Hz resolution: 8192 points at 48 kHz) of up to
 * {@value #MAX_FRAMES} frames spread evenly over the file, skipping silent frames; reading every frame would cost
 * ~20x more and the long-term spectrum of music is stable well before that. Both channels of a stereo file go
 * through one complex FFT (L as the real part, R as the imaginary part, separated afterwards), and their powers are
 * summed, so out-of-phase content is not cancelled as in a mono downmix. The FFT is commons-math3's in-place
 * transform on primitive arrays (no per-bin objects).
 */
final class Bandwidth {
    static final int MAX_FRAMES = 48;
    /** Half-width of the smoothing of the LTAS before the threshold search. */
    private static final double SMOOTH_HZ = 150.0;

    private Bandwidth() {}

    /** The bandwidth in Hz, or NaN when no frame is louder than {@code silenceDbfs} (or the file is too short). */
    static double cutoffHz(AudioBuffer audio, double dropDb, double silenceDbfs) {
        int fs = audio.sampleRate();
        int n = Integer.highestOneBit(Math.max(256, fs / 6 - 1)) << 1; // power of two >= fs/6
        while (n > audio.frames() && n > 256) n >>= 1;
        if (n > audio.frames()) return Double.NaN;
        double[] power = ltas(audio, n, silenceDbfs);
        if (power == null) return Double.NaN;
        double binHz = fs / (double) n;
        int half = Math.max(1, (int) Math.round(SMOOTH_HZ / binHz));
        double[] db = smoothedDb(power, half);
        int lo = (int) Math.ceil(2000 / binHz);
        int hi = Math.min(db.length - 1, (int) Math.floor(Math.min(10000, 0.45 * fs) / binHz));
        if (hi <= lo) return Double.NaN;
        double ref = 0;
        for (int k = lo; k <= hi; k++) ref += db[k];
        ref /= (hi - lo + 1);
        double threshold = ref - dropDb;
        for (int k = db.length - 1; k > 0; k--) if (db[k] >= threshold) return k * binHz;
        return 0.0;
    }

    /** Average power per bin 0..n/2 over up to MAX_FRAMES non-silent frames, or null if all are silent. */
    private static double[] ltas(AudioBuffer audio, int n, double silenceDbfs) {
        float[][] x = audio.samples();
        float[] left = x[0];
        float[] right = x.length > 1 ? x[1] : null;
        int frames = Math.min(MAX_FRAMES, audio.frames() / n);
        double[] window = new double[n];
        double wSum2 = 0;
        for (int i = 0; i < n; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
            wSum2 += window[i] * window[i];
        }
        double quiet = Math.pow(10.0, silenceDbfs / 10.0) * n;
        double[] power = new double[n / 2 + 1];
        double[][] z = new double[2][n];
        int used = 0;
        long span = audio.frames() - n;
        for (int f = 0; f < frames; f++) {
            int start = frames == 1 ? 0 : (int) (span * f / (frames - 1));
            double energy = 0;
            for (int i = 0; i < n; i++) {
                double l = left[start + i], r = right == null ? 0 : right[start + i];
                energy += Math.max(l * l, r * r);
                z[0][i] = l * window[i];
                z[1][i] = r * window[i];
            }
            if (energy < quiet) continue;
            FastFourierTransformer.transformInPlace(z, DftNormalization.STANDARD, TransformType.FORWARD);
            double[] re = z[0], im = z[1];
            for (int k = 0; k <= n / 2; k++) {
                int m = (n - k) & (n - 1);
                // L = (Z[k] + conj Z[n-k]) / 2, R = (Z[k] - conj Z[n-k]) / 2i
                double lr = 0.5 * (re[k] + re[m]), li = 0.5 * (im[k] - im[m]);
                double rr = 0.5 * (im[k] + im[m]), ri = -0.5 * (re[k] - re[m]);
                power[k] += lr * lr + li * li + rr * rr + ri * ri;
            }
            used++;
        }
        if (used == 0) return null;
        double norm = 1.0 / (used * wSum2);
        for (int k = 0; k < power.length; k++) power[k] *= norm;
        return power;
    }

    private static double[] smoothedDb(double[] p, int half) {
        // direct sums, not prefix-sum differences: the spectrum spans >150 dB and differences would cancel
        double[] db = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            int a = Math.max(0, k - half), b = Math.min(p.length, k + half + 1);
            double s = 0;
            for (int j = a; j < b; j++) s += p[j];
            db[k] = 10.0 * Math.log10(s / (b - a) + 1e-30);
        }
        return db;
    }
}

package dev.lofilora.audio.analysis;

/**
 * In-place radix-2 complex FFT of one fixed size, on primitive arrays, with precomputed twiddles.
 * Hand-written rather than commons-math3's {@code FastFourierTransformer} because that one allocates a
 * {@code Complex} object per bin per call; the analyser runs tens of thousands of small transforms per
 * track, where the allocation would cost more than the arithmetic. Not thread-safe (one per thread).
 */
final class Fft {
    private final int n;
    private final int[] reverse;
    private final double[] cos, sin;

    Fft(int n) {
        if (n < 2 || Integer.bitCount(n) != 1) throw new IllegalArgumentException("FFT size must be a power of two: " + n);
        this.n = n;
        int bits = Integer.numberOfTrailingZeros(n);
        reverse = new int[n];
        for (int i = 0; i < n; i++) reverse[i] = Integer.reverse(i) >>> (32 - bits);
        cos = new double[n / 2];
        sin = new double[n / 2];
        for (int i = 0; i < n / 2; i++) {
            cos[i] = Math.cos(2 * Math.PI * i / n);
            sin[i] = -Math.sin(2 * Math.PI * i / n);
        }
    }

    int size() { return n; }

    /** Forward transform of (re, im), in place. */
    void transform(double[] re, double[] im) {
        for (int i = 0; i < n; i++) {
            int j = reverse[i];
            if (j > i) {
                double t = re[i]; re[i] = re[j]; re[j] = t;
                t = im[i]; im[i] = im[j]; im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            int half = len >> 1, step = n / len;
            for (int start = 0; start < n; start += len) {
                for (int k = 0, w = 0; k < half; k++, w += step) {
                    int a = start + k, b = a + half;
                    double xr = re[b] * cos[w] - im[b] * sin[w];
                    double xi = re[b] * sin[w] + im[b] * cos[w];
                    re[b] = re[a] - xr; im[b] = im[a] - xi;
                    re[a] += xr; im[a] += xi;
                }
            }
        }
    }

    /** Magnitudes of bins 0..n/2 of a real frame (the frame is copied; {@code re}, {@code im} are scratch). */
    void magnitudes(double[] frame, double[] re, double[] im, double[] mag) {
        System.arraycopy(frame, 0, re, 0, n);
        java.util.Arrays.fill(im, 0);
        transform(re, im);
        for (int k = 0; k <= n / 2; k++) mag[k] = Math.sqrt(re[k] * re[k] + im[k] * im[k]);
    }

    /** A periodic Hann window of length n. */
    static double[] hann(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
        return w;
    }
}

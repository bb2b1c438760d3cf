package dev.lofilora.audio.synth;

/**
 * Exact ×2 interpolation with a half-band windowed-sinc filter: even output samples are the input samples
 * themselves, odd ones are interpolated from 16 neighbours on each side (Blackman window), so everything
 * below ~0.45 of the input rate passes unchanged and the images above it are suppressed.
 */
final class Upsampler {
    private static final int HALF = 16;
    private static final double[] TAPS = new double[HALF];

    static {
        double sum = 0;
        for (int k = 0; k < HALF; k++) {
            double x = k + 0.5;   // distance of the k-th input neighbour from the interpolated point
            double sinc = StrictMath.sin(StrictMath.PI * x) / (StrictMath.PI * x);
            double w = 0.42 + 0.5 * StrictMath.cos(StrictMath.PI * x / HALF) + 0.08 * StrictMath.cos(2 * StrictMath.PI * x / HALF);
            TAPS[k] = sinc * w;
            sum += 2 * TAPS[k];
        }
        for (int k = 0; k < HALF; k++) TAPS[k] /= sum;
    }

    private Upsampler() {}

    /** {@code x} at twice its rate, {@code frames} samples long. */
    static float[] twice(float[] x, int frames) {
        float[] y = new float[frames];
        int n = x.length;
        for (int i = 0; i < frames; i++) {
            int j = i >> 1;
            if ((i & 1) == 0) {
                y[i] = j < n ? x[j] : 0;
                continue;
            }
            double acc = 0;
            for (int k = 0; k < HALF; k++) {
                int a = j - k, b = j + 1 + k;
                if (a >= 0) acc += TAPS[k] * x[a];
                if (b < n) acc += TAPS[k] * x[b];
            }
            y[i] = (float) acc;
        }
        return y;
    }
}

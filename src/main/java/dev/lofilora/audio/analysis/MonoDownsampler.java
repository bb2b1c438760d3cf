package dev.lofilora.audio.analysis;

import dev.lofilora.audio.AudioBuffer;

/**
 * Mono mixdown and integer-factor decimation to roughly 11–16 kHz: the analyses need nothing above
 * ~5 kHz, and a quarter of the samples makes every later stage four times faster. A windowed-sinc
 * low-pass (Blackman, cut-off at 90 % of the new Nyquist) prevents aliasing.
 */
final class MonoDownsampler {
    private MonoDownsampler() {}

    /** Decimation factor so the working rate is the lowest ≥ 11 kHz reachable by an integer factor. */
    static int factor(int sampleRate) { return Math.max(1, sampleRate / 11_000); }

    static float[] mono(AudioBuffer audio) {
        float[][] s = audio.samples();
        int n = audio.frames();
        float[] out = new float[n];
        float scale = 1f / s.length;
        for (float[] ch : s) for (int i = 0; i < n; i++) out[i] += ch[i] * scale;
        return out;
    }

    static float[] decimate(float[] x, int factor) {
        if (factor == 1) return x;
        int half = 8 * factor;   // taps on each side
        double[] h = new double[2 * half + 1];
        double cutoff = 0.9 * 0.5 / factor;   // cycles per input sample
        double sum = 0;
        for (int i = -half; i <= half; i++) {
            double sinc = i == 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * i) / (Math.PI * i);
            double w = 0.42 + 0.5 * Math.cos(Math.PI * i / (half + 1)) + 0.08 * Math.cos(2 * Math.PI * i / (half + 1));
            h[i + half] = sinc * w;
            sum += h[i + half];
        }
        for (int i = 0; i < h.length; i++) h[i] /= sum;
        int m = x.length / factor;
        float[] out = new float[m];
        for (int j = 0; j < m; j++) {
            int c = j * factor;
            double acc = 0;
            int lo = Math.max(-half, -c), hi = Math.min(half, x.length - 1 - c);
            for (int i = lo; i <= hi; i++) acc += h[i + half] * x[c + i];
            out[j] = (float) acc;
        }
        return out;
    }
}

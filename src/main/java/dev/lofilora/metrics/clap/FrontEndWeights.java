package dev.lofilora.metrics.clap;

/**
 * The tensors torchlibrosa computes for HTSAT's front end, for models built without a checkpoint (the tiny preset,
 * benchmarks). Released checkpoints carry them ({@code conv_real/conv_imag.weight}, {@code melW}) and those are
 * loaded instead; a test checks these formulas against a checkpoint's.
 */
public final class FrontEndWeights {
    private FrontEndWeights() {}

    /**
     * torchlibrosa {@code STFT}: row k of the DFT times a periodic Hann window, {@code [bins][n_fft]} flattened:
     * real = cos(2πkt/n)·w[t], imag = −sin(2πkt/n)·w[t].
     */
    public static float[][] dftKernels(int nfft) {
        int bins = nfft / 2 + 1;
        float[] re = new float[bins * nfft], im = new float[bins * nfft];
        for (int k = 0; k < bins; k++) {
            for (int t = 0; t < nfft; t++) {
                double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * t / nfft);
                double phase = 2 * Math.PI * ((long) k * t % nfft) / nfft;
                re[k * nfft + t] = (float) (Math.cos(phase) * w);
                im[k * nfft + t] = (float) (-Math.sin(phase) * w);
            }
        }
        return new float[][] {re, im};
    }

    /** librosa {@code filters.mel(htk=False, norm="slaney")} transposed: {@code [n_fft/2 + 1][mels]} flattened. */
    public static float[] slaneyMel(int sampleRate, int nfft, int mels, double fmin, double fmax) {
        int bins = nfft / 2 + 1;
        double[] fft = new double[bins];
        for (int k = 0; k < bins; k++) fft[k] = (double) sampleRate / 2 * k / (bins - 1);
        double lo = hzToMel(fmin), hi = hzToMel(fmax);
        double[] edges = new double[mels + 2];
        for (int i = 0; i < edges.length; i++) edges[i] = melToHz(lo + (hi - lo) * i / (mels + 1));
        float[] w = new float[bins * mels];
        for (int m = 0; m < mels; m++) {
            double enorm = 2.0 / (edges[m + 2] - edges[m]);
            for (int k = 0; k < bins; k++) {
                double lower = (fft[k] - edges[m]) / (edges[m + 1] - edges[m]);
                double upper = (edges[m + 2] - fft[k]) / (edges[m + 2] - edges[m + 1]);
                w[k * mels + m] = (float) (Math.max(0, Math.min(lower, upper)) * enorm);
            }
        }
        return w;
    }

    private static final double F_SP = 200.0 / 3, MIN_LOG_HZ = 1000, MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOGSTEP = Math.log(6.4) / 27;

    /** Slaney's mel scale: linear below 1 kHz, logarithmic above. */
    static double hzToMel(double hz) {
        return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOGSTEP;
    }

    static double melToHz(double mel) {
        return mel < MIN_LOG_MEL ? mel * F_SP : MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL));
    }
}

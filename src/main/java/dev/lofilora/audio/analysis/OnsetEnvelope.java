package dev.lofilora.audio.analysis;

/**
 * Onset strength over time: half-wave-rectified spectral flux of a log-compressed magnitude STFT
 * (the usual "something got louder at some frequency" detector), with the local mean removed so that
 * slow swells (pads, rain, crackle beds) do not count as onsets.
 *
 * @param values      onset strength per frame, zero-mean
 * @param hopSeconds  time between frames
 */
record OnsetEnvelope(double[] values, double hopSeconds) {
    /** Log compression constant: large enough that quiet hats and ghost notes still register. */
    private static final double GAMMA = 100;

    /** The STFT window length at {@code sampleRate} (~43 ms); an onset at frame t lies near t·hop + window/2. */
    static int windowSize(int sampleRate) {
        return Integer.highestOneBit(Math.max(64, (int) (0.046 * sampleRate)));
    }

    static OnsetEnvelope compute(float[] x, int sampleRate) {
        int n = windowSize(sampleRate);   // ~43 ms window
        int hop = n / 4;                                                          // ~10.7 ms
        int bins = n / 2 + 1;
        int frames = x.length < n ? 0 : 1 + (x.length - n) / hop;
        Fft fft = new Fft(n);
        double[] window = Fft.hann(n), frame = new double[n], re = new double[n], im = new double[n], mag = new double[bins];
        int lag = 2;   // compare with the frame ~21 ms back: the window overlap makes lag 1 too smooth
        double[][] history = new double[lag + 1][bins];
        double[] flux = new double[frames];
        for (int t = 0; t < frames; t++) {
            int off = t * hop;
            for (int i = 0; i < n; i++) frame[i] = x[off + i] * window[i];
            fft.magnitudes(frame, re, im, mag);
            double[] cur = history[t % (lag + 1)];
            for (int k = 0; k < bins; k++) cur[k] = Math.log1p(GAMMA * mag[k]);
            if (t >= lag) {
                double[] prev = history[(t - lag) % (lag + 1)];
                double sum = 0;
                for (int k = 1; k < bins; k++) {
                    double d = cur[k] - prev[k];
                    if (d > 0) sum += d;
                }
                flux[t] = sum;
            }
        }
        // Remove the local mean (±0.2 s) and rectify again: what remains are the attacks.
        int radius = Math.max(1, (int) Math.round(0.2 * sampleRate / hop));
        double[] prefix = new double[frames + 1];
        for (int t = 0; t < frames; t++) prefix[t + 1] = prefix[t] + flux[t];
        double[] env = new double[frames];
        double mean = 0;
        for (int t = 0; t < frames; t++) {
            int lo = Math.max(0, t - radius), hi = Math.min(frames, t + radius + 1);
            double local = (prefix[hi] - prefix[lo]) / (hi - lo);
            env[t] = Math.max(0, flux[t] - local);
            mean += env[t];
        }
        mean /= Math.max(1, frames);
        for (int t = 0; t < frames; t++) env[t] -= mean;
        return new OnsetEnvelope(env, hop / (double) sampleRate);
    }
}

package dev.lofilora.audio.analysis;

/**
 * A track's pitch-class profile from spectral peaks. Each STFT frame (~0.7 s Hann window, so bass notes a
 * semitone apart are resolved) contributes its local magnitude maxima between 55 Hz and 1.8 kHz, located
 * to a fraction of a bin by a parabola through the log magnitudes. The tuning is estimated from all peaks
 * (the magnitude-weighted circular mean of their offsets from the equal-tempered grid, so a detuned tape
 * or a wow-shifted recording still folds correctly), and each peak is then folded to its pitch class with
 * a cos² weight that fades out halfway between semitones. Peaks below {@value #BASS_HZ} Hz are also
 * collected into a separate bass chroma (the key estimator uses it as a tonic cue).
 */
final class Chroma {
    static final double LOW_HZ = 55, HIGH_HZ = 1800;

    private Chroma() {}

    /** Upper limit of the bass register, whose pitch classes are also collected on their own. */
    static final double BASS_HZ = 200;
    /**
     * Peaks are weighted by the square root of their magnitude, so that a few loud partials (a bass
     * note, a bright pluck) do not outweigh the rest of the harmony.
     */
    private static final double POWER = 0.5;

    /**
     * @param full   12-bin chroma (C = 0) of every peak
     * @param bass   the same, for peaks below {@value #BASS_HZ} Hz only
     * @param tuning the tuning offset from A440 equal temperament, in semitones
     */
    record Profile(double[] full, double[] bass, double tuning) {}

    static Profile compute(float[] x, int sampleRate) {
        int n = Integer.highestOneBit(Math.max(256, (int) (0.68 * sampleRate)));
        int hop = n / 2;
        int frames = x.length < n ? (x.length > n / 4 ? 1 : 0) : 1 + (x.length - n) / hop;
        Fft fft = new Fft(n);
        double[] window = Fft.hann(n), frame = new double[n], re = new double[n], im = new double[n];
        double[] mag = new double[n / 2 + 1];
        int kLo = Math.max(2, (int) Math.floor(LOW_HZ * n / sampleRate));
        int kHi = Math.min(n / 2 - 1, (int) Math.ceil(HIGH_HZ * n / sampleRate));

        int capacity = 1024;
        double[] pitch = new double[capacity], weight = new double[capacity];
        int count = 0;
        for (int t = 0; t < frames; t++) {
            int off = t * hop;
            for (int i = 0; i < n; i++) frame[i] = off + i < x.length ? x[off + i] * window[i] : 0;
            fft.magnitudes(frame, re, im, mag);
            double max = 0;
            for (int k = kLo; k <= kHi; k++) max = Math.max(max, mag[k]);
            if (max == 0) continue;
            double floor = max * 0.01;   // peaks 40 dB below the frame's loudest are noise
            for (int k = kLo; k <= kHi; k++) {
                if (mag[k] <= floor || mag[k] <= mag[k - 1] || mag[k] < mag[k + 1]) continue;
                double a = Math.log(mag[k - 1] + 1e-12), b = Math.log(mag[k]), c = Math.log(mag[k + 1] + 1e-12);
                double denom = a - 2 * b + c;
                double delta = denom < 0 ? 0.5 * (a - c) / denom : 0;
                double hz = (k + delta) * sampleRate / n;
                if (count == capacity) {
                    capacity *= 2;
                    pitch = java.util.Arrays.copyOf(pitch, capacity);
                    weight = java.util.Arrays.copyOf(weight, capacity);
                }
                pitch[count] = 69 + 12 * Math.log(hz / 440) / Math.log(2);
                weight[count] = Math.pow(mag[k], POWER);
                count++;
            }
        }
        double tuning = tuning(pitch, weight, count);
        double[] chroma = new double[12], bass = new double[12];
        double bassPitch = 69 + 12 * Math.log(BASS_HZ / 440) / Math.log(2);
        for (int i = 0; i < count; i++) {
            double p = pitch[i] - tuning;
            long nearest = Math.round(p);
            double d = p - nearest;
            double w = Math.cos(Math.PI * d);
            int pc = (int) Math.floorMod(nearest, 12);
            chroma[pc] += weight[i] * w * w;
            if (p < bassPitch) bass[pc] += weight[i] * w * w;
        }
        return new Profile(chroma, bass, tuning);
    }

    /** Magnitude-weighted circular mean of the peaks' offsets from the semitone grid, in (−0.5, 0.5]. */
    static double tuning(double[] pitch, double[] weight, int count) {
        double c = 0, s = 0;
        for (int i = 0; i < count; i++) {
            double angle = 2 * Math.PI * (pitch[i] - Math.round(pitch[i]));
            c += weight[i] * Math.cos(angle);
            s += weight[i] * Math.sin(angle);
        }
        return c == 0 && s == 0 ? 0 : Math.atan2(s, c) / (2 * Math.PI);
    }
}

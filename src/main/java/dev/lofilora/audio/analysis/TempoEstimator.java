package dev.lofilora.audio.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Tempo from an onset envelope: its autocorrelation, read at each candidate beat period and its first
 * multiples (a steady beat repeats at every multiple of its period), weighted by a log-Gaussian tempo
 * prior (centre 90 BPM, σ 0.8 octave); the winning period is then refined by a least-squares fit through the autocorrelation peaks at
 * its multiples, which gives sub-frame precision.
 *
 * <p>The metrical level is decided by the prior where the audio cannot decide it: a bare pulse with no
 * sub-beat structure (a click track) faster than about 127 BPM (90·√2) is reported at half tempo, with the
 * played tempo as the second candidate. Charging half-tempo candidates for the onsets between their beats
 * fixes that case but cost 2–3 of 76 tuning clips (eighth-note hats then pull real grooves to double
 * tempo), so it is not done.
 */
final class TempoEstimator {
    /**
     * @param priorCentreBpm     centre of the log-Gaussian tempo prior
     * @param priorSigmaOctaves  its width, in octaves
     * @param multiples          how many multiples of the period are summed
     */
    record Settings(double priorCentreBpm, double priorSigmaOctaves, int multiples) {
        static final Settings LOFI = new Settings(90, 0.8, 4);
    }

    record Result(double bpm, double confidence, List<TempoCandidate> candidates) {}

    static final double MIN_BPM = 50, MAX_BPM = 200, STEP_BPM = 0.05;

    private final Settings settings;

    TempoEstimator(Settings settings) { this.settings = settings; }

    Result estimate(OnsetEnvelope onsets) {
        double[] env = onsets.values();
        double hop = onsets.hopSeconds();
        int maxLag = (int) Math.ceil((settings.multiples() + 1) * 60 / MIN_BPM / hop);
        double[] ac = autocorrelation(env, Math.min(maxLag, env.length - 1));
        if (ac.length < 3 || ac[0] <= 0) return new Result(Double.NaN, 0, List.of());

        int count = (int) Math.round((MAX_BPM - MIN_BPM) / STEP_BPM) + 1;
        double[] bpm = new double[count], score = new double[count];
        for (int i = 0; i < count; i++) {
            bpm[i] = MIN_BPM + i * STEP_BPM;
            double lag = 60 / bpm[i] / hop;
            double s = 0;
            for (int k = 1; k <= settings.multiples(); k++) s += Math.max(0, at(ac, k * lag));
            double z = Math.log(bpm[i] / settings.priorCentreBpm()) / Math.log(2) / settings.priorSigmaOctaves();
            score[i] = s / settings.multiples() * Math.exp(-0.5 * z * z);
        }
        List<int[]> peaks = new ArrayList<>();   // local maxima, as {index}
        for (int i = 1; i < count - 1; i++) {
            if (score[i] > 0 && score[i] >= score[i - 1] && score[i] > score[i + 1]) peaks.add(new int[] {i});
        }
        if (peaks.isEmpty()) return new Result(Double.NaN, 0, List.of());
        peaks.sort((a, b) -> Double.compare(score[b[0]], score[a[0]]));
        int best = peaks.get(0)[0];
        double refined = 60 / (refineLag(ac, 60 / bpm[best] / hop) * hop);

        List<TempoCandidate> candidates = new ArrayList<>();
        double secondScore = 0;
        for (int[] p : peaks) {
            double b = bpm[p[0]];
            boolean near = false;
            for (TempoCandidate c : candidates) near |= Math.abs(Math.log(b / c.bpm())) < 0.03;
            if (near) continue;
            if (candidates.isEmpty()) b = refined;
            else if (secondScore == 0) secondScore = score[p[0]];
            candidates.add(new TempoCandidate(b, score[p[0]] / score[best]));
            if (candidates.size() == 5) break;
        }
        double rho = Math.max(0, Math.min(1, at(ac, 60 / refined / hop)));
        double margin = 1 - secondScore / score[best];
        double confidence = Math.max(0, Math.min(1, 0.5 * rho + 0.5 * margin));
        return new Result(refined, confidence, List.copyOf(candidates));
    }

    /** Normalised autocorrelation (1 at lag 0), unbiased for the shrinking overlap, via FFT. */
    static double[] autocorrelation(double[] x, int maxLag) {
        int n = x.length;
        int size = Integer.highestOneBit(Math.max(2, 2 * n - 1));
        if (size < 2 * n) size <<= 1;
        double[] re = new double[size], im = new double[size];
        System.arraycopy(x, 0, re, 0, n);
        Fft fft = new Fft(size);
        fft.transform(re, im);
        for (int k = 0; k < size; k++) { re[k] = re[k] * re[k] + im[k] * im[k]; im[k] = 0; }
        fft.transform(re, im);   // the power spectrum is real and even: a forward FFT is the inverse up to 1/size
        double[] ac = new double[maxLag + 1];
        for (int lag = 0; lag <= maxLag; lag++) ac[lag] = re[lag] / (n - lag);
        double zero = ac[0];
        if (zero > 0) for (int lag = 0; lag <= maxLag; lag++) ac[lag] /= zero;
        return ac;
    }

    /** Linear interpolation of ac at a fractional lag (0 beyond the end). */
    static double at(double[] ac, double lag) {
        int i = (int) lag;
        if (i + 1 >= ac.length) return 0;
        double t = lag - i;
        return ac[i] + t * (ac[i + 1] - ac[i]);
    }

    /**
     * The period that best fits the autocorrelation peaks near its multiples: each peak is located to
     * sub-frame precision by a parabola through three points, then period = Σ w·k·p_k / Σ w·k².
     */
    private double refineLag(double[] ac, double lag0) {
        double num = 0, den = 0;
        for (int k = 1; k <= 8; k++) {
            double centre = k * lag0;
            int lo = (int) Math.floor(centre * 0.97), hi = (int) Math.ceil(centre * 1.03);
            if (hi + 1 >= ac.length) break;
            int argmax = -1;
            for (int l = Math.max(1, lo); l <= hi; l++) {
                if (ac[l] > ac[l - 1] && ac[l] >= ac[l + 1] && (argmax < 0 || ac[l] > ac[argmax])) argmax = l;
            }
            if (argmax < 0 || ac[argmax] <= 0) continue;
            double a = ac[argmax - 1], b = ac[argmax], c = ac[argmax + 1];
            double denom = a - 2 * b + c;
            double p = argmax + (denom < 0 ? 0.5 * (a - c) / denom : 0);
            double w = b;
            num += w * k * p;
            den += w * k * k;
        }
        if (den == 0) return lag0;
        double lag = num / den;
        return Math.abs(lag / lag0 - 1) < 0.03 ? lag : lag0;
    }
}

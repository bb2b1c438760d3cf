package dev.lofilora.audio.analysis;

import dev.lofilora.audio.AudioBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where to cut a long mix (a "beats to study to" compilation) into parts of at most {@code maxSeconds}: at the
 * silent gaps between its tracks, or, where a stretch has no gap, on a beat of the local tempo, else at the quietest
 * moment. Parts are made greedily from the start; each cut is chosen in the window that keeps the part within
 * {@code maxSeconds} and leaves at least {@code minSeconds} for what follows.
 *
 * <ul>
 * <li><b>Silence</b>: 50 ms frames whose RMS (loudest channel) is 40 dB or more under the mix's loud level (its 95th
 * percentile frame) are silent; a run of at least {@value #MIN_GAP_SECONDS} s is a gap. The longest gap in the
 * window wins (a track boundary, rather than a short break inside a track); the cut is its middle, so each part
 * keeps half the gap.</li>
 * <li><b>Beat</b>: the last {@value #BEAT_WINDOW_SECONDS} s of the window are analysed like
 * {@link TempoKeyAnalyzer} does (onset envelope, tempo); the beat phase is the offset whose beat grid collects the
 * most onset strength; among the grid's beats in the last two bars, the one with the strongest low-frequency onset
 * (the kick, which usually starts a bar) is taken, and the cut falls {@value #PRE_ROLL_SECONDS} s before it so the
 * next part begins with that beat.</li>
 * <li><b>Quiet</b>: no gap and no measurable beat: the quietest 50 ms frame of the last
 * {@value #BEAT_WINDOW_SECONDS} s of the window.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class CutPlanner {
    public static final String START = "start", END = "end", SILENCE = "silence", BEAT = "beat", QUIET = "quiet";
    /** Changes whenever the planner can cut differently; part of the resume hash of the parts. */
    public static final String VERSION = "cut/1";
    static final double FRAME_SECONDS = 0.05;
    static final double SILENCE_BELOW_LOUD_DB = 40;
    static final double MIN_GAP_SECONDS = 0.3;
    static final double BEAT_WINDOW_SECONDS = 30;
    static final double PRE_ROLL_SECONDS = 0.005;

    /**
     * One part, in frames of the mix.
     *
     * @param cutBefore how its start was chosen: {@value #START}, {@value #SILENCE}, {@value #BEAT}, {@value #QUIET}
     * @param cutAfter  how its end was chosen: {@value #SILENCE}, {@value #BEAT}, {@value #QUIET}, {@value #END}
     */
    public record Part(int startFrame, int endFrame, String cutBefore, String cutAfter) {}

    private record Cut(int frame, String kind) {}

    private final double maxSeconds;
    private final double minSeconds;

    public CutPlanner(double maxSeconds, double minSeconds) {
        if (!(minSeconds > 0 && maxSeconds >= 2 * minSeconds)) {
            throw new IllegalArgumentException("need 0 < minSeconds <= maxSeconds / 2");
        }
        this.maxSeconds = maxSeconds;
        this.minSeconds = minSeconds;
    }

    /** The parts, in order, covering the whole of {@code audio}; one part when it is not longer than the maximum. */
    public List<Part> plan(AudioBuffer audio) {
        int sr = audio.sampleRate();
        int n = audio.frames();
        int maxF = (int) Math.floor(maxSeconds * sr), minF = (int) Math.ceil(minSeconds * sr);
        if (n <= maxF) return List.of(new Part(0, n, START, END));
        int hop = Math.max(1, (int) Math.round(FRAME_SECONDS * sr));
        double[] db = frameLevels(audio, hop);
        List<int[]> gaps = gaps(db);
        List<Part> parts = new ArrayList<>();
        int pos = 0;
        String before = START;
        while (n - pos > maxF) {
            int lo = pos + minF, hi = Math.min(pos + maxF, n - minF);
            Cut c = silence(gaps, hop, lo, hi);
            if (c == null) c = beat(audio, lo, hi);
            if (c == null) c = quiet(db, hop, lo, hi);
            parts.add(new Part(pos, c.frame(), before, c.kind()));
            before = c.kind();
            pos = c.frame();
        }
        parts.add(new Part(pos, n, before, END));
        return parts;
    }

    /** RMS level in dB of the loudest channel per frame of {@code hop} samples. */
    static double[] frameLevels(AudioBuffer audio, int hop) {
        int frames = audio.frames() / hop;
        double[] db = new double[frames];
        for (int f = 0; f < frames; f++) {
            double worst = 0;
            for (float[] ch : audio.samples()) {
                double sum = 0;
                for (int i = f * hop; i < (f + 1) * hop; i++) sum += ch[i] * (double) ch[i];
                worst = Math.max(worst, sum / hop);
            }
            db[f] = 10 * Math.log10(worst + 1e-20);
        }
        return db;
    }

    /** Silent runs as {first frame, one past the last frame}. */
    static List<int[]> gaps(double[] db) {
        List<int[]> out = new ArrayList<>();
        if (db.length == 0) return out;
        double[] sorted = db.clone();
        Arrays.sort(sorted);
        double loud = sorted[(int) Math.floor(0.95 * (sorted.length - 1))];
        double threshold = loud - SILENCE_BELOW_LOUD_DB;
        int minFrames = (int) Math.ceil(MIN_GAP_SECONDS / FRAME_SECONDS);
        int start = -1;
        for (int f = 0; f <= db.length; f++) {
            boolean silent = f < db.length && db[f] < threshold;
            if (silent && start < 0) start = f;
            if (!silent && start >= 0) {
                if (f - start >= minFrames) out.add(new int[] {start, f});
                start = -1;
            }
        }
        return out;
    }

    private static Cut silence(List<int[]> gaps, int hop, int lo, int hi) {
        int[] best = null;
        for (int[] g : gaps) {
            int centre = (g[0] + g[1]) * hop / 2;
            if (centre < lo || centre > hi) continue;
            if (best == null || g[1] - g[0] >= best[1] - best[0]) best = g;
        }
        return best == null ? null : new Cut((best[0] + best[1]) * hop / 2, SILENCE);
    }

    /** A cut just before a beat (preferring a kick) in the last two bars before {@code hi}, or null. */
    private static Cut beat(AudioBuffer audio, int lo, int hi) {
        int sr = audio.sampleRate();
        int from = Math.max(lo, hi - (int) (BEAT_WINDOW_SECONDS * sr));
        if (hi - from < 8 * sr) return null;
        float[][] s = audio.samples();
        float[][] window = new float[s.length][];
        for (int c = 0; c < s.length; c++) window[c] = Arrays.copyOfRange(s[c], from, hi);
        AudioBuffer w = new AudioBuffer(window, sr);
        int factor = MonoDownsampler.factor(sr);
        float[] x = MonoDownsampler.decimate(MonoDownsampler.mono(w), factor);
        int rate = sr / factor;
        OnsetEnvelope env = OnsetEnvelope.compute(x, rate);
        TempoEstimator.Result tempo = new TempoEstimator(TempoEstimator.Settings.LOFI).estimate(env);
        if (!Double.isFinite(tempo.bpm())) return null;
        double[] e = env.values();
        double hopS = env.hopSeconds();
        double period = 60 / tempo.bpm() / hopS; // in envelope frames
        double phase = bestPhase(e, period);
        double[] kick = lowOnsets(x, rate, hopS, e.length);
        double offset = OnsetEnvelope.windowSize(rate) / 2.0 / rate; // onset frame t ≈ time t·hop + window/2
        double bestScore = Double.NEGATIVE_INFINITY;
        double bestTime = -1;
        double latest = (hi - from) / (double) sr - PRE_ROLL_SECONDS;
        for (double t = phase; t < e.length; t += period) {
            double time = t * hopS + offset;
            if (time > latest || time < latest - 8 * 60 / tempo.bpm()) continue; // last two 4/4 bars
            double score = peak(kick, t);
            if (score > bestScore) {
                bestScore = score;
                bestTime = time;
            }
        }
        if (bestTime < 0) return null;
        int frame = from + (int) Math.round((bestTime - PRE_ROLL_SECONDS) * sr);
        return frame < lo || frame > hi ? null : new Cut(frame, BEAT);
    }

    /** The beat phase (in envelope frames, 0 ≤ phase < period) whose grid collects the most onset strength. */
    static double bestPhase(double[] e, double period) {
        double best = 0, bestSum = Double.NEGATIVE_INFINITY;
        for (double p = 0; p < period; p += 0.25) {
            double sum = 0;
            for (double t = p; t < e.length; t += period) sum += peak(e, t);
            if (sum > bestSum) {
                bestSum = sum;
                best = p;
            }
        }
        return best;
    }

    /** The largest value within one frame of fractional position {@code t}. */
    private static double peak(double[] e, double t) {
        int c = (int) Math.round(t);
        double m = Double.NEGATIVE_INFINITY;
        for (int i = Math.max(0, c - 1); i <= Math.min(e.length - 1, c + 1); i++) m = Math.max(m, e[i]);
        return m == Double.NEGATIVE_INFINITY ? 0 : m;
    }

    /** Rise of the log energy under ~150 Hz per envelope frame (the kick), aligned with the onset envelope. */
    private static double[] lowOnsets(float[] x, int rate, double hopS, int frames) {
        double a = Math.exp(-2 * Math.PI * 150.0 / rate);
        int hop = (int) Math.round(hopS * rate);
        int win = OnsetEnvelope.windowSize(rate);
        double[] low = new double[x.length];
        double y1 = 0, y2 = 0;
        for (int i = 0; i < x.length; i++) { // two one-pole sections: 12 dB/octave above 150 Hz
            y1 = (1 - a) * x[i] + a * y1;
            y2 = (1 - a) * y1 + a * y2;
            low[i] = y2;
        }
        double[] energy = new double[frames];
        for (int t = 0; t < frames; t++) {
            double sum = 0;
            int end = Math.min(x.length, t * hop + win);
            for (int i = t * hop; i < end; i++) sum += low[i] * low[i];
            energy[t] = Math.log10(sum + 1e-12);
        }
        double[] rise = new double[frames];
        for (int t = 2; t < frames; t++) rise[t] = Math.max(0, energy[t] - energy[t - 2]);
        return rise;
    }

    private static Cut quiet(double[] db, int hop, int lo, int hi) {
        int fLo = Math.max(lo / hop, hi / hop - (int) (BEAT_WINDOW_SECONDS / FRAME_SECONDS));
        int fHi = Math.min(db.length - 1, hi / hop - 1);
        int best = -1;
        for (int f = fLo; f <= fHi; f++) if (best < 0 || db[f] < db[best]) best = f;
        if (best < 0) return new Cut(hi, QUIET);
        int frame = Math.min(hi, Math.max(lo, best * hop + hop / 2));
        return new Cut(frame, QUIET);
    }
}

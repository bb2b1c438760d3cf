package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.Parallel;
import dev.lofilora.audio.dsp.Dsp;

import java.util.Arrays;

/**
 * BS.1770-4 / EBU R 128 loudness meter for any sample rate and 1–5 channels (L, R, C, Ls, Rs; weights 1, 1, 1,
 * 1.41, 1.41; a 6-channel input is read as 5.1 with the LFE excluded). Stateless and thread-safe.
 *
 * <p>Semantics follow libebur128 so that its readings are reproduced to well under 0.01 LU:
 * <ul>
 * <li>K-weighting by {@link KWeighting} (ITU coefficients at 48 kHz, the analog-prototype derivation elsewhere);</li>
 * <li>integrated loudness: 400 ms gating blocks every 100 ms ({@code (fs+5)/10} samples), an incomplete final block
 * is not used, absolute gate -70 LUFS and relative gate -10 LU, both with {@code >=} on block energies. Input
 * shorter than 400 ms therefore has no block and reads -Infinity, as does silence;</li>
 * <li>momentary (400 ms) and short-term (3 s) maxima over windows that slide by one tick (10 ms at 48 kHz, at most
 * 10 ms at any rate) and lie inside the file; a file shorter than a window gets one reading of its whole energy
 * over the window length;</li>
 * <li>loudness range (EBU Tech 3342): short-term values every 100 ms (Tech 3342's recommended hop; libebur128 uses
 * 1 s) over complete 3 s windows (no silence appended), absolute gate -70 LUFS, relative gate -20 LU (both
 * {@code >=}), P95 - P10 by nearest rank on the sorted values (index round((n-1)p), as the Tech 3342 MATLAB and
 * libebur128). 0 LU when nothing passes the gates (silence or under 3 s), as libebur128;</li>
 * <li>true peak: both {@link TruePeakFilter#itu()} and {@link TruePeakFilter#ebur128(int)}, each reported as
 * max(interpolated, sample peak) in dBTP over all channels.</li>
 * </ul>
 * Samples must be finite: NaN or infinite samples make the readings meaningless (the quality checks reject such
 * files first).
 */
public final class LoudnessMeter {
    static final double ABSOLUTE_GATE_LUFS = -70.0;
    static final double RELATIVE_GATE_LU = -10.0;
    static final double LRA_RELATIVE_GATE_LU = -20.0;

    private static final TruePeakFilter ITU = TruePeakFilter.itu();

    private LoudnessMeter() {}

    /** Measures every quantity of {@link LoudnessReport} on {@code audio}. */
    public static LoudnessReport measure(AudioBuffer audio) {
        return measure(audio, Parallel.SERIAL);
    }

    /**
     * As {@link #measure(AudioBuffer)}, the true-peak search of each channel on its own thread when {@code parallel}
     * has them (the same readings: a maximum does not depend on the order it is taken in).
     */
    public static LoudnessReport measure(AudioBuffer audio, Parallel parallel) {
        return measureKeeping(audio, parallel).report();
    }

    /**
     * As {@link #measure(AudioBuffer, Parallel)}, keeping the block statistics of the true-peak search for a limiter
     * that runs on the same audio next ({@link TruePeakLimiter#prepare(Measurement, double, boolean)}).
     */
    public static Measurement measureKeeping(AudioBuffer audio, Parallel parallel) {
        // the K-weighting pass also finds the block extremes the true-peak search is pruned with: one read of the samples
        KWeightedEnergy e = KWeightedEnergy.of(audio, Dsp.kernels(), true);
        BlockStats[] bs = new BlockStats[audio.channels()];
        float[][] blockPeaks = new float[audio.channels()][];
        double[] peaks = peaks(audio, c -> bs[c] = e.blockStats(audio, c), parallel, blockPeaks);
        return new Measurement(audio, report(e, peaks), bs, e, blockPeaks);
    }

    /** The report from the K-weighted energies and the peaks ({sample, ITU, libebur128}, linear). */
    private static LoudnessReport report(KWeightedEnergy e, double[] peaks) {
        double[] blocks = e.blocks100ms();
        double integrated = integrated(blocks, e.samplesPer100ms);
        double lra = loudnessRange(blocks, e.samplesPer100ms);
        double mMax = loudness(max(e.slidingMeans(4 * e.ticksPer100ms)));
        double sMax = loudness(max(e.slidingMeans(30 * e.ticksPer100ms)));
        return new LoudnessReport(integrated, lra, mMax, sMax, dB(peaks[0]), dB(peaks[1]), dB(peaks[2]));
    }

    /**
     * The largest |y − float(x · gain)| over the samples y of a read-back and x of its source for which
     * {@link #measureWritten} may use the source's block peaks: two half steps of 24-bit PCM (one for the rounding to
     * 24 bits; the other covers the float product, whether the check rounds it or fuses it into the difference).
     */
    public static final float WRITTEN_DEVIATION = 0x1p-23f;

    /**
     * {@link #measure(AudioBuffer, Parallel)} of {@code written}: the samples of {@code source} times {@code gain},
     * written and read back, every read-back sample within {@code deviation} (at most {@link #WRITTEN_DEVIATION}) of
     * float(source sample · gain), as {@link dev.lofilora.audio.dsp.DspKernels#unpack24StereoCheck} finds while reading
     * into the source's own arrays. The same readings as a plain measurement, since both true-peak searches are exact;
     * they only compute fewer blocks. A block of the written signal can hold an interpolated output over the running
     * maximum only if gain times the source block's peak (the exact maximum the source's search found, or its bound)
     * plus a rounding margin is: on a dense master that leaves a handful of blocks instead of one in ten. Without the
     * source's block peaks, or with a larger deviation (another file on disk, a clipped sample), this is
     * {@code measure(written, parallel)}.
     */
    public static LoudnessReport measureWritten(AudioBuffer written, Measurement source, float gain, float deviation,
                                                Parallel parallel) {
        return measureWritten(written, source, gain, deviation, parallel, writtenMargin());
    }

    /** As the public one with the bounds' rounding margin given (tests show that it is needed). */
    static LoudnessReport measureWritten(AudioBuffer written, Measurement source, float gain, float deviation,
                                         Parallel parallel, double margin) {
        float[][] prior = source.blockPeaks();
        boolean usable = deviation <= WRITTEN_DEVIATION && gain > 0f && Float.isFinite(gain) && prior != null
                && prior.length == written.channels() && source.audio().frames() == written.frames()
                && source.audio().sampleRate() == written.sampleRate();
        for (int c = 0; usable && c < prior.length; c++) usable = prior[c] != null;
        if (!usable) return measure(written, parallel);
        KWeightedEnergy e = KWeightedEnergy.of(written, Dsp.kernels(), true);
        double[] peaks = peaks(written, c -> e.blockStats(written, c).tightened(prior[c], gain, margin), parallel,
                null);
        return report(e, peaks);
    }

    /**
     * What an interpolated output y_out of the written signal can exceed gain · x_out, its source's output at the same
     * time, both as the searches compute them (in float, at most 14 rounded operations from 13 taps): with A the
     * filters' largest sum |h|, u = 2^-24 and g·|x| ≤ 1 + 2^-22, |y − g·x| ≤ 2^-23 (1 + u) + u (1 + 2^-22) < 2^-22
     * per sample, so y_out ≤ g·x_out + A·2^-22 + (rounding of both sums: γ·A·(g·max|x| + max|y|) ≤ 2.0001·γ·A, with
     * γ = 14u / (1 − 14u)). Doubled for slack: about 5e-6 of full scale, where a true-peak search decides at 1e-6.
     */
    static double writtenMargin() {
        double u = 0x1p-24, gamma = 14 * u / (1 - 14 * u);
        return 2 * TruePeakFilter.UNIT_ABS_SUM * (0x1p-22 + 2.0001 * gamma);
    }

    /** Integrated loudness from K-weighted tick energies. */
    static double integratedLufs(KWeightedEnergy e) {
        return integrated(e.blocks100ms(), e.samplesPer100ms);
    }

    /** Integrated loudness only (cheaper than {@link #measure} when the peaks are not needed). */
    public static double integratedLufs(AudioBuffer audio) {
        KWeightedEnergy e = KWeightedEnergy.of(audio);
        return integrated(e.blocks100ms(), e.samplesPer100ms);
    }

    /** Momentary loudness (400 ms windows) at every tick (at most 10 ms apart). */
    public static LoudnessSeries momentary(AudioBuffer audio) {
        return series(audio, 4);
    }

    /** Short-term loudness (3 s windows) at every tick (at most 10 ms apart). */
    public static LoudnessSeries shortTerm(AudioBuffer audio) {
        return series(audio, 30);
    }

    /**
     * Peak levels over all channels as linear amplitudes: {sample peak, ITU true peak, libebur128 true peak}, each
     * true peak already max'ed with the sample peak.
     */
    static double[] peaks(AudioBuffer audio) {
        return peaks(audio, Parallel.SERIAL);
    }

    static double[] peaks(AudioBuffer audio, Parallel parallel) {
        return peaks(audio, c -> BlockStats.of(audio.samples()[c]), parallel);
    }

    /** As {@link #peaks(AudioBuffer, Parallel)} with each channel's block statistics from {@code stats}. */
    static double[] peaks(AudioBuffer audio, java.util.function.IntFunction<BlockStats> stats, Parallel parallel) {
        return peaks(audio, stats, parallel, null);
    }

    /**
     * As {@link #peaks(AudioBuffer, java.util.function.IntFunction, Parallel)}; with {@code blockPeaks} (one entry per
     * channel, or null), each channel's block peaks are put there: per output block, the larger exact maximum of the
     * two interpolators where a search computed the block, its bound where none did.
     */
    static double[] peaks(AudioBuffer audio, java.util.function.IntFunction<BlockStats> stats, Parallel parallel,
                          float[][] blockPeaks) {
        TruePeakFilter eb = TruePeakFilter.ebur128(audio.sampleRate());
        int ch = audio.channels();
        BlockStats[] bs = new BlockStats[ch];
        parallel.run(ch, c -> bs[c] = stats.apply(c));
        double sample = 0;
        for (BlockStats b : bs) sample = Math.max(sample, b.peak);
        if (blockPeaks != null) for (int c = 0; c < ch; c++) blockPeaks[c] = bs[c].bound.clone();
        // Start every search at the global sample peak: a channel's interpolation can only matter above it. The
        // search is exact, so each channel's result is max(floor, its own peak) whatever the floor, and the maximum
        // over the channels is the same in any order.
        double i = sample, e = sample;
        if (parallel.threads() == 1 || ch == 1) {
            for (int c = 0; c < ch; c++) { // one after the other, each search starts at the maximum so far
                double[] p = TruePeakFilter.peaks(ITU, eb, audio.samples()[c], bs[c], i, e, Dsp.kernels(),
                        blockPeaks == null ? null : blockPeaks[c]);
                i = p[0];
                e = p[1];
            }
            return new double[] {sample, i, e};
        }
        double floor = sample;
        double[] itu = new double[ch], ebur = new double[ch];
        parallel.run(ch, c -> {
            double[] p = TruePeakFilter.peaks(ITU, eb, audio.samples()[c], bs[c], floor, floor, Dsp.kernels(),
                    blockPeaks == null ? null : blockPeaks[c]);
            itu[c] = p[0];
            ebur[c] = p[1];
        });
        for (int c = 0; c < ch; c++) { i = Math.max(i, itu[c]); e = Math.max(e, ebur[c]); }
        return new double[] {sample, i, e};
    }

    private static LoudnessSeries series(AudioBuffer audio, int windowIn100ms) {
        KWeightedEnergy e = KWeightedEnergy.of(audio);
        double[] means = e.slidingMeans(windowIn100ms * e.ticksPer100ms);
        double[] lufs = new double[means.length];
        for (int i = 0; i < means.length; i++) lufs[i] = loudness(means[i]);
        double fs = audio.sampleRate();
        double window = windowIn100ms * e.samplesPer100ms / fs;
        double firstEnd = e.ticks.length >= windowIn100ms * e.ticksPer100ms ? window : audio.seconds();
        return new LoudnessSeries(window, e.tickLength / fs, firstEnd, lufs);
    }

    /** Gated integrated loudness from 100 ms block energies (libebur128 semantics). */
    static double integrated(double[] blocks100ms, int samplesPer100ms) {
        int n = blocks100ms.length - 3;
        if (n <= 0) return Double.NEGATIVE_INFINITY;
        double[] z = new double[n];
        double norm = 1.0 / (4.0 * samplesPer100ms);
        for (int j = 0; j < n; j++) {
            z[j] = (blocks100ms[j] + blocks100ms[j + 1] + blocks100ms[j + 2] + blocks100ms[j + 3]) * norm;
        }
        return loudness(gatedMean(z, RELATIVE_GATE_LU));
    }

    /** Mean of the energies passing the absolute gate and then the relative gate ({@code >=}); 0 if none. */
    private static double gatedMean(double[] z, double relativeGateLu) {
        double absGate = energy(ABSOLUTE_GATE_LUFS);
        double sum = 0;
        int count = 0;
        for (double v : z) if (v >= absGate) { sum += v; count++; }
        if (count == 0) return 0;
        double relGate = sum / count * Math.pow(10.0, relativeGateLu / 10.0);
        sum = 0;
        count = 0;
        for (double v : z) if (v >= absGate && v >= relGate) { sum += v; count++; }
        return count == 0 ? 0 : sum / count;
    }

    /** EBU Tech 3342 loudness range from 100 ms block energies (short-term values every 100 ms). */
    static double loudnessRange(double[] blocks100ms, int samplesPer100ms) {
        int n = blocks100ms.length - 29;
        if (n <= 0) return 0.0;
        double norm = 1.0 / (30.0 * samplesPer100ms);
        double absGate = energy(ABSOLUTE_GATE_LUFS);
        double[] st = new double[n];
        int kept = 0;
        double sum = 0;
        double window = 0;
        for (int j = 0; j < 30; j++) window += blocks100ms[j];
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                // exact re-sum every 64 hops keeps the running sum free of accumulated rounding
                if (k % 64 == 0) { window = 0; for (int j = k; j < k + 30; j++) window += blocks100ms[j]; }
                else window += blocks100ms[k + 29] - blocks100ms[k - 1];
            }
            double v = Math.max(0.0, window) * norm;
            if (v >= absGate) { st[kept++] = v; sum += v; }
        }
        if (kept == 0) return 0.0;
        double relGate = sum / kept * Math.pow(10.0, LRA_RELATIVE_GATE_LU / 10.0);
        int m = 0;
        for (int i = 0; i < kept; i++) if (st[i] >= relGate) st[m++] = st[i];
        if (m == 0) return 0.0;
        double[] gated = Arrays.copyOf(st, m);
        Arrays.sort(gated); // energy order = loudness order
        double low = gated[(int) ((m - 1) * 0.10 + 0.5)];
        double high = gated[(int) ((m - 1) * 0.95 + 0.5)];
        return loudness(high) - loudness(low);
    }

    /** Loudness in LUFS of a channel-weighted mean-square energy; -Infinity for 0. */
    static double loudness(double energy) {
        return -0.691 + 10.0 * Math.log10(energy);
    }

    static double energy(double lufs) {
        return Math.pow(10.0, (lufs + 0.691) / 10.0);
    }

    static double dB(double amplitude) {
        return 20.0 * Math.log10(amplitude);
    }

    private static double max(double[] v) {
        double m = 0;
        for (double x : v) if (x > m) m = x;
        return m;
    }
}

package dev.lofilora.audio.loudness;

import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.DspKernels;
import dev.lofilora.audio.dsp.JavaDsp;

/**
 * A polyphase oversampling interpolator for true-peak measurement: phase {@code p} of the output at input index
 * {@code n} is {@code sum_k h[p][k] * x[n - k]} (zeros outside the signal; the tail is flushed so the last
 * inter-sample peaks are seen too). Phases that are a pure delay (one tap of exactly 1) are dropped because they
 * only repeat input samples, and every true-peak reading is taken as max(interpolated, sample peak) anyway.
 *
 * <p>Two interpolators are provided:
 * <ul>
 * <li>{@link #itu()}: the ITU-R BS.1770 Annex 2 example, 48 taps, 4 phases of 12;</li>
 * <li>{@link #ebur128(int)}: libebur128's 49-tap Hann-windowed sinc, factor 4 below 96 kHz, 2 below 192 kHz,
 * none (null) at or above 192 kHz.</li>
 * </ul>
 * The outputs are summed in float, as libebur128 does: against a double sum that changes a reading by under
 * 1e-5 dB. The loops run in {@link DspKernels} (native SIMD where the library loads, {@link JavaDsp} otherwise); the
 * few blocks at the edges of the signal, where the filter reads zeros, are done here with the same arithmetic.
 *
 * <p>Speed: the filters are only run where they could matter, with an exact bound per block of
 * {@link BlockStats#BLOCK} outputs. With lo..hi the range of the samples the block reads, c = (hi + lo) / 2 and
 * r = (hi - lo) / 2, every output satisfies |y| <= |sum h| |c| + (sum |h|) r, and also |y| <= (sum |h|) max(|lo|, |hi|).
 * The first form is tight where the waveform is smooth (bass, kick drums: where music peaks), the second where it is
 * not. A block is skipped when its bound cannot beat the running maximum (or the limiter's threshold); the blocks
 * with the highest bounds are scanned first so the running maximum is near its final value early. Immutable and
 * thread-safe.
 */
final class TruePeakFilter {
    // ITU-R BS.1770-5 Annex 2, phase 0 and phase 1; phase 3 = phase 0 reversed, phase 2 = phase 1 reversed.
    private static final double[] ITU_PHASE0 = {0.0017089843750, 0.0109863281250, -0.0196533203125,
            0.0332031250000, -0.0594482421875, 0.1373291015625, 0.9721679687500, -0.1022949218750,
            0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500};
    private static final double[] ITU_PHASE1 = {-0.0291748046875, 0.0292968750000, -0.0517578125000,
            0.0891113281250, -0.1665039062500, 0.4650878906250, 0.7797851562500, -0.2003173828125,
            0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375};
    /**
     * The largest |sum h| and sum |h| over the phases of the ITU filter and libebur128's 4x filter (with
     * {@link #SAFETY}): {@link BlockStats#bound} holds for both. Computed from the filters themselves below.
     */
    static final double UNIT_SUM;
    static final double UNIT_ABS_SUM;

    static {
        TruePeakFilter a = itu(), b = ebur128(48000);
        UNIT_SUM = Math.max(a.sumMax, b.sumMax);
        UNIT_ABS_SUM = Math.max(a.absSum, b.absSum);
    }

    /** Bounds are scaled up by this so that rounding in them can never skip a block that holds the maximum. */
    private static final double SAFETY = 1.0 + 1e-5; // covers the float arithmetic of the bound pass

    private final int factor;
    private final int length;
    /** Input blocks before an output block that its outputs read (1 for 4x, 2 for libebur128's 2x at 96 kHz). */
    private final int lookback;
    private final double[][] phases;
    /** The kept phases as float, phase-major, each {@link #length} taps (zero-padded): what the kernels read. */
    private final float[] taps;
    /** Time of each kept phase's output relative to its input index n, in input samples (negative: a delay). */
    private final double[] offsets;
    /** floor(offsets[p]): output n of phase p lies between input samples n + lagFloor[p] and the one after. */
    private final int[] lagFloor;
    /** The first output block whose taps read no sample before the signal. */
    private final int firstInterior;
    private final double absSum;
    private final double sumMax;

    private TruePeakFilter(int factor, double[][] allPhases, double delayInOversampled) {
        this.factor = factor;
        int kept = 0;
        for (double[] h : allPhases) if (!isPureDelay(h)) kept++;
        this.phases = new double[kept][];
        this.offsets = new double[kept];
        int len = 0;
        double a = 0, s = 0;
        int i = 0;
        for (int p = 0; p < allPhases.length; p++) {
            double[] h = allPhases[p];
            if (isPureDelay(h)) continue;
            phases[i] = h;
            offsets[i] = (p - delayInOversampled) / factor;
            double abs = 0, sum = 0;
            for (double c : h) { abs += Math.abs(c); sum += c; }
            a = Math.max(a, abs);
            s = Math.max(s, Math.abs(sum));
            len = Math.max(len, h.length);
            i++;
        }
        this.length = len;
        this.lookback = (len - 1 + BlockStats.BLOCK - 1) / BlockStats.BLOCK;
        this.firstInterior = lookback;
        this.taps = new float[kept * len];
        this.lagFloor = new int[kept];
        for (int p = 0; p < kept; p++) {
            for (int k = 0; k < phases[p].length; k++) taps[p * len + k] = (float) phases[p][k];
            lagFloor[p] = (int) Math.floor(offsets[p]);
        }
        this.absSum = a * SAFETY;
        this.sumMax = s * SAFETY;
    }

    /** The BS.1770 Annex 2 48-tap, 4-phase interpolator (used at every sample rate). */
    static TruePeakFilter itu() {
        double[][] p = new double[4][12];
        for (int k = 0; k < 12; k++) {
            p[0][k] = ITU_PHASE0[k];
            p[1][k] = ITU_PHASE1[k];
            p[2][k] = ITU_PHASE1[11 - k];
            p[3][k] = ITU_PHASE0[11 - k];
        }
        return new TruePeakFilter(4, p, 23.5);
    }

    /** libebur128's interpolator for {@code sampleRate}, or null where it does not oversample (>= 192 kHz). */
    static TruePeakFilter ebur128(int sampleRate) {
        int factor = sampleRate < 96000 ? 4 : sampleRate < 192000 ? 2 : 1;
        if (factor == 1) return null;
        int taps = 49;
        int delays = (taps + factor - 1) / factor;
        double[][] p = new double[factor][delays];
        for (int j = 0; j < taps; j++) {
            int m = j - taps / 2;
            double c = m == 0 ? 1.0 : Math.sin(m * Math.PI / factor) / (m * Math.PI / factor);
            c *= 0.5 * (1.0 - Math.cos(2.0 * Math.PI * j / (taps - 1)));
            if (Math.abs(c) > 1e-6) p[j % factor][j / factor] = c; // libebur128 drops taps with |c| <= 1e-6
        }
        return new TruePeakFilter(factor, p, (taps - 1) / 2.0);
    }

    int factor() { return factor; }

    /** The kept phases (copies), for tests. */
    double[][] phases() {
        double[][] c = new double[phases.length][];
        for (int i = 0; i < c.length; i++) c[i] = phases[i].clone();
        return c;
    }

    private static boolean isPureDelay(double[] h) {
        int nonZero = 0;
        boolean one = false;
        for (double c : h) {
            if (c != 0) nonZero++;
            if (c == 1.0) one = true;
        }
        return nonZero == 1 && one;
    }

    /** Output blocks: the flushed output runs to index x.length + length - 2. */
    private int outputBlocks(int frames) {
        return (frames + length - 1 + BlockStats.BLOCK - 1) / BlockStats.BLOCK;
    }

    /** An upper bound of |output| over output block b (outputs b*BLOCK .. b*BLOCK+BLOCK-1). */
    private double bound(BlockStats s, int b) {
        int n = s.blocks();
        // the block reads its own input block and the tail of the previous ones; zeros outside the signal
        float hi = b < n ? s.max[b] : 0f, lo = b < n ? s.min[b] : 0f;
        if (b >= n) { hi = Math.max(hi, 0f); lo = Math.min(lo, 0f); }
        for (int j = b - lookback; j < b; j++) {
            if (j >= 0 && j < n) { hi = Math.max(hi, s.max[j]); lo = Math.min(lo, s.min[j]); }
            else { hi = Math.max(hi, 0f); lo = Math.min(lo, 0f); }
        }
        return BlockStats.bound(hi, lo, (float) sumMax, (float) absSum);
    }

    /** The largest |interpolated output| of {@code x}, or {@code floor} if none is larger. */
    double peak(float[] x, BlockStats s, double floor) {
        return peak(x, s, floor, Dsp.kernels());
    }

    /** As {@link #peak(float[], BlockStats, double)} on the given kernels (tests compare them). */
    double peak(float[] x, BlockStats s, double floor, DspKernels kernels) {
        int blocks = outputBlocks(x.length);
        int shared = sharedBlocks(s, blocks);
        float[] bd = shared > 0 ? s.bound : ownBounds(s, blocks);
        int covered = shared > 0 ? shared : blocks; // blocks with an entry in bd
        int lo = Math.min(firstInterior, covered), hi = Math.max(lo, Math.min(x.length / BlockStats.BLOCK, covered));
        float best = (float) floor;
        // the most promising block first, so that the running maximum prunes nearly everything else
        int top = shared > 0 ? s.topBlock : -1;
        if (top >= lo && top < hi) best = kernels.tpPeak(x, bd, top, top + 1, best, taps, phases.length, length);
        for (int b = 0; b < lo; b++) if (bd[b] > best) best = Math.max(best, scanEdge(x, b));
        best = kernels.tpPeak(x, bd, lo, hi, best, taps, phases.length, length);
        for (int b = hi; b < blocks; b++) {
            if ((b < covered ? bd[b] : bound(s, b)) > best) best = Math.max(best, scanEdge(x, b));
        }
        return best;
    }

    /**
     * {@link #peak} of {@code a} and {@code b} (null: none, {@code floorB} comes back) in one pass over the samples where
     * the two can share it (both covered by the shared bounds): {a's peak, b's peak}, the same numbers as two
     * {@link #peak} calls.
     */
    static double[] peaks(TruePeakFilter a, TruePeakFilter b, float[] x, BlockStats s, double floorA, double floorB,
                          DspKernels kernels) {
        return peaks(a, b, x, s, floorA, floorB, kernels, null);
    }

    /**
     * As {@link #peaks(TruePeakFilter, TruePeakFilter, float[], BlockStats, double, double, DspKernels)}; with
     * {@code exact} (a copy of {@code s.bound}, or null), each block the two searches compute gets the larger of its
     * two exact maxima there (see {@link DspKernels#tpPeak2}): per block, a bound at least as tight as the one given.
     */
    static double[] peaks(TruePeakFilter a, TruePeakFilter b, float[] x, BlockStats s, double floorA, double floorB,
                          DspKernels kernels, float[] exact) {
        int blocks = a.outputBlocks(x.length);
        int shared = a.sharedBlocks(s, blocks);
        if (b == null || shared == 0 || b.sharedBlocks(s, blocks) != shared || b.outputBlocks(x.length) != blocks
                || b.firstInterior != a.firstInterior) {
            return new double[] {a.peak(x, s, floorA, kernels), b == null ? floorB : b.peak(x, s, floorB, kernels)};
        }
        // one tap count for both (the ITU filter has 12, libebur128's 13): trailing zero taps add exactly nothing
        int n = Math.max(a.length, b.length);
        float[] tapsA = a.padded(n), tapsB = b.padded(n);
        float[] bd = s.bound;
        int lo = Math.min(a.firstInterior, shared), hi = Math.max(lo, Math.min(x.length / BlockStats.BLOCK, shared));
        float[] best = {(float) floorA, (float) floorB};
        int top = s.topBlock;
        if (top >= lo && top < hi) {
            kernels.tpPeak2(x, bd, top, top + 1, best, tapsA, a.phases.length, tapsB, b.phases.length, n, exact);
        }
        for (int blk = 0; blk < lo; blk++) {
            if (bd[blk] > best[0]) best[0] = Math.max(best[0], a.scanEdge(x, blk));
            if (bd[blk] > best[1]) best[1] = Math.max(best[1], b.scanEdge(x, blk));
        }
        kernels.tpPeak2(x, bd, lo, hi, best, tapsA, a.phases.length, tapsB, b.phases.length, n, exact);
        for (int blk = hi; blk < blocks; blk++) {
            double bound = blk < shared ? bd[blk] : a.bound(s, blk);
            if (bound > best[0]) best[0] = Math.max(best[0], a.scanEdge(x, blk));
            if ((blk < shared ? bd[blk] : b.bound(s, blk)) > best[1]) best[1] = Math.max(best[1], b.scanEdge(x, blk));
        }
        return new double[] {best[0], best[1]};
    }

    /** {@link #taps} with each phase zero-padded to {@code n} taps (the array itself when n is the tap count). */
    private float[] padded(int n) {
        if (n == length) return taps;
        float[] p = new float[phases.length * n];
        for (int ph = 0; ph < phases.length; ph++) System.arraycopy(taps, ph * length, p, ph * n, length);
        return p;
    }

    /**
     * How many leading output blocks {@link BlockStats#bound} covers for this filter (one block of look-back and
     * constants within the unit ones); the rest (the flushed tail, or every block of another filter) use
     * {@link #bound}.
     */
    private int sharedBlocks(BlockStats s, int blocks) {
        boolean unit = lookback == 1 && sumMax <= UNIT_SUM && absSum <= UNIT_ABS_SUM;
        return unit ? Math.min(s.blocks(), blocks) : 0;
    }

    /** {@link #bound} of every output block, for a filter the shared bounds do not cover. */
    private float[] ownBounds(BlockStats s, int blocks) {
        float[] bd = new float[blocks];
        for (int b = 0; b < blocks; b++) bd[b] = (float) bound(s, b);
        return bd;
    }

    /** The largest |output| of any phase in output block b, for blocks at the edges (zeros outside the signal). */
    private float scanEdge(float[] x, int b) {
        int s = b * BlockStats.BLOCK, e = Math.min(s + BlockStats.BLOCK, x.length + length - 1);
        float m = 0f;
        for (int p = 0; p < phases.length; p++) {
            for (int n = s; n < e; n++) m = Math.max(m, Math.abs(output(x, p, n)));
        }
        return m;
    }

    /**
     * Raises {@code env[t]} to every |interpolated output| above {@code threshold}, at the two input samples either
     * side of the output's time (clamped to the signal), so a gain curve that holds at both neighbours holds at the
     * inter-sample point.
     */
    void envelope(float[] x, BlockStats s, double threshold, float[] env) {
        envelope(x, s, threshold, env, Dsp.kernels());
    }

    void envelope(float[] x, BlockStats s, double threshold, float[] env, DspKernels kernels) {
        int blocks = outputBlocks(x.length);
        int shared = sharedBlocks(s, blocks);
        float[] bd = shared > 0 ? s.bound : ownBounds(s, blocks);
        int covered = shared > 0 ? shared : blocks;
        int lo = Math.min(firstInterior, covered), hi = Math.max(lo, Math.min(x.length / BlockStats.BLOCK, covered));
        float thr = (float) threshold;
        for (int b = 0; b < lo; b++) if (bd[b] > thr) envelopeEdge(x, b, thr, env);
        kernels.tpEnvelope(x, bd, lo, hi, thr, taps, phases.length, length, lagFloor, env);
        for (int b = hi; b < blocks; b++) if ((b < covered ? bd[b] : bound(s, b)) > thr) envelopeEdge(x, b, thr, env);
    }

    /** {@link #envelope} for one block at an edge of the signal. */
    private void envelopeEdge(float[] x, int b, float threshold, float[] env) {
        int start = b * BlockStats.BLOCK, end = Math.min(start + BlockStats.BLOCK, x.length + length - 1);
        int last = env.length - 1;
        for (int p = 0; p < phases.length; p++) {
            for (int n = start; n < end; n++) {
                float y = Math.abs(output(x, p, n));
                if (!(y > threshold)) continue;
                int lo = n + lagFloor[p];
                int a = Math.max(0, Math.min(last, lo)), c = Math.max(0, Math.min(last, lo + 1));
                if (env[a] < y) env[a] = y;
                if (env[c] < y) env[c] = y;
            }
        }
    }

    /** Output of phase p at input index n, zeros outside the signal; float, taps in order (the kernels' arithmetic). */
    private float output(float[] x, int p, int n) {
        float acc = 0f;
        int off = p * length;
        for (int k = 0; k < length; k++) {
            int i = n - k;
            if (i >= 0 && i < x.length) acc += taps[off + k] * x[i];
        }
        return acc;
    }

    /** The kernels' float taps, phase-major ({@link #phases()} count × {@link #tapCount()}), for tests. */
    float[] floatTaps() { return taps.clone(); }

    int tapCount() { return length; }

    /** The Java reference kernels (tests run the filter on both). */
    static DspKernels javaKernels() { return JavaDsp.INSTANCE; }
}

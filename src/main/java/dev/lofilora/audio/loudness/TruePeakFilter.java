package dev.lofilora.audio.loudness;

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
 * none (null) at or above 192 kHz. libebur128 keeps its state in float32; here everything is double, which
 * changes readings by far less than 0.001 dB.</li>
 * </ul>
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
    /** Time of each kept phase's output relative to its input index n, in input samples (negative: a delay). */
    private final double[] offsets;
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
        int blocks = outputBlocks(x.length);
        int shared = sharedBlocks(s, blocks);
        double[] y = new double[BlockStats.BLOCK];
        double best = floor;
        // the most promising block first, so that the running maximum prunes nearly everything else
        if (shared > 0 && s.bound[s.topBlock] > best) best = Math.max(best, scan(x, s.topBlock, y));
        float[] bd = s.bound;
        for (int b = 0; b < shared; b++) {
            if (bd[b] > best) best = Math.max(best, scan(x, b, y));
        }
        for (int b = shared; b < blocks; b++) {
            if (bound(s, b) > best) best = Math.max(best, scan(x, b, y));
        }
        return best;
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

    private double scan(float[] x, int b, double[] y) {
        int s = b * BlockStats.BLOCK, e = Math.min(s + BlockStats.BLOCK, x.length + length - 1);
        double m = 0;
        boolean interior = s >= length - 1 && e <= x.length;
        for (double[] h : phases) {
            if (interior) {
                phaseBlock(x, h, s, e, y);
                for (int j = 0; j < e - s; j++) m = Math.max(m, Math.abs(y[j]));
            } else {
                for (int n = s; n < e; n++) m = Math.max(m, Math.abs(output(x, h, n)));
            }
        }
        return m;
    }

    /**
     * y[j] = output of phase h at input index s + j, for s..e-1 inside the signal. Tap by tap over the block rather
     * than output by output: the inner loop has no dependency chain and vectorises, where a 12-tap dot product per
     * output waits on each addition in turn (about 4x slower).
     */
    private static void phaseBlock(float[] x, double[] h, int s, int e, double[] y) {
        int len = e - s;
        double c0 = h[0];
        for (int j = 0; j < len; j++) y[j] = c0 * x[s + j];
        for (int k = 1; k < h.length; k++) {
            double c = h[k];
            int off = s - k;
            for (int j = 0; j < len; j++) y[j] += c * x[off + j];
        }
    }

    /**
     * Raises {@code env[t]} to every |interpolated output| above {@code threshold}, at the two input samples either
     * side of the output's time (clamped to the signal), so a gain curve that holds at both neighbours holds at the
     * inter-sample point.
     */
    void envelope(float[] x, BlockStats s, double threshold, float[] env) {
        int blocks = outputBlocks(x.length);
        int shared = sharedBlocks(s, blocks);
        int last = env.length - 1;
        double[] buf = new double[BlockStats.BLOCK];
        for (int b = 0; b < blocks; b++) {
            if ((b < shared ? s.bound[b] : bound(s, b)) <= threshold) continue;
            int start = b * BlockStats.BLOCK, end = Math.min(start + BlockStats.BLOCK, x.length + length - 1);
            boolean interior = start >= length - 1 && end <= x.length;
            for (int p = 0; p < phases.length; p++) {
                double[] h = phases[p];
                if (interior) phaseBlock(x, h, start, end, buf);
                for (int n = start; n < end; n++) {
                    double y = Math.abs(interior ? buf[n - start] : output(x, h, n));
                    if (y <= threshold) continue;
                    int lo = (int) Math.floor(n + offsets[p]);
                    int a = Math.max(0, Math.min(last, lo)), c = Math.max(0, Math.min(last, lo + 1));
                    float v = (float) y;
                    if (env[a] < v) env[a] = v;
                    if (env[c] < v) env[c] = v;
                }
            }
        }
    }

    private static double output(float[] x, double[] h, int n) {
        double acc = 0;
        for (int k = 0; k < h.length; k++) {
            int i = n - k;
            if (i >= 0 && i < x.length) acc += h[k] * x[i];
        }
        return acc;
    }
}

package dev.lofilora.audio.dsp;

/**
 * {@link DspKernels} on the native library, each call cut into chunks so that no JNI critical region (which holds
 * off the garbage collector) lasts more than about a millisecond.
 */
final class NativeKernels implements DspKernels {
    /** True-peak blocks per native call (16 k blocks = 256 k samples: well under a millisecond). */
    private static final int TP_CHUNK_BLOCKS = 1 << 14;
    /** Resampler outputs per native call per channel (about a millisecond at 128 taps). */
    private static final int RESAMPLE_CHUNK = 1 << 15;

    private final String description;

    NativeKernels() {
        int level = NativeDsp.lofi_simd_level();
        description = "native (" + (level == 1 ? "AVX2+FMA" : "portable C++") + ")";
    }

    @Override
    public String describe() { return description; }

    @Override
    public float tpPeak(float[] x, float[] bound, int b0, int b1, float best, float[] taps, int phases, int ntaps) {
        check(x, bound, b0, b1, taps, phases, ntaps);
        for (int b = b0; b < b1; b += TP_CHUNK_BLOCKS) {
            best = NativeDsp.lofi_tp_peak(x, bound, b, Math.min(b1, b + TP_CHUNK_BLOCKS), best, taps, phases, ntaps);
        }
        return best;
    }

    @Override
    public void tpPeak2(float[] x, float[] bound, int b0, int b1, float[] best, float[] tapsA, int phasesA, float[] tapsB,
                        int phasesB, int ntaps, float[] exact) {
        check(x, bound, b0, b1, tapsA, phasesA, ntaps);
        check(x, bound, b0, b1, tapsB, phasesB, ntaps);
        if (best.length < 2) throw new IllegalArgumentException("best");
        if (exact != null && b0 < b1 && exact.length < b1) throw new IllegalArgumentException("exact: " + exact.length);
        for (int b = b0; b < b1; b += TP_CHUNK_BLOCKS) {
            int e = Math.min(b1, b + TP_CHUNK_BLOCKS);
            if (NativeDsp.lofi_tp_peak2(x, bound, b, e, best, tapsA, phasesA, tapsB, phasesB, ntaps, exact) != 0) {
                best[0] = NativeDsp.lofi_tp_peak(x, bound, b, e, best[0], tapsA, phasesA, ntaps);
                best[1] = NativeDsp.lofi_tp_peak(x, bound, b, e, best[1], tapsB, phasesB, ntaps);
            }
        }
    }

    @Override
    public void tpEnvelope(float[] x, float[] bound, int b0, int b1, float threshold, float[] taps, int phases,
                           int ntaps, int[] lagFloor, float[] env) {
        check(x, bound, b0, b1, taps, phases, ntaps);
        if (env.length != x.length || lagFloor.length < phases) throw new IllegalArgumentException("env/lag sizes");
        for (int b = b0; b < b1; b += TP_CHUNK_BLOCKS) {
            NativeDsp.lofi_tp_envelope(x, x.length, bound, b, Math.min(b1, b + TP_CHUNK_BLOCKS), threshold, taps, phases,
                    ntaps, lagFloor, env);
        }
    }

    @Override
    public void resample(float[] x0, float[] x1, float[] y0, float[] y1, int outOffset, int count, int q0, int p0,
                         float[] bank, int tapsPadded, int L, int stepDiv, int stepMod) {
        // the native code trusts its indices: check the window of the last output before going in
        long lastQ = q0 + (long) (count - 1) * stepDiv + ((long) p0 + (long) (count - 1) * stepMod) / L;
        if (count <= 0) return;
        if (q0 < 0 || lastQ + tapsPadded > x0.length || (x1 != null && x1.length != x0.length)
                || outOffset < 0 || outOffset + count > y0.length || (x1 != null && (y1 == null || y1.length != y0.length))
                || bank.length < (long) L * tapsPadded || p0 < 0 || p0 >= L || stepMod < 0 || stepMod >= L) {
            throw new IllegalArgumentException("resample window outside the signal");
        }
        int q = q0, p = p0;
        for (int done = 0; done < count; ) {
            int n = Math.min(RESAMPLE_CHUNK, count - done);
            NativeDsp.lofi_resample(x0, x1, y0, y1, outOffset + done, n, q, p, bank, tapsPadded, L, stepDiv, stepMod);
            // where the next chunk starts: n more steps of (stepDiv, stepMod) with carries
            long pp = p + (long) n * stepMod;
            q += n * stepDiv + (int) (pp / L);
            p = (int) (pp % L);
            done += n;
        }
    }

    /** The native code trusts its indices: every array it reads or writes is checked here first. */
    private static void check(float[] x, float[] bound, int b0, int b1, float[] taps, int phases, int ntaps) {
        if (b0 < b1 && (b0 * TP_BLOCK < ntaps - 1 || (long) b1 * TP_BLOCK > x.length || b1 > bound.length)) {
            throw new IllegalArgumentException("true-peak blocks " + b0 + ".." + b1 + " reach outside the signal");
        }
        if (phases < 1 || ntaps < 1 || taps.length < phases * ntaps) throw new IllegalArgumentException("taps");
    }

    @Override
    public void blockMinMax(float[] x, int blocks, float[] max, float[] min) {
        if ((long) blocks * TP_BLOCK > x.length || max.length < blocks || min.length < blocks) {
            throw new IllegalArgumentException(blocks + " blocks of " + x.length + " samples");
        }
        for (int b = 0; b < blocks; b += TP_CHUNK_BLOCKS) {
            NativeDsp.lofi_block_minmax(x, b, Math.min(blocks, b + TP_CHUNK_BLOCKS), max, min);
        }
    }

    @Override
    public void pack24Stereo(float[] l, float[] r, int from, int to, float gain, byte[] out) {
        if (from < 0 || to > l.length || to > r.length || (long) (to - from) * 6 > out.length) {
            throw new IllegalArgumentException("frames " + from + ".." + to);
        }
        if (to > from) NativeDsp.lofi_pack24_stereo(l, r, from, to, gain, out);
    }

    @Override
    public void unpack24Stereo(byte[] in, int n, float[] l, float[] r, int at) {
        if (at < 0 || at + n > l.length || at + n > r.length || (long) n * 6 > in.length) {
            throw new IllegalArgumentException(n + " frames at " + at);
        }
        if (n > 0) NativeDsp.lofi_unpack24_stereo(in, n, l, r, at);
    }

    @Override
    public float unpack24StereoCheck(byte[] in, int n, float[] l, float[] r, int at, float gain, float dev) {
        if (at < 0 || at + n > l.length || at + n > r.length || (long) n * 6 > in.length) {
            throw new IllegalArgumentException(n + " frames at " + at);
        }
        return n > 0 ? NativeDsp.lofi_unpack24_stereo_check(in, n, l, r, at, gain, dev) : dev;
    }

    @Override
    public void kWeight(float[] xa, float[] xb, int frames, int tick, int[] starts, int count, int[] bounds,
                        double[] coef, double wa, double wb, double[] state, double[] ticks, double[] endState,
                        KWeightExtras extras) {
        int segs = starts.length;
        checkKWeight(xa, xb, frames, tick, starts, count, bounds, coef, state, ticks, endState);
        KWeightExtras e = extras != null ? extras : NO_EXTRAS;
        checkExtras(e, frames, tick, bounds[segs]);
        // 128 k samples per lane per call: about a millisecond, so each critical region stays short
        int chunk = Math.max(1, (1 << 17) / tick);
        int[] at = starts.clone();
        for (int done = 0; done < count; done += chunk) {
            int n = Math.min(chunk, count - done);
            for (int s = 0; s < segs; s++) at[s] = starts[s] + done;
            NativeDsp.lofi_kweight(xa, xb, frames, tick, segs, at, n, bounds, coef, wa, wb, state, ticks, endState,
                    e.gain(), e.pre(), e.outA(), e.outB(), e.maxA(), e.minA(), e.maxB(), e.minB(), e.energy());
        }
    }

    /** Read once: the native library's answer cannot change while it is loaded. */
    private final int kWeightSegments = NativeDsp.lofi_kweight_segments();

    @Override
    public int kWeightSegments() { return kWeightSegments; }

    /**
     * The ranges of {@link DspKernels#kWeight}. A segment may run past {@code frames} (it reads zeros there), so only
     * the sample indices must stay within int; the stores must lie inside {@code ticks}.
     */
    static void checkKWeight(float[] xa, float[] xb, int frames, int tick, int[] starts, int count, int[] bounds,
                             double[] coef, double[] state, double[] ticks, double[] endState) {
        int segs = starts.length;
        if (segs != 2 && segs != 4) throw new IllegalArgumentException("K-weighting runs 2 or 4 segments, not " + segs);
        if (tick <= 0 || count < 0 || frames < 0 || frames > xa.length || frames > xb.length || coef.length < 7
                || state.length < 8 * segs || endState.length < 8 || bounds.length != segs + 1) {
            throw new IllegalArgumentException("K-weighting ranges");
        }
        for (int s = 0; s < segs; s++) {
            if (starts[s] < 0 || (long) (starts[s] + count) * tick > Integer.MAX_VALUE || bounds[s] < 0
                    || bounds[s] > bounds[s + 1]) {
                throw new IllegalArgumentException("K-weighting segment " + s + ": starts at tick " + starts[s]
                        + ", stores [" + bounds[s] + ", " + bounds[s + 1] + ")");
            }
        }
        if (bounds[segs] > ticks.length) throw new IllegalArgumentException("K-weighting stores past the ticks");
    }

    /** Gain-curve samples per native call (about a millisecond where the curve is busy). */
    private static final int CURVE_CHUNK = 1 << 17;

    @Override
    public boolean gainCurve(float[] envelope, float[] g, float target, int box, double release, float[] reduction) {
        if (box < 1 || !(release >= 0 && release <= 1)) throw new IllegalArgumentException("box " + box + ", release " + release);
        int n = g.length;
        if (envelope.length != n) throw new IllegalArgumentException("envelope of " + envelope.length + " for " + n);
        if (reduction != null && reduction.length < (n + TP_BLOCK - 1) / TP_BLOCK) throw new IllegalArgumentException("reduction");
        if (n == 0) return true;
        // the hold of sample 0 seeds the smoothing (values before the start count as the first value)
        int w = 2 * box - 1;
        float first = 1f;
        for (int j = 0; j < Math.min(w, n); j++) if (envelope[j] > target) first = Math.min(first, target / envelope[j]);
        int warm = laneWarmUp(box, release); // found once: a loop over the release's lifetime
        if (lanesFit(n, warm)) {
            lanes(envelope, g, n, first, target, box, release, warm, reduction);
            return true;
        }
        double[] state = new double[2 * box + 9];
        java.util.Arrays.fill(state, 0, 2 * box, first);
        int v = 2 * box;
        state[v] = 0.0;                            // u = 1 - r
        state[v + 1] = state[v + 2] = (double) first * box; // the two ring sums
        state[v + 3] = state[v + 4] = first == 1f ? box : 0; // trailing exact ones in each ring
        for (int a = 0; a < n; a += CURVE_CHUNK) {
            NativeDsp.lofi_gain_curve(envelope, g, n, a, Math.min(n, a + CURVE_CHUNK), target, box, release, state,
                    reduction);
        }
        return true;
    }

    /** Stretches of the curve built at once, one per double lane of the AVX2 kernel. */
    private static final int LANES = 4;
    /** Stretch starts (and warm starts) are multiples of this: the curve's re-sum period (GainCurve.RESUM_MASK + 1). */
    private static final int CURVE_LANE_ALIGN = 4096;
    /** Release and smoothing steps per native call of the four-lane kernel (each step one sample of every lane). */
    private static final int CURVE_LANE_STEPS = 1 << 15;

    /**
     * Whether {@link #gainCurve} builds a curve of {@code n} samples in four stretches at once (the same bytes either
     * way): with AVX2, a warm-up that exists, and stretches at least two re-sum periods longer than it.
     */
    static boolean curveInLanes(int n, int box, double release) {
        return lanesFit(n, laneWarmUp(box, release));
    }

    private static boolean lanesFit(int n, int warm) {
        return warm > 0 && n >= LANES * ((long) warm + 2 * CURVE_LANE_ALIGN) && NativeDsp.lofi_simd_level() == 1;
    }

    /**
     * Samples a stretch of the curve must be run from rest (no reduction, rings of ones) before the first sample it
     * keeps, so that from there on it gives exactly the bytes of one sequential run (GainCurve's reference, whose
     * re-sums sit at fixed positions, every sample i with i % 4096 == 4095, oldest value first); a multiple of 4096,
     * or -1 where the argument below does not hold (box over 4096, a release that never ends).
     *
     * <p>Why it is enough: the reduction's step u → snap(max(need, u · release)) distributes over max, so a run that
     * started earlier differs from one started at rest only by its old reduction decaying, which the snap ends
     * exactly after {@code lifetime} steps (found here by running the decay from 1, the largest reduction). After that
     * the first ring holds equal values once {@code box} more samples have passed, its running sum is equal from the
     * next re-sum, the second ring {@code box} samples later, and its sum from the re-sum after that (4096 samples
     * on, box ≤ 4096).
     */
    static int laneWarmUp(int box, double release) {
        if (box > CURVE_LANE_ALIGN || !(release >= 0 && release < 1)) return -1;
        int lifetime = 0;
        for (double u = 1.0; u != 0.0; lifetime++) {
            if (lifetime > 1 << 24) return -1; // a release this slow: no stretch would be long enough to pay
            u *= release;
            if (u < 1e-6) u = 0.0; // GainCurve.SNAP
        }
        return CURVE_LANE_ALIGN * ((lifetime + box + CURVE_LANE_ALIGN - 1) / CURVE_LANE_ALIGN + 1);
    }

    /**
     * The four stretches of a curve of {@code n} samples: warm starts, then first kept samples (multiples of 4096,
     * about n/4 apart), then ends (int[12]).
     */
    static int[] laneLayout(int n, int warm) {
        int[] lane = new int[3 * LANES];
        for (int k = 0; k < LANES; k++) {
            int start = k == 0 ? 0 : (int) ((long) n * k / LANES) / CURVE_LANE_ALIGN * CURVE_LANE_ALIGN;
            lane[k] = k == 0 ? 0 : start - warm;
            lane[LANES + k] = start;
        }
        for (int k = 0; k < LANES; k++) lane[2 * LANES + k] = k + 1 < LANES ? lane[LANES + k + 1] : n;
        return lane;
    }

    /**
     * The curve in four stretches at once: the hold over the whole track first (it reads the envelope ahead of what
     * it writes, so in place works in order), then the release and the moving averages on four double lanes, stretch
     * k from its warm start {@code starts[k] - warm} (at rest) to the next stretch's start, keeping only its own
     * samples. Each warm start lies past the previous stretch's start, so a lane reads the hold there before the
     * previous lane overwrites it with the curve.
     */
    private static void lanes(float[] envelope, float[] g, int n, float first, float target, int box, double release,
                              int warm, float[] reduction) {
        int w = 2 * box - 1;
        for (int a = 0; a < n; a += CURVE_CHUNK) NativeDsp.lofi_curve_hold(envelope, g, n, a, Math.min(n, a + CURVE_CHUNK), target, w);
        int[] lane = laneLayout(n, warm);
        int steps = 0;
        for (int k = 0; k < LANES; k++) steps = Math.max(steps, lane[2 * LANES + k] - lane[k]);
        // rings of four lanes interleaved, then per lane: u, the two sums, the two counts of trailing ones; then the
        // ring position
        double[] st = new double[8 * box + 5 * LANES + 1];
        java.util.Arrays.fill(st, 0, 8 * box, 1.0);
        for (int i = 0; i < 2 * box; i++) st[LANES * i] = first; // lane 0 starts at sample 0: values before it count as the first
        int v = 8 * box;
        for (int k = 0; k < LANES; k++) {
            boolean zero = k == 0;
            st[v + k] = 0.0;                                                  // u
            st[v + LANES + k] = st[v + 2 * LANES + k] = zero ? (double) first * box : box; // sums
            st[v + 3 * LANES + k] = st[v + 4 * LANES + k] = zero && first != 1f ? 0 : box; // trailing ones
        }
        for (int t = 0; t < steps; t += CURVE_LANE_STEPS) {
            NativeDsp.lofi_gain_curve_lanes(g, n, lane, t, Math.min(steps, t + CURVE_LANE_STEPS), box, release, st,
                    reduction);
        }
    }

    /** Samples per native call of the quality checks' pass (about 0.2 ms): whole frames, at least one. */
    private static final int QC_CHUNK_SAMPLES = 1 << 19;

    @Override
    public void qcStats(float[] x, float[] partner, int f0, int f1, int frame, float clipLevel, int clipMinRun,
                        double[] sums, double[] frameEnergy, int[] clip) {
        if (frame < 1 || f0 < 0 || (f0 < f1 && ((long) (f1 - 1) * frame >= x.length || f1 > frameEnergy.length))
                || (partner != null && partner.length < x.length) || sums.length < 3 || clip.length < 3) {
            throw new IllegalArgumentException("frames " + f0 + ".." + f1 + " of " + frame + " in " + x.length + " samples");
        }
        int step = Math.max(1, QC_CHUNK_SAMPLES / frame);
        for (int f = f0; f < f1; f += step) {
            NativeDsp.lofi_qc_stats(x, partner, x.length, f, Math.min(f1, f + step), frame, clipLevel, clipMinRun, sums,
                    frameEnergy, clip);
        }
    }

    private static final KWeightExtras NO_EXTRAS = new KWeightExtras(null, 1f, null, null, null, null, null, null, null);

    /** The extras' arrays must hold every sample (or block) the stored ticks reach. */
    static void checkExtras(KWeightExtras e, int frames, int tick, int storeEnd) {
        long samples = (long) storeEnd * tick;
        if (e.gain() != null && e.gain().length < frames) throw new IllegalArgumentException("gain shorter than the signal");
        if ((e.outA() != null && e.outA().length < samples) || (e.outB() != null && e.outB().length < samples)) {
            throw new IllegalArgumentException("output shorter than the stored ticks");
        }
        if ((e.outA() == null) != (e.outB() == null)) throw new IllegalArgumentException("outputs: both or neither");
        if (e.energy() != null && (tick % TP_BLOCK != 0 || e.energy().length < samples / TP_BLOCK)) {
            throw new IllegalArgumentException("block energies need a tick of whole blocks and an array of every block");
        }
        if (e.wantsExtremes()) {
            if (tick % TP_BLOCK != 0) throw new IllegalArgumentException("block extremes need a tick of whole blocks");
            long blocks = samples / TP_BLOCK;
            for (float[] a : new float[][] {e.maxA(), e.minA(), e.maxB(), e.minB()}) {
                if (a == null || a.length < blocks) throw new IllegalArgumentException("block extremes: 4 arrays of " + blocks);
            }
        }
    }

    /** Frames per native call of the curve kernels (about 0.1 ms). */
    private static final int CURVE_FRAMES_CHUNK = 1 << 16;

    @Override
    public void pack24StereoCurve(float[] l, float[] r, float[] curve, int from, int to, float gain, byte[] out) {
        if (from < 0 || to > l.length || to > r.length || to > curve.length || (long) (to - from) * 6 > out.length) {
            throw new IllegalArgumentException("frames " + from + ".." + to);
        }
        // the whole range in one call: the callers' chunks (WavFile: 64 k frames) are already short
        if (to > from) NativeDsp.lofi_pack24_stereo_curve(l, r, curve, from, to, gain, out);
    }

    @Override
    public void curveStats(float[] g, int from, int to, float below, double[] acc) {
        if (from < 0 || to > g.length || acc.length < 2) throw new IllegalArgumentException("gains " + from + ".." + to);
        for (int a = from; a < to; a += CURVE_FRAMES_CHUNK) {
            NativeDsp.lofi_curve_stats(g, a, Math.min(to, a + CURVE_FRAMES_CHUNK), below, acc);
        }
    }

    @Override
    public void blockBound(float[] max, float[] min, int b0, int b1, int full, float pa, float pz, float sum,
                           float absSum, float[] bound, float[] acc, int[] at) {
        if (b0 < 0 || b1 > max.length || b1 > min.length || b1 > bound.length || acc.length < 3 || at.length < 1) {
            throw new IllegalArgumentException("blocks " + b0 + ".." + b1);
        }
        for (int b = b0; b < b1; b += TP_CHUNK_BLOCKS) {
            int e = Math.min(b1, b + TP_CHUNK_BLOCKS);
            NativeDsp.lofi_block_bound(max, min, b, e, full, b == b0 ? pa : max[b - 1], b == b0 ? pz : min[b - 1], sum,
                    absSum, bound, acc, at);
        }
    }

    @Override
    public double ltasWindow(float[] l, float[] r, int start, int n, float[] w, float[] z) {
        if (start < 0 || n < 0 || start + n > l.length || (r != null && start + n > r.length) || n > w.length
                || 2L * n > z.length) {
            throw new IllegalArgumentException("frame of " + n + " at " + start);
        }
        return NativeDsp.lofi_ltas_window(l, r, start, n, w, z); // one frame: about 10 microseconds
    }

    @Override
    public void ltasPower(float[] z, int n, double[] power) {
        if (n < 2 || Integer.bitCount(n) != 1 || 2L * n > z.length || power.length < n / 2 + 1) {
            throw new IllegalArgumentException("transform of " + n);
        }
        NativeDsp.lofi_ltas_power(z, n, power);
    }
}

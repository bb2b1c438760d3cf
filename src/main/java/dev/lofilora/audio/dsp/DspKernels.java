package dev.lofilora.audio.dsp;

/**
 * The hot loops of {@code process}: the polyphase FIRs (the true-peak interpolators' search and peak envelope, the
 * resampler's filter), the block statistics that prune the true-peak search, and 24-bit PCM packing. Two implementations: {@link JavaDsp} (the reference, and the fallback) and the C++/SIMD
 * library under {@code native/} ({@link Dsp#kernels()} picks the native one when it loads). They agree to float
 * rounding (the native one uses fused multiply-adds in another order); both are deterministic, so a given machine
 * always produces the same bytes.
 *
 * <p>Conventions shared by every method: arrays are plain Java arrays; a true-peak phase {@code p} has its
 * {@code ntaps} coefficients at {@code taps[p * ntaps ..]}, and its output at input index n is
 * {@code sum_k taps[p * ntaps + k] * x[n - k]}; blocks are {@value #TP_BLOCK} outputs, block b covering outputs
 * {@code b * 16 .. b * 16 + 15}, and the blocks passed must lie inside the signal
 * ({@code b * 16 >= ntaps - 1} and {@code b * 16 + 16 <= x.length}): callers handle the edges. Implementations are
 * stateless and thread-safe.
 */
public interface DspKernels {
    /** Outputs per true-peak block (equal to the loudness package's BlockStats.BLOCK). */
    int TP_BLOCK = 16;

    /** What runs, for reports: e.g. "native (AVX2+FMA)", "Java". */
    String describe();

    /**
     * The largest |output| of every phase over the blocks in [b0, b1) whose {@code bound} exceeds the running
     * maximum, which starts at {@code best}; returns {@code best} if no block beats it.
     */
    float tpPeak(float[] x, float[] bound, int b0, int b1, float best, float[] taps, int phases, int ntaps);

    /**
     * {@link #tpPeak} of two interpolators with the same tap count over the same blocks in one pass: {@code best[0]}
     * and {@code best[1]} are the running maxima of filters A and B, read and written back. The same results as two
     * {@link #tpPeak} calls (each filter prunes with its own maximum). With {@code exact} (or null), every block that
     * either filter computes is computed for both and {@code exact[b]} set to the larger of its two maxima; the other
     * blocks' entries are left as they were (the caller fills them with the bounds first).
     */
    void tpPeak2(float[] x, float[] bound, int b0, int b1, float[] best, float[] tapsA, int phasesA, float[] tapsB,
                 int phasesB, int ntaps, float[] exact);

    /**
     * For every output over {@code threshold} in the blocks of [b0, b1) whose {@code bound} exceeds the threshold,
     * raises {@code env} to |output| at input indices {@code n + lagFloor[p]} and one after (clamped to the signal).
     */
    void tpEnvelope(float[] x, float[] bound, int b0, int b1, float threshold, float[] taps, int phases, int ntaps,
                    int[] lagFloor, float[] env);

    /**
     * {@code count} resampler outputs of one or two channels ({@code x1}, {@code y1} null for one) into
     * {@code y[outOffset ..]}: output i is {@code sum_k bank[p * tapsPadded + k] * x[q + k]}, starting at window start
     * {@code q0} and phase {@code p0}; per output q advances by {@code stepDiv} and p by {@code stepMod}, with a carry
     * into q when p reaches {@code L}. Every window must lie inside x.
     */
    void resample(float[] x0, float[] x1, float[] y0, float[] y1, int outOffset, int count, int q0, int p0,
                  float[] bank, int tapsPadded, int L, int stepDiv, int stepMod);

    /** Maximum and minimum of each of the first {@code blocks} blocks of {@value #TP_BLOCK} samples of x. */
    void blockMinMax(float[] x, int blocks, float[] max, float[] min);

    /**
     * Frames [from, to) of {@code l} and {@code r}, each multiplied by {@code gain} (in float), as interleaved 24-bit
     * little-endian PCM into {@code out[0 ..]}: round half to even of v·2^23, clipped to [-2^23, 2^23 - 1].
     */
    void pack24Stereo(float[] l, float[] r, int from, int to, float gain, byte[] out);

    /** {@code n} interleaved 24-bit little-endian stereo frames from {@code in[0 ..]} into l and r from {@code at}. */
    void unpack24Stereo(byte[] in, int n, float[] l, float[] r, int at);

    /**
     * {@link #unpack24Stereo} into arrays that held the float samples the frames were written from with {@code gain}:
     * returns the largest |new sample − float(old sample · gain)| over these frames and {@code dev} (NaN if any is).
     */
    float unpack24StereoCheck(byte[] in, int n, float[] l, float[] r, int at, float gain, float dev);

    /**
     * K-weighting (BS.1770 high shelf then high-pass, transposed direct form II in double) of a stereo pair,
     * channel-weighted energy per tick of {@code tick} samples, in {@code starts.length} segments (2 or 4) computed side
     * by side: lanes (channel a, b) × segments. Segment s runs {@code count} ticks from tick {@code starts[s]}, from and
     * back into {@code state} (8 doubles per segment: s1, s2, t1, t2 of lanes a0, b0, a1, b1, ...). Inputs past
     * {@code frames} read as zero. A tick t of segment s stores {@code wa·acc_a + wb·acc_b} into ticks[t] when t is in
     * [bounds[s], bounds[s + 1]) ({@code bounds.length = starts.length + 1}: the segment that owns the tick stores it);
     * the last segment's state after tick {@code bounds[segments] - 1} goes to {@code endState} (8 doubles). States
     * under 1e-30 are flushed to zero at every tick end. {@code coef} = {b0, b1, b2, a1, a2, h1, h2} (the high-pass
     * numerator is {1, -2, 1}). {@code extras} (null: none) adds work done in the same pass over the samples; see
     * {@link KWeightExtras}. Any segment count gives the same arithmetic per lane; {@link #kWeightSegments} says which
     * count runs fastest here.
     */
    void kWeight(float[] xa, float[] xb, int frames, int tick, int[] starts, int count, int[] bounds, double[] coef,
                 double wa, double wb, double[] state, double[] ticks, double[] endState, KWeightExtras extras);

    /**
     * How many segments {@link #kWeight} runs side by side for little more than the time of two: 4 where the native
     * AVX2 body runs them as two independent register chains, 2 otherwise (a body that runs lane after lane gains
     * nothing from more segments but their warm-ups).
     */
    default int kWeightSegments() { return 2; }

    /**
     * The true-peak limiter's gain curve: {@code g} gets the gain for the peak envelope {@code envelope} (required gain,
     * look-ahead hold over {@code 2 box - 1} samples, release, two moving averages of {@code box}), exactly as the Java
     * reference {@code dev.lofilora.audio.loudness.GainCurve#build}; the envelope is left as it is unless it is
     * {@code g} itself (in place). {@code reduction} (null: none; zeroed by the
     * caller, one entry per block of {@value #TP_BLOCK} samples) gets the sum of {@code 1 - gain²} over each block.
     * Returns false where this implementation has no such kernel (the Java one: the reference lives with the
     * limiter), true when done.
     */
    boolean gainCurve(float[] envelope, float[] g, float target, int box, double release, float[] reduction);

    /** Samples per chunk of {@link #qcStats}: one float partial sum per chunk, one clipping pre-check. */
    int QC_CHUNK = 64;

    /**
     * The quality checks' fused pass over one channel, silence frames [f0, f1) of {@code frame} samples of x (the last
     * frame of the signal may be shorter). Adds Σx, Σx² and Σx·partner into {@code sums[0..2]} (partner null: the third
     * sum is meaningless), writes each frame's Σx² into {@code frameEnergy[f]}, and carries the clipping-run scan in
     * {@code clip} = {events, length of the open run, raw bits of its sample (NaN bits when none)}: an event is a run
     * of at least {@code clipMinRun} identical samples at |x| >= clipLevel; NaN and Inf samples under the level end
     * a run; the caller closes the last open run. Sums are float within chunks of {@value #QC_CHUNK} samples, double
     * across them, so implementations agree to float rounding (the clipping count exactly); NaN or Inf samples make
     * the sums non-finite.
     */
    void qcStats(float[] x, float[] partner, int f0, int f1, int frame, float clipLevel, int clipMinRun, double[] sums,
                 double[] frameEnergy, int[] clip);

    /**
     * What {@link #kWeight} can do in the same pass over the samples (any array may be null):
     *
     * @param gain the filtered input is {@code (x[i] * pre) * gain[i]} in float, one gain for both channels (the
     *             limiter's output); read like x (zero past {@code frames})
     * @param outA that input of channel a is written here (b: outB), for the samples of stored ticks
     * @param maxA signed maximum and minimum of that input over every block of {@value #TP_BLOCK} samples of stored
     *             ticks (NaN for both when the block holds a NaN), channel a into maxA/minA, b into maxB/minB: the
     *             extremes {@link #blockMinMax} gives; needs {@code tick % 16 == 0}
     * @param energy per block of stored ticks, {@code wa·Σ z_a² + wb·Σ z_b²} over its 16 K-weighted samples (as float;
     *               the tick energies are summed apart, unchanged); needs {@code tick % 16 == 0}
     */
    record KWeightExtras(float[] gain, float pre, float[] outA, float[] outB, float[] maxA, float[] minA, float[] maxB,
                         float[] minB, float[] energy) {
        /** Block extremes and energies only. */
        public static KWeightExtras extremes(float[] maxA, float[] minA, float[] maxB, float[] minB, float[] energy) {
            return new KWeightExtras(null, 1f, null, null, maxA, minA, maxB, minB, energy);
        }

        boolean wantsExtremes() { return maxA != null || maxB != null; }
    }

    /**
     * As {@link #pack24Stereo} of {@code (l[i] * gain) * curve[i]} (in float, in that order: the true-peak limiter's
     * output): the bytes of writing the limited audio without making it first.
     */
    void pack24StereoCurve(float[] l, float[] r, float[] curve, int from, int to, float gain, byte[] out);

    /**
     * The limiter's report of a gain curve over [from, to): {@code acc[0]} becomes the smaller of itself and the
     * smallest gain, and {@code acc[1]} grows by the number of gains under {@code below} (a NaN gain counts in neither).
     */
    void curveStats(float[] g, int from, int to, float below, double[] acc);

    /**
     * The true-peak bounds of blocks [b0, b1) from their extremes (the loop of the loudness package's BlockStats):
     * over block b and the block before it ({@code pa}, {@code pz} before b0), h = max of the maxima and l = min of the
     * minima (Java's Math.max and Math.min: NaN wins, +0 over -0), {@code bound[b]} = min(sum/2 |h + l| + abs/2 (h - l),
     * abs max(h, -l)) in float as written. {@code acc} = {largest bound, max of the maxima, min of the minima of the
     * blocks under {@code full}} and {@code at[0]} = the first block with the largest bound (a block wins only above
     * the running value) are read and written back, so a split pass gives the result of one.
     */
    void blockBound(float[] max, float[] min, int b0, int b1, int full, float pa, float pz, float sum, float absSum,
                    float[] bound, float[] acc, int[] at);

    /**
     * One frame of the bandwidth check's long-term spectrum: {@code z[2i] = l[start + i] * w[i]} and
     * {@code z[2i + 1] = r[start + i] * w[i]} (r null: 0) in float for i in [0, n), the interleaved input of one complex
     * FFT for both channels; returns the sum of max(l², r²) in double (implementations may add in another order).
     */
    double ltasWindow(float[] l, float[] r, int start, int n, float[] w, float[] z);

    /**
     * Adds into {@code power[k]}, k = 0 .. n/2, the two channels' powers separated from the transform {@code z}
     * (interleaved, n points) of such a frame: L = (Z[k] + conj Z[n-k]) / 2, R = (Z[k] - conj Z[n-k]) / 2i, in double
     * as written, the same bits in every implementation.
     */
    void ltasPower(float[] z, int n, double[] power);
}

package dev.lofilora.audio.loudness;

import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.DspKernels;

/**
 * Builds the limiter's gain curve in place from a peak envelope (see {@link TruePeakLimiter}): required gain,
 * look-ahead minimum hold, exponential release, two moving averages.
 *
 * <p>Limiting is sparse in practice (a few thousand samples above the ceiling in a three-minute track), so the work
 * follows the samples that need it: the hold stamps each one's window when that is cheaper than a full sliding
 * minimum, and the release and smoothing pass jumps over stretches where the gain is exactly 1.
 */
final class GainCurve {
    /** Gain reductions smaller than this (about 9e-6 dB) end the release: the gain snaps back to exactly 1. */
    static final double SNAP = 1e-6;
    /** The running sums are re-summed after each sample i with {@code (i & RESUM_MASK) == RESUM_MASK}. */
    static final int RESUM_MASK = 4095;

    private GainCurve() {}

    /**
     * @param envelope per-sample peak (0 where nothing exceeds the target); replaced by the gain curve
     * @param target   the level no sample or interpolated value may exceed after gain
     * @param box      moving-average length L; the look-ahead hold spans 2L - 1 samples
     * @param release  per-sample decay factor of the gain reduction (1 - g)
     */
    static void build(float[] envelope, float target, int box, double release) {
        build(envelope, target, box, release, Dsp.kernels());
    }

    /** As {@link #build(float[], float, int, double)} on the given kernels' curve where they have one (the same bytes). */
    static void build(float[] envelope, float target, int box, double release, DspKernels kernels) {
        build(envelope, target, box, release, null, kernels);
    }

    /**
     * As {@link #build(float[], float, int, double, DspKernels)}; {@code reduction} (null: none; zeroed by the caller)
     * gets, per block of {@link BlockStats#BLOCK} samples, the sum of {@code 1 - gain²} over the block.
     */
    static void build(float[] envelope, float target, int box, double release, float[] reduction, DspKernels kernels) {
        build(envelope, envelope, target, box, release, reduction, kernels);
    }

    /**
     * The curve for {@code envelope} into {@code gain} (the same array: in place); a separate envelope is left as it
     * is, so a caller that builds several curves from one envelope need not copy it first.
     */
    static void build(float[] envelope, float[] gain, float target, int box, double release, float[] reduction,
                      DspKernels kernels) {
        if (gain.length != envelope.length) throw new IllegalArgumentException("gain and envelope lengths");
        if (kernels.gainCurve(envelope, gain, target, box, release, reduction)) return;
        buildJava(envelope, gain, target, box, release);
        if (reduction != null) {
            for (int i = 0; i < gain.length; i++) {
                float g = gain[i];
                if (g != 1f) reduction[i / BlockStats.BLOCK] += 1f - g * g;
            }
        }
    }

    /**
     * A coarse {@code reduction} (see {@link #build(float[], float[], float, int, double, float[], DspKernels)}) for
     * predicting a curve's effect on loudness without building it: the same steps on blocks of
     * {@link BlockStats#BLOCK} samples (each block's largest need, the hold over the blocks its window reaches, the
     * release per block, two moving averages of {@code box / BLOCK} blocks), and per block BLOCK × (1 − gain²). About
     * 1/16 of the curve's work; the effect it predicts is within a few thousandths of an LU of the exact curve's on
     * music (a fraction of the tolerance the aim works to; the tests bound it).
     */
    static void blockReduction(float[] envelope, float target, int box, double release, float[] reduction,
                               DspKernels kernels) {
        int n = envelope.length, blk = BlockStats.BLOCK, blocks = (n + blk - 1) / blk, full = n / blk;
        if (reduction.length < blocks) throw new IllegalArgumentException("reduction: " + reduction.length);
        float[] mx = new float[blocks], mn = new float[blocks];
        kernels.blockMinMax(envelope, full, mx, mn);
        for (int i = full * blk; i < n; i++) mx[full] = Math.max(mx[full], envelope[i]);
        // the need per block, then held over the blocks a sample's window of 2·box − 1 reaches ahead
        double[] u = new double[blocks];
        int ahead = (2 * box - 2 + blk - 1) / blk;
        for (int b = 0; b < blocks; b++) {
            float e = mx[b];
            if (!(e > target)) continue;
            double need = 1.0 - target / (double) e;
            for (int q = Math.max(0, b - ahead); q <= b; q++) if (u[q] < need) u[q] = need;
        }
        double rel = Math.pow(release, blk), carry = 0.0;
        int len = Math.max(1, (int) Math.round(box / (double) blk));
        double[] ring1 = new double[len], ring2 = new double[len];
        java.util.Arrays.fill(ring1, 1.0);
        java.util.Arrays.fill(ring2, 1.0);
        double sum1 = len, sum2 = len;
        for (int b = 0, pos = 0; b < blocks; b++, pos = pos + 1 == len ? 0 : pos + 1) {
            carry = Math.max(u[b], carry * rel);
            if (carry < SNAP) carry = 0.0;
            double r = 1.0 - carry;
            sum1 += r - ring1[pos];
            ring1[pos] = r;
            double s1 = sum1 / len;
            sum2 += s1 - ring2[pos];
            ring2[pos] = s1;
            double g = Math.min(1.0, sum2 / len);
            int samples = b < full ? blk : n - full * blk;
            reduction[b] = (float) (samples * (1.0 - g * g));
        }
    }

    private static void buildJava(float[] envelope, float[] g, float target, int box, double release) {
        int n = g.length;
        int active = 0;
        for (int i = 0; i < n; i++) {
            float e = envelope[i];
            if (e > target) { g[i] = target / e; active++; } else g[i] = 1f;
        }
        if (active == 0) return;
        int w = 2 * box - 1;
        if ((long) active * w <= 4L * n) stampMin(g, w, active); else forwardMin(g, w);
        releaseAndSmooth(g, box, release);
    }

    /** As {@link #forwardMin} for few values under 1: each one lowers the w positions whose window holds it. */
    static void stampMin(float[] g, int w, int active) {
        int[] idx = new int[active];
        float[] val = new float[active];
        int k = 0;
        for (int i = 0; i < g.length && k < active; i++) if (g[i] < 1f) { idx[k] = i; val[k] = g[i]; k++; }
        for (int j = 0; j < k; j++) {
            float v = val[j];
            for (int p = Math.max(0, idx[j] - w + 1); p <= idx[j]; p++) if (g[p] > v) g[p] = v;
        }
    }

    /** In place: g[i] = min(g[i .. i + w - 1]) (values past the end count as 1), with a monotonic deque. */
    static void forwardMin(float[] g, int w) {
        if (w <= 1) return;
        int n = g.length;
        int cap = w + 1;
        int[] deque = new int[cap];
        float[] window = new float[cap]; // values of the indices in the deque (g is overwritten while scanning)
        int head = 0, size = 0;
        // scanning backwards turns the forward window into a trailing one
        for (int i = n - 1; i >= 0; i--) {
            float v = g[i];
            while (size > 0 && deque[head] > i + w - 1) { head = (head + 1) % cap; size--; }
            // drop larger values from the back: they can never be the minimum again
            while (size > 0 && window[(head + size - 1) % cap] >= v) size--;
            int slot = (head + size) % cap;
            deque[slot] = i;
            window[slot] = v;
            size++;
            g[i] = window[head];
        }
    }

    /**
     * In place, one pass: r[i] = min(h[i], 1 - (1 - r[i-1]) * release), computed on the reduction u = 1 - r as
     * u[i] = max(1 - h[i], u[i-1] * release) (a multiply and a max per sample on the loop's dependency chain, instead
     * of a subtract, multiply, subtract and min), then two moving averages of {@code box}
     * samples (values before the start count as the first value, so a reduction needed in the first samples is
     * already in place at sample 0). Stretches where everything is exactly 1 are skipped.
     *
     * <p>The running sums are re-summed exactly after every sample i with {@code i % 4096 == 4095}, each ring from its
     * oldest value to its newest: fixed positions and a fixed order make every output a function of the samples
     * before it alone, not of where a run started, which lets the native kernel build four stretches of the curve at
     * once from warm starts ({@code NativeKernels.laneWarmUp}) and still give these bytes. (A skipped idle stretch changes nothing:
     * its rings hold exact ones, which re-sum to exactly {@code box}.)
     */
    static void releaseAndSmooth(float[] g, int box, double release) {
        int n = g.length;
        if (n == 0) return;
        double first = g[0];
        double[] ring1 = new double[box], ring2 = new double[box];
        java.util.Arrays.fill(ring1, first);
        java.util.Arrays.fill(ring2, first);
        double sum1 = first * box, sum2 = first * box;
        int ones1 = first == 1.0 ? box : 0, ones2 = ones1; // trailing exact ones written into each ring
        double u = 0.0, inv = 1.0 / box; // multiply, not divide: a division per sample dominated this loop
        int pos = 0;
        for (int i = 0; i < n; i++) {
            if (u == 0.0 && ones1 >= box && ones2 >= box && g[i] == 1f) {
                // idle: every ring holds exact ones; the output stays 1 until the hold drops again
                int j = i + 1;
                while (j < n && g[j] == 1f) j++;
                i = j - 1;
                continue;
            }
            u *= release;
            double need = 1.0 - g[i];
            if (need > u) u = need;
            if (u < SNAP) u = 0.0;
            double r = 1.0 - u;
            sum1 += r - ring1[pos];
            ring1[pos] = r;
            ones1 = r == 1.0 ? ones1 + 1 : 0;
            if (ones1 >= box) sum1 = box; // the ring is all ones: drop accumulated rounding
            double s1 = sum1 >= box ? 1.0 : sum1 * inv;
            sum2 += s1 - ring2[pos];
            ring2[pos] = s1;
            ones2 = s1 == 1.0 ? ones2 + 1 : 0;
            if (ones2 >= box) sum2 = box;
            pos = pos + 1 == box ? 0 : pos + 1;
            if ((i & RESUM_MASK) == RESUM_MASK) { // re-sum exactly now and then so rounding cannot drift
                sum1 = 0;
                sum2 = 0;
                for (int k = 0, at = pos; k < box; k++, at = at + 1 == box ? 0 : at + 1) { // oldest first
                    sum1 += ring1[at];
                    sum2 += ring2[at];
                }
            }
            g[i] = sum2 >= box ? 1f : (float) (sum2 * inv);
        }
    }
}

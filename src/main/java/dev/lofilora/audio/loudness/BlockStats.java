package dev.lofilora.audio.loudness;

import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.DspKernels;

/**
 * Signed minimum and maximum of one channel per block of {@link #BLOCK} samples, and the channel's sample peak:
 * what {@link TruePeakFilter} needs to bound the interpolated output of a block without computing it.
 */
final class BlockStats {
    /** Samples per block: small enough that the midrange bound of {@link TruePeakFilter} is tight on smooth waves. */
    static final int BLOCK = DspKernels.TP_BLOCK;

    final float[] max;
    final float[] min;
    final float peak;
    /**
     * Per block b, {@link TruePeakFilter#bound} of output block b for any interpolator whose taps read at most one
     * block back and whose |sum h| and sum |h| are at most {@link TruePeakFilter#UNIT_SUM} and
     * {@link TruePeakFilter#UNIT_ABS_SUM} (the ITU filter and libebur128's 4x filter): computed here, in the same pass
     * as the minima and maxima, so that neither interpolator needs a pass of its own over the blocks.
     */
    final float[] bound;
    /** The block with the largest {@link #bound} (where the true peak most likely is), or -1 without blocks. */
    final int topBlock;

    private BlockStats(float[] max, float[] min, float peak, float[] bound, int topBlock) {
        this.max = max;
        this.min = min;
        this.peak = peak;
        this.bound = bound;
        this.topBlock = topBlock;
    }

    static BlockStats of(float[] x) {
        return of(x, Dsp.kernels());
    }

    static BlockStats of(float[] x, DspKernels kernels) {
        int blocks = (x.length + BLOCK - 1) / BLOCK;
        float[] mx = new float[blocks], mn = new float[blocks];
        kernels.blockMinMax(x, x.length / BLOCK, mx, mn);
        return of(x, mx, mn, x.length / BLOCK, kernels);
    }

    /**
     * The statistics when the extremes of the first {@code known} blocks are already in {@code mx} and {@code mn}
     * (arrays of every block's length, e.g. from the K-weighting pass): only the rest is read from x here.
     */
    static BlockStats of(float[] x, float[] mx, float[] mn, int known) {
        return of(x, mx, mn, known, Dsp.kernels());
    }

    static BlockStats of(float[] x, float[] mx, float[] mn, int known, DspKernels kernels) {
        int blocks = (x.length + BLOCK - 1) / BLOCK;
        if (mx.length != blocks || mn.length != blocks || known < 0 || known > x.length / BLOCK) {
            throw new IllegalArgumentException("block extremes: " + known + " of " + blocks);
        }
        float[] bd = new float[blocks];
        int full = x.length / BLOCK;
        for (int b = known; b < full; b++) { // Math.max/min as the kernels: a NaN makes both NaN
            float a = x[b * BLOCK], z = a;
            for (int i = b * BLOCK; i < (b + 1) * BLOCK; i++) { a = Math.max(a, x[i]); z = Math.min(z, x[i]); }
            mx[b] = a;
            mn[b] = z;
        }
        float hi = 0, lo = 0; // the sample peak's extremes
        if (full < blocks) {
            float a = x[full * BLOCK], z = a;
            for (int i = full * BLOCK; i < x.length; i++) { a = Math.max(a, x[i]); z = Math.min(z, x[i]); }
            hi = a;
            lo = z;
            // the rest of the last block is the zero padding of the flushed filter tail
            mx[full] = Math.max(a, 0f);
            mn[full] = Math.min(z, 0f);
        }
        // the bounds, the block of the largest and the sample peak's extremes in one pass (the block before the
        // signal: zeros)
        float[] acc = {-1f, hi, lo};
        int[] top = {-1};
        kernels.blockBound(mx, mn, 0, blocks, full, 0f, 0f, (float) TruePeakFilter.UNIT_SUM,
                (float) TruePeakFilter.UNIT_ABS_SUM, bd, acc, top);
        return new BlockStats(mx, mn, Math.max(acc[1], -acc[2]), bd, top[0]);
    }

    /** The two bounds of {@link TruePeakFilter}: midrange (tight on smooth waves) and plain peak, the smaller one. */
    static float bound(float hi, float lo, float sum, float absSum) {
        float smooth = sum * 0.5f * Math.abs(hi + lo) + absSum * 0.5f * (hi - lo);
        float any = absSum * Math.max(hi, -lo);
        return Math.min(smooth, any);
    }

    int blocks() { return max.length; }

    /**
     * These statistics with each block's bound lowered to {@code gain · prior[b] + margin} where that is smaller
     * (rounded up to float), and the top block found again: for a signal within a known margin of {@code gain} times
     * one whose block peaks are {@code prior} (see {@link LoudnessMeter#measureWritten}).
     */
    BlockStats tightened(float[] prior, double gain, double margin) {
        float[] bd = bound.clone();
        int n = Math.min(bd.length, prior.length), top = bd.length > 0 ? 0 : -1;
        for (int b = 0; b < n; b++) {
            float p = Math.nextUp((float) (gain * prior[b] + margin));
            if (p < bd[b]) bd[b] = p; // a NaN bound stays NaN: the search computes that block
        }
        for (int b = 1; b < bd.length; b++) if (bd[b] > bd[top]) top = b;
        return new BlockStats(max, min, peak, bd, top);
    }
}

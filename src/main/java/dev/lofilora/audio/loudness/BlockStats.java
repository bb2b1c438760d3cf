package dev.lofilora.audio.loudness;

/**
 * Signed minimum and maximum of one channel per block of {@link #BLOCK} samples, and the channel's sample peak:
 * what {@link TruePeakFilter} needs to bound the interpolated output of a block without computing it.
 */
final class BlockStats {
    /** Samples per block (the unrolled loop of {@link #of} assumes 16): small enough that the midrange bound of {@link TruePeakFilter} is tight on smooth waves. */
    static final int BLOCK = 16;

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
        int blocks = (x.length + BLOCK - 1) / BLOCK;
        float[] mx = new float[blocks], mn = new float[blocks], bd = new float[blocks];
        final float unitSum = (float) TruePeakFilter.UNIT_SUM, unitAbs = (float) TruePeakFilter.UNIT_ABS_SUM;
        float pa = 0f, pz = 0f; // the block before the signal: zeros
        float hi = 0, lo = 0;
        int full = x.length / BLOCK;
        for (int b = 0; b < full; b++) {
            int s = b * BLOCK;
            // a pairwise tree instead of a running max: independent comparisons the CPU can overlap (~2.5x faster)
            float h0 = Math.max(x[s], x[s + 1]), h1 = Math.max(x[s + 2], x[s + 3]);
            float h2 = Math.max(x[s + 4], x[s + 5]), h3 = Math.max(x[s + 6], x[s + 7]);
            float h4 = Math.max(x[s + 8], x[s + 9]), h5 = Math.max(x[s + 10], x[s + 11]);
            float h6 = Math.max(x[s + 12], x[s + 13]), h7 = Math.max(x[s + 14], x[s + 15]);
            float l0 = Math.min(x[s], x[s + 1]), l1 = Math.min(x[s + 2], x[s + 3]);
            float l2 = Math.min(x[s + 4], x[s + 5]), l3 = Math.min(x[s + 6], x[s + 7]);
            float l4 = Math.min(x[s + 8], x[s + 9]), l5 = Math.min(x[s + 10], x[s + 11]);
            float l6 = Math.min(x[s + 12], x[s + 13]), l7 = Math.min(x[s + 14], x[s + 15]);
            float a = Math.max(Math.max(Math.max(h0, h1), Math.max(h2, h3)), Math.max(Math.max(h4, h5), Math.max(h6, h7)));
            float z = Math.min(Math.min(Math.min(l0, l1), Math.min(l2, l3)), Math.min(Math.min(l4, l5), Math.min(l6, l7)));
            mx[b] = a;
            mn[b] = z;
            bd[b] = bound(Math.max(a, pa), Math.min(z, pz), unitSum, unitAbs);
            pa = a;
            pz = z;
            hi = Math.max(hi, a);
            lo = Math.min(lo, z);
        }
        if (full < blocks) {
            float a = x[full * BLOCK], z = a;
            for (int i = full * BLOCK; i < x.length; i++) { a = Math.max(a, x[i]); z = Math.min(z, x[i]); }
            // the rest of the last block is the zero padding of the flushed filter tail
            mx[full] = Math.max(a, 0f);
            mn[full] = Math.min(z, 0f);
            bd[full] = bound(Math.max(mx[full], pa), Math.min(mn[full], pz), unitSum, unitAbs);
            hi = Math.max(hi, a);
            lo = Math.min(lo, z);
        }
        int top = -1;
        float topBound = -1f;
        for (int b = 0; b < blocks; b++) if (bd[b] > topBound) { topBound = bd[b]; top = b; }
        return new BlockStats(mx, mn, Math.max(hi, -lo), bd, top);
    }

    /** The two bounds of {@link TruePeakFilter}: midrange (tight on smooth waves) and plain peak, the smaller one. */
    static float bound(float hi, float lo, float sum, float absSum) {
        float smooth = sum * 0.5f * Math.abs(hi + lo) + absSum * 0.5f * (hi - lo);
        float any = absSum * Math.max(hi, -lo);
        return Math.min(smooth, any);
    }

    int blocks() { return max.length; }
}

package dev.lofilora.audio.qc;

import dev.lofilora.audio.dsp.Dsp;
import dev.lofilora.audio.dsp.DspKernels;

/**
 * One pass over one channel collecting what several checks need: non-finite samples, the mean (DC), the energy and
 * the cross product with a partner channel (for the L/R correlation), the energy of every silence frame, and clipping
 * runs. The effective bit depth is a separate pass ({@link #bitOr}) because it can usually stop after a few samples.
 */
final class ChannelStats {
    long nonFinite;
    double sum;
    double sumSquares;
    /** Sum of x * partner over the samples (0 without a partner). */
    double crossSum;
    int clipEvents;
    int length;
    /** Sum of x² over each silence frame (in the Java reference, {@link Silence#energy}'s arithmetic); meaningless when nonFinite > 0. */
    double[] frameEnergy;

    private ChannelStats() {}

    double mean() { return length - nonFinite > 0 ? sum / (length - nonFinite) : 0; }

    /**
     * @param partner    another channel of the same length to correlate with, or null
     * @param clipLevel  |x| at or above which a run of identical samples counts as clipping
     * @param clipMinRun identical samples needed for one clipping event
     * @param frame      samples per silence frame (the last frame may be shorter)
     */
    static ChannelStats of(float[] x, float[] partner, float clipLevel, int clipMinRun, int frame) {
        ChannelStats s = new ChannelStats();
        s.length = x.length;
        s.pass(x, partner, clipLevel, clipMinRun, frame);
        if (!Double.isFinite(s.sum) || !Double.isFinite(s.sumSquares) || !Double.isFinite(s.crossSum)) {
            s.sumsSkippingNonFinite(x, partner); // rare: NaN/Inf (or overflow) in the data
        }
        return s;
    }

    /** The fused pass ({@link DspKernels#qcStats}: native where the library loads, else the Java reference). */
    private void pass(float[] x, float[] partner, float clipLevel, int minRun, int frame) {
        int n = x.length;
        int frames = n == 0 ? 0 : (int) ((n + (long) frame - 1) / frame);
        double[] sums = new double[3];
        int[] clip = {0, 0, Float.floatToRawIntBits(Float.NaN)};
        frameEnergy = new double[frames];
        Dsp.kernels().qcStats(x, partner, 0, frames, frame, clipLevel, minRun, sums, frameEnergy, clip);
        sum = sums[0];
        sumSquares = sums[1];
        crossSum = partner != null ? sums[2] : 0;
        clipEvents = clip[0] + (clip[1] >= minRun ? 1 : 0);
    }

    private void sumsSkippingNonFinite(float[] x, float[] partner) {
        double sm = 0, sq = 0, cr = 0;
        long bad = 0;
        for (int i = 0; i < x.length; i++) {
            float v = x[i];
            if (!Float.isFinite(v)) { bad++; continue; }
            sm += v;
            sq += (double) v * v;
            if (partner != null && Float.isFinite(partner[i])) cr += (double) v * partner[i];
        }
        nonFinite = bad;
        sum = sm;
        sumSquares = sq;
        crossSum = cr;
    }

    /**
     * OR of |x * 2^(bits-1)| over the samples, or -1 when a finite sample is off that integer grid (float data, or a
     * container claim that does not hold). Stops as soon as the lowest bit is set: the content then uses every bit
     * of the container and nothing more can be learnt, which for genuine PCM happens within a few samples.
     */
    static long bitOr(float[] x, int bits) {
        double scale = Math.scalb(1.0, bits - 1);
        long or = 0;
        for (float v : x) {
            double d = v * scale;
            double r = Math.rint(d);
            if (r != d) {
                if (Double.isFinite(d)) return -1;
                continue; // NaN/Inf are reported by the non-finite check
            }
            or |= Math.abs((long) r);
            if ((or & 1L) != 0) return or;
        }
        return or;
    }
}

package dev.lofilora.audio.qc;

/**
 * One pass over one channel collecting what several checks need: non-finite samples, the mean (DC), the energy and
 * the cross product with a partner channel (for the L/R correlation) and clipping runs. The effective bit depth is
 * a separate pass ({@link #bitOr}) because it can usually stop after a few samples.
 */
final class ChannelStats {
    long nonFinite;
    double sum;
    double sumSquares;
    /** Sum of x * partner over the samples (0 without a partner). */
    double crossSum;
    int clipEvents;
    int length;

    private ChannelStats() {}

    double mean() { return length - nonFinite > 0 ? sum / (length - nonFinite) : 0; }

    /**
     * @param partner    another channel of the same length to correlate with, or null
     * @param clipLevel  |x| at or above which a run of identical samples counts as clipping
     * @param clipMinRun identical samples needed for one clipping event
     */
    static ChannelStats of(float[] x, float[] partner, float clipLevel, int clipMinRun) {
        ChannelStats s = new ChannelStats();
        s.length = x.length;
        s.sums(x, partner);
        if (!Double.isFinite(s.sum) || !Double.isFinite(s.sumSquares) || !Double.isFinite(s.crossSum)) {
            s.sumsSkippingNonFinite(x, partner); // rare: NaN/Inf (or overflow) in the data
        }
        s.clipEvents = clipEvents(x, clipLevel, clipMinRun);
        return s;
    }

    /**
     * Sums in float over chunks of 64 samples (four interleaved accumulators, which the JIT vectorises), added up in
     * double across chunks: about 4x faster than double accumulation, and a chunk's rounding (~1e-6 relative) is far
     * below what the DC and correlation thresholds resolve.
     */
    private void sums(float[] x, float[] partner) {
        float[] p = partner != null ? partner : x; // read something harmless; the cross sum is dropped below
        double sm = 0, sq = 0, cr = 0;
        int n = x.length, i = 0;
        for (; i + 64 <= n; i += 64) {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
            for (int j = i; j < i + 64; j += 4) {
                float a = x[j], b = x[j + 1], c = x[j + 2], d = x[j + 3];
                s0 += a; s1 += b; s2 += c; s3 += d;
                q0 += a * a; q1 += b * b; q2 += c * c; q3 += d * d;
                c0 += a * p[j]; c1 += b * p[j + 1]; c2 += c * p[j + 2]; c3 += d * p[j + 3];
            }
            sm += (s0 + s1) + (s2 + s3);
            sq += (q0 + q1) + (q2 + q3);
            cr += (c0 + c1) + (c2 + c3);
        }
        for (; i < n; i++) { double a = x[i]; sm += a; sq += a * a; cr += a * p[i]; }
        sum = sm;
        sumSquares = sq;
        crossSum = partner != null ? cr : 0;
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

    /** Runs of at least {@code minRun} identical samples with |x| >= level (NaN and Inf end a run). */
    private static int clipEvents(float[] x, float level, int minRun) {
        int events = 0, run = 0;
        float prev = Float.NaN;
        for (float v : x) {
            if (Math.abs(v) >= level) { // false for NaN
                if (v == prev) {
                    run++;
                } else {
                    if (run >= minRun) events++;
                    run = 1;
                }
                prev = v;
            } else if (run > 0) {
                if (run >= minRun) events++;
                run = 0;
                prev = Float.NaN;
            }
        }
        if (run >= minRun) events++;
        return events;
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

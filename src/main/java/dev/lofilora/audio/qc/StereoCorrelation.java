package dev.lofilora.audio.qc;

/** Pearson correlation of two channels from their {@link ChannelStats} (sums, squares, cross products). */
final class StereoCorrelation {
    private StereoCorrelation() {}

    /**
     * r in [-1, 1], or NaN when a channel has no variance (e.g. digital silence).
     *
     * @param l stats of the left channel computed with the right channel as partner
     * @param r stats of the right channel
     */
    static double pearson(ChannelStats l, ChannelStats r) {
        double n = l.length;
        if (n == 0) return Double.NaN;
        // central moments from raw sums; audio has |mean| << RMS, so the subtraction loses no useful precision
        double ml = l.sum / n, mr = r.sum / n;
        double vl = l.sumSquares - n * ml * ml, vr = r.sumSquares - n * mr * mr;
        double c = l.crossSum - n * ml * mr;
        if (!(vl > 1e-12 * l.sumSquares) || !(vr > 1e-12 * r.sumSquares) || vl <= 0 || vr <= 0) return Double.NaN;
        return Math.max(-1.0, Math.min(1.0, c / Math.sqrt(vl * vr)));
    }
}

package dev.lofilora.audio.qc;

/** Pearson correlation of two channels over the whole file (means removed), in one pass. */
final class StereoCorrelation {
    private StereoCorrelation() {}

    /** r in [-1, 1], or NaN when a channel has no variance (e.g. digital silence). */
    static double pearson(float[] l, float[] r, double meanL, double meanR) {
        double sll = 0, srr = 0, slr = 0;
        for (int i = 0; i < l.length; i++) {
            double a = l[i] - meanL, b = r[i] - meanR;
            sll += a * a;
            srr += b * b;
            slr += a * b;
        }
        if (sll <= 0 || srr <= 0) return Double.NaN;
        return Math.max(-1.0, Math.min(1.0, slr / Math.sqrt(sll * srr)));
    }
}

package dev.lofilora.audio.qc;

/**
 * One pass over one channel collecting what several checks need: non-finite samples, the mean (DC), clipping runs
 * and the OR of the integer sample values (for the effective bit depth).
 */
final class ChannelStats {
    long nonFinite;
    double mean;
    int clipEvents;
    /** OR of |sample * 2^(bits-1)| over all samples (0 when not measured). */
    long bitOr;
    /** Some sample was not on the container's integer grid (float or lossy content): no bit depth reading. */
    boolean offGrid;

    private ChannelStats() {}

    /**
     * @param clipLevel  |x| at or above which a run of identical samples counts as clipping
     * @param clipMinRun identical samples needed for one clipping event
     * @param pcmBits    the container's bits per sample, or 0 to skip the bit-depth analysis
     */
    static ChannelStats of(float[] x, float clipLevel, int clipMinRun, int pcmBits) {
        ChannelStats s = new ChannelStats();
        double sum = 0;
        long nonFinite = 0;
        int events = 0, run = 0;
        float prev = Float.NaN;
        for (float v : x) {
            if (!Float.isFinite(v)) {
                nonFinite++;
                if (run >= clipMinRun) events++;
                run = 0;
                prev = Float.NaN;
                continue;
            }
            sum += v;
            if (Math.abs(v) >= clipLevel) {
                if (v == prev) {
                    run++;
                } else {
                    if (run >= clipMinRun) events++;
                    run = 1;
                }
            } else {
                if (run >= clipMinRun) events++;
                run = 0;
            }
            prev = v;
        }
        if (run >= clipMinRun) events++;
        s.nonFinite = nonFinite;
        s.mean = x.length - nonFinite > 0 ? sum / (x.length - nonFinite) : 0;
        s.clipEvents = events;
        if (pcmBits > 0) s.bits(x, pcmBits);
        return s;
    }

    private void bits(float[] x, int pcmBits) {
        double scale = Math.scalb(1.0, pcmBits - 1);
        long or = 0;
        for (float v : x) {
            double d = v * scale;
            long i = (long) d;
            if (i != d) { // NaN/Inf also land here
                if (Double.isFinite(d)) { offGrid = true; return; }
                continue;
            }
            or |= Math.abs(i);
        }
        bitOr = or;
    }
}

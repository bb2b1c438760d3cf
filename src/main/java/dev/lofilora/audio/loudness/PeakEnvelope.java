package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;

/** The true-peak limiter's peak envelope (step 1 of {@link TruePeakLimiter}'s gain). */
final class PeakEnvelope {
    private PeakEnvelope() {}

    /** The peak envelope: per sample, the largest |sample| or |interpolated value| above {@code threshold}, else 0. */
    static float[] of(AudioBuffer audio, BlockStats[] blockStats, TruePeakFilter itu, TruePeakFilter eb,
                      double threshold) {
        float[] env = new float[audio.frames()];
        for (int c = 0; c < audio.channels(); c++) {
            float[] x = audio.samples()[c];
            float t = (float) threshold; // the smallest float above threshold: a >= t exactly when a > threshold
            if (t <= threshold) t = Math.nextUp(t);
            // Only blocks whose extremes reach t can hold a sample that does (on limited music a small share): the
            // block statistics say which, and a skipped block leaves env as it is, as a full scan would.
            BlockStats bs = blockStats[c];
            for (int b = 0; b < bs.blocks(); b++) {
                if (bs.max[b] < t && -bs.min[b] < t) continue; // NaN extremes fall through: the block is read
                for (int i = b * BlockStats.BLOCK, end = Math.min(x.length, i + BlockStats.BLOCK); i < end; i++) {
                    float a = Math.abs(x[i]);
                    if (a >= t && a > env[i]) env[i] = a;
                }
            }
            itu.envelope(x, blockStats[c], threshold, env);
            if (eb != null) eb.envelope(x, blockStats[c], threshold, env);
        }
        return env;
    }
}

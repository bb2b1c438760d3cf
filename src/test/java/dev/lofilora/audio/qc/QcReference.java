package dev.lofilora.audio.qc;

import dev.lofilora.audio.AudioBuffer;

/**
 * The quality checks' per-sample statistics as they were computed before the fused pass of {@link ChannelStats}
 * (separate passes, one double accumulator per silence frame, a clipping scan over every sample): the reference the
 * fused pass is tested against.
 */
final class QcReference {
    private QcReference() {}

    /** {sum, sum of squares, cross sum with partner (0 without one), non-finite count}, in double, skipping NaN/Inf. */
    static double[] sums(float[] x, float[] partner) {
        double sm = 0, sq = 0, cr = 0;
        long bad = 0;
        for (int i = 0; i < x.length; i++) {
            float v = x[i];
            if (!Float.isFinite(v)) { bad++; continue; }
            sm += v;
            sq += (double) v * v;
            if (partner != null && Float.isFinite(partner[i])) cr += (double) v * partner[i];
        }
        return new double[] {sm, sq, cr, bad};
    }

    /** Runs of at least {@code minRun} identical samples with |x| >= level (NaN and Inf end a run). */
    static int clipEvents(float[] x, float level, int minRun) {
        int events = 0, run = 0;
        float prev = Float.NaN;
        for (float v : x) {
            if (Math.abs(v) >= level) {
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

    /** Fraction of frames of {@code frameSamples} (the last one may be shorter) whose RMS is below the threshold in every channel. */
    static double silentRatio(AudioBuffer audio, int frameSamples, double thresholdDbfs) {
        int n = audio.frames();
        if (n == 0) return 1.0;
        double limit = Math.pow(10.0, thresholdDbfs / 10.0);
        int frames = (n + frameSamples - 1) / frameSamples;
        int silent = 0;
        for (int f = 0; f < frames; f++) {
            int s = f * frameSamples, e = Math.min(n, s + frameSamples);
            if (frameSilent(audio.samples(), s, e, limit)) silent++;
        }
        return silent / (double) frames;
    }

    static boolean frameSilent(float[][] x, int s, int e, double limit) {
        double need = limit * (e - s);
        for (float[] ch : x) {
            double sum = 0;
            for (int i = s; i < e; i++) sum += ch[i] * ch[i];
            if (!(sum < need)) return false;
        }
        return true;
    }
}

package dev.lofilora.audio.qc;

import dev.lofilora.audio.AudioBuffer;

/** Frame-RMS silence analysis. A frame is silent when every channel's RMS is below the threshold. */
final class Silence {
    private Silence() {}

    /** Fraction of frames of {@code frameSamples} (the last one may be shorter) that are silent. */
    static double silentRatio(AudioBuffer audio, int frameSamples, double thresholdDbfs) {
        int n = audio.frames();
        if (n == 0) return 1.0;
        double limit = Math.pow(10.0, thresholdDbfs / 10.0); // mean-square threshold
        int frames = (n + frameSamples - 1) / frameSamples;
        int silent = 0;
        for (int f = 0; f < frames; f++) {
            int s = f * frameSamples, e = Math.min(n, s + frameSamples);
            if (frameSilent(audio.samples(), s, e, limit)) silent++;
        }
        return silent / (double) frames;
    }

    private static boolean frameSilent(float[][] x, int s, int e, double limit) {
        double need = limit * (e - s);
        for (float[] ch : x) {
            double sum = 0;
            for (int i = s; i < e; i++) sum += ch[i] * ch[i];
            if (!(sum < need)) return false;
        }
        return true;
    }

    /**
     * {start, end}: the first and one past the last sample of the non-silent part. Frames of 10 ms decide where
     * sound starts and stops; inside the first and last sounding frame the bound moves to the first/last sample whose
     * magnitude (any channel) reaches the threshold. {0, 0} when everything is silent.
     */
    static int[] bounds(AudioBuffer audio, double thresholdDbfs) {
        int n = audio.frames();
        int frame = Math.max(1, audio.sampleRate() / 100);
        double limit = Math.pow(10.0, thresholdDbfs / 10.0);
        float amp = (float) Math.pow(10.0, thresholdDbfs / 20.0);
        int frames = (n + frame - 1) / frame;
        int first = -1, last = -1;
        for (int f = 0; f < frames; f++) {
            if (!frameSilent(audio.samples(), f * frame, Math.min(n, (f + 1) * frame), limit)) { first = f; break; }
        }
        if (first < 0) return new int[] {0, 0};
        for (int f = frames - 1; f >= first; f--) {
            if (!frameSilent(audio.samples(), f * frame, Math.min(n, (f + 1) * frame), limit)) { last = f; break; }
        }
        int start = first * frame, end = Math.min(n, (last + 1) * frame);
        int s = start;
        while (s < end && belowAll(audio.samples(), s, amp)) s++;
        int e = end;
        while (e > s && belowAll(audio.samples(), e - 1, amp)) e--;
        // an RMS-loud frame always has a sample at or above its RMS, so s < e here
        return new int[] {s, e};
    }

    private static boolean belowAll(float[][] x, int i, float amp) {
        for (float[] ch : x) if (Math.abs(ch[i]) >= amp) return false;
        return true;
    }
}

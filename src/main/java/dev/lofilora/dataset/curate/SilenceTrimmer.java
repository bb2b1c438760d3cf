package dev.lofilora.dataset.curate;

import dev.lofilora.audio.AudioBuffer;

import java.util.Arrays;

/** Cuts leading and trailing silence: everything before the first and after the last sample at or above a level. */
final class SilenceTrimmer {
    private SilenceTrimmer() {}

    /** The trimmed audio ({@code audio} itself when nothing is cut); an all-silent input comes back unchanged. */
    static AudioBuffer trim(AudioBuffer audio, double thresholdDbfs) {
        float level = (float) Math.pow(10.0, thresholdDbfs / 20.0);
        int n = audio.frames();
        int first = n, last = -1;
        for (float[] ch : audio.samples()) {
            for (int i = 0; i < Math.min(first, n); i++) if (Math.abs(ch[i]) >= level) { first = i; break; }
            for (int i = n - 1; i > last; i--) if (Math.abs(ch[i]) >= level) { last = i; break; }
        }
        if (last < first || (first == 0 && last == n - 1)) return audio;
        float[][] out = new float[audio.channels()][];
        for (int c = 0; c < out.length; c++) out[c] = Arrays.copyOfRange(audio.samples()[c], first, last + 1);
        return new AudioBuffer(out, audio.sampleRate());
    }
}

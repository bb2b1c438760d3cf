package dev.lofilora.preprocess;

import dev.lofilora.audio.AudioBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ACE-Step's audio rules for a training track ({@code Text2MusicDataset.get_audio} and {@code process}; research
 * §3.5), applied to 48 kHz audio: mono is duplicated to stereo; samples are clamped to [−1, 1]; a track shorter than
 * 3 s is zero-padded to 3 s; a track whose samples are exactly zero in every channel more than 95 % of the time (after
 * that padding) is dropped; the first 240 s are kept.
 */
final class TrackAudio {
    static final int RATE = 48000;
    static final int MIN_SAMPLES = 3 * RATE;
    static final int MAX_SAMPLES = 240 * RATE;
    static final double SILENCE_THRESHOLD = 0.95;

    /** The stereo samples to encode, or a drop reason; notes say what was changed. */
    record Prepared(float[][] samples, String dropReason, List<String> notes) {
        boolean dropped() { return dropReason != null; }
    }

    private TrackAudio() {}

    static Prepared prepare(AudioBuffer audio) {
        if (audio.sampleRate() != RATE) throw new IllegalArgumentException("expects 48 kHz audio, got " + audio.sampleRate());
        float[][] in = audio.samples();
        float[] left = in[0];
        float[] right = in.length > 1 ? in[1] : in[0];
        int n = left.length;
        List<String> notes = new ArrayList<>();
        int length = Math.max(n, MIN_SAMPLES);
        if (n < MIN_SAMPLES) {
            notes.add(String.format(Locale.ROOT, "padded with silence from %.2f s to the 3-s minimum", n / (double) RATE));
        }
        float[][] out = new float[2][length];
        long silent = length - n;
        for (int i = 0; i < n; i++) {
            float l = Math.max(-1f, Math.min(1f, left[i]));
            float r = Math.max(-1f, Math.min(1f, right[i]));
            out[0][i] = l;
            out[1][i] = r;
            if (l == 0f && r == 0f) silent++;
        }
        double ratio = silent / (double) length;
        if (ratio > SILENCE_THRESHOLD) {
            return new Prepared(null, String.format(Locale.ROOT, "%.1f %% of its samples are silent (exactly zero in "
                    + "every channel%s), more than the 95 %% at which ACE-Step's trainer drops a track", 100 * ratio,
                    n < MIN_SAMPLES ? ", counting the padding to 3 s" : ""), notes);
        }
        if (length > MAX_SAMPLES) {
            notes.add(String.format(Locale.ROOT, "cropped from %.1f s to the first 240 s (ACE-Step's maximum)",
                    length / (double) RATE));
            out = new float[][] {java.util.Arrays.copyOf(out[0], MAX_SAMPLES), java.util.Arrays.copyOf(out[1], MAX_SAMPLES)};
        }
        return new Prepared(out, null, notes);
    }
}

package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;

/** BS.1770-4 loudness meter for any sample rate and 1–5 channels (L, R, C, Ls, Rs). Thread-safe (stateless). */
public final class LoudnessMeter {
    private LoudnessMeter() {}

    /** Measures every quantity of {@link LoudnessReport} on {@code audio}. */
    public static LoudnessReport measure(AudioBuffer audio) {
        throw new UnsupportedOperationException("stub: implemented by the loudness work");
    }
}

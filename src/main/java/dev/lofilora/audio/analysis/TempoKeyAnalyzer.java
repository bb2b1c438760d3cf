package dev.lofilora.audio.analysis;

import dev.lofilora.audio.AudioBuffer;

/** Tempo (onset strength + autocorrelation/tempogram) and key (chroma + key profiles) from audio. Thread-safe. */
public final class TempoKeyAnalyzer {
    public TempoKey analyze(AudioBuffer audio) {
        throw new UnsupportedOperationException("stub: implemented by the analysis work");
    }
}

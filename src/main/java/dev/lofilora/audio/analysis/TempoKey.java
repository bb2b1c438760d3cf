package dev.lofilora.audio.analysis;

import java.util.List;

/**
 * Tempo and key estimated from audio. Confidences are in [0, 1].
 *
 * @param bpm             tempo in beats per minute (NaN when the audio has no measurable pulse)
 * @param bpmConfidence   confidence of the tempo
 * @param tonic           pitch class of the key's tonic, 0 = C … 11 = B
 * @param mode            "major" or "minor"
 * @param keyConfidence   confidence of key and mode
 * @param tempoCandidates up to five tempo hypotheses, best first (the first is {@code bpm}); alternatives
 *                        are often the half or double tempo
 */
public record TempoKey(double bpm, double bpmConfidence, int tonic, String mode, double keyConfidence,
                       List<TempoCandidate> tempoCandidates) {
    private static final String[] NAMES = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};

    public TempoKey {
        tempoCandidates = tempoCandidates == null ? List.of() : List.copyOf(tempoCandidates);
    }

    /** A result without alternative tempo candidates. */
    public TempoKey(double bpm, double bpmConfidence, int tonic, String mode, double keyConfidence) {
        this(bpm, bpmConfidence, tonic, mode, keyConfidence, List.of());
    }

    /** E.g. "A minor". */
    public String keyName() { return NAMES[tonic] + " " + mode; }
}

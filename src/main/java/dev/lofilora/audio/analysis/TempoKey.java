package dev.lofilora.audio.analysis;

/**
 * Tempo and key estimated from audio. Confidences are in [0, 1].
 *
 * @param bpm            tempo in beats per minute
 * @param bpmConfidence  confidence of the tempo
 * @param tonic          pitch class of the key's tonic, 0 = C … 11 = B
 * @param mode           "major" or "minor"
 * @param keyConfidence  confidence of key and mode
 */
public record TempoKey(double bpm, double bpmConfidence, int tonic, String mode, double keyConfidence) {
    private static final String[] NAMES = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};

    /** E.g. "A minor". */
    public String keyName() { return NAMES[tonic] + " " + mode; }
}

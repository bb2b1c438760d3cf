package dev.lofilora.audio.synth;

/**
 * What a synthesised clip really is: the ground truth to check an analyser against.
 *
 * @param bpm        tempo in beats per minute (quarter notes)
 * @param tonic      key tonic pitch class, 0 = C … 11 = B
 * @param mode       "major" or "minor"
 * @param style      the {@link SynthStyle#name()} it was rendered with
 * @param seed       the seed
 * @param seconds    duration
 * @param sampleRate sample rate in Hz
 */
public record SynthTruth(double bpm, int tonic, String mode, String style, long seed, double seconds, int sampleRate) {
    private static final String[] NAMES = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};

    /** E.g. "A minor" (same spelling as {@code TempoKey.keyName()}). */
    public String keyName() { return NAMES[tonic] + " " + mode; }
}

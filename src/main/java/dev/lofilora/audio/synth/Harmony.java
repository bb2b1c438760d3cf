package dev.lofilora.audio.synth;

import java.util.SplittableRandom;

/**
 * Diatonic chord progressions in a key. Chords are stacked diatonic thirds (so sevenths come out as maj7,
 * m7, dominant 7 or half-diminished as the scale dictates); minor-key dominants borrow the raised leading
 * tone of harmonic minor, as jazz and lofi harmony usually does.
 */
final class Harmony {
    static final int[] MAJOR = {0, 2, 4, 5, 7, 9, 11};
    static final int[] MINOR = {0, 2, 3, 5, 7, 8, 10};

    /*
     * Scale degrees (0-based) of four-chord progressions. Every one contains a dominant (V) resolving to,
     * or a cadence onto, the tonic chord: the fixtures must sound in the key they claim. Common lofi loops
     * that leave the key ambiguous on purpose (i–VI–III–VII, which a listener hears as vi–IV–I–V of the
     * relative major, or a bare I–IV vamp) are left out for that reason.
     */
    private static final int[][] MAJOR_PROGRESSIONS = {
            {0, 5, 1, 4},   // I–vi–ii–V
            {1, 4, 0, 0},   // ii–V–I–I
            {0, 3, 4, 0},   // I–IV–V–I
            {0, 4, 5, 3},   // I–V–vi–IV
            {0, 2, 3, 4},   // I–iii–IV–V
            {0, 3, 1, 4},   // I–IV–ii–V
    };
    private static final int[][] MINOR_PROGRESSIONS = {
            {0, 3, 4, 0},   // i–iv–V–i
            {1, 4, 0, 0},   // iiø–V7–i–i
            {0, 6, 5, 4},   // i–VII–VI–V (Andalusian)
            {0, 5, 3, 4},   // i–VI–iv–V
            {0, 5, 6, 0},   // i–VI–VII–i (Aeolian cadence)
            {0, 3, 0, 4},   // i–iv–i–V
    };

    private final int tonic;
    private final boolean minor;
    private final int[] progression;

    Harmony(int tonic, boolean minor, SplittableRandom rnd) {
        this.tonic = tonic;
        this.minor = minor;
        int[][] choices = minor ? MINOR_PROGRESSIONS : MAJOR_PROGRESSIONS;
        this.progression = choices[rnd.nextInt(choices.length)];
    }

    int chordCount() { return progression.length; }

    /** Scale degree (0 = tonic) of chord {@code index} (cyclic). */
    int degree(int index) { return progression[Math.floorMod(index, progression.length)]; }

    /** Root pitch class of chord {@code index} (cyclic). */
    int rootPitchClass(int index) {
        int degree = progression[Math.floorMod(index, progression.length)];
        return Math.floorMod(tonic + scale()[degree], 12);
    }

    /**
     * MIDI notes of chord {@code index}, {@code tones} stacked thirds, voiced closely from around
     * {@code lowMidi} upwards (root first, then the upper tones folded into one octave above it).
     */
    int[] chord(int index, int tones, int lowMidi) {
        int degree = progression[Math.floorMod(index, progression.length)];
        int[] scale = scale();
        int rootMidi = lowMidi + Math.floorMod(tonic + scale[degree] - lowMidi, 12);
        int[] notes = new int[tones];
        for (int t = 0; t < tones; t++) {
            int d = degree + 2 * t;
            int pc = scale[d % 7] + 12 * (d / 7);
            if (minor && degree == 4 && d % 7 == 6) pc += 1;   // leading tone of the dominant (harmonic minor)
            notes[t] = rootMidi + pc - scale[degree];
        }
        // Ninths go down an octave (a close "rootless-ish" jazz voicing) so the chord stays in one register.
        if (tones == 5) notes[4] -= 12;
        return notes;
    }

    /** Scale pitch classes of the key (with the raised 7th in minor, for melodies over the dominant). */
    int[] scale() { return minor ? MINOR : MAJOR; }

    int tonic() { return tonic; }
}

package dev.lofilora.audio.analysis;

/**
 * Key profiles: how strongly each pitch class, counted from the tonic, belongs to a major or minor key.
 * The analyser correlates a track's chroma with all 24 rotations.
 */
public enum KeyProfile {
    /** Krumhansl &amp; Kessler (1982), probe-tone ratings. */
    KRUMHANSL_KESSLER(
            new double[] {6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88},
            new double[] {6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17}),
    /** Temperley (2007), pitch-class frequencies of the Kostka–Payne corpus. */
    TEMPERLEY(
            new double[] {0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400},
            new double[] {0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330}),
    /** Albrecht &amp; Shanahan (2013), duration-weighted pitch-class distributions of a 490-piece corpus. */
    ALBRECHT_SHANAHAN(
            new double[] {0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.080, 0.008, 0.081},
            new double[] {0.220, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052});

    final double[] major;
    final double[] minor;

    KeyProfile(double[] major, double[] minor) {
        this.major = major;
        this.minor = minor;
    }
}

package dev.lofilora.audio.analysis;

/**
 * Key and mode from a chroma vector: the Pearson correlation with each of the 24 rotated key profiles
 * (the Krumhansl–Schmuckler method) plus a bass tonic cue ({@link #BASS_TONIC}); the best score wins. The confidence is the softmax probability
 * of the winner among the 24 keys (temperature 0.05 in correlation units), so it is near 1 when one key
 * clearly beats the rest and near 0.5 when two keys (typically relative major/minor) tie.
 */
final class KeyEstimator {
    private static final double TEMPERATURE = 0.05;

    record Result(int tonic, String mode, double confidence, double correlation) {}

    /**
     * Weight of the bass tonic cue: the bass chroma (normalised to its maximum) at a key's tonic is added to
     * that key's correlation. The tonic is the most frequent bass note of tonal music; the profiles alone
     * cannot tell a minor key from its relative major (same scale) when the harmony dwells on III, VI and
     * VII, as lofi loops do, but the bass can. 0.2 is the middle of the plateau 0.1–0.3 found on the tuning
     * clips (seeds 1000–1075).
     */
    static final double BASS_TONIC = 0.2;

    private final KeyProfile profile;

    KeyEstimator(KeyProfile profile) { this.profile = profile; }

    Result estimate(Chroma.Profile chroma) {
        double[] r = new double[24];
        double bassMax = 0;
        for (double v : chroma.bass()) bassMax = Math.max(bassMax, v);
        for (int tonic = 0; tonic < 12; tonic++) {
            r[tonic] = correlation(chroma.full(), profile.major, tonic);
            r[12 + tonic] = correlation(chroma.full(), profile.minor, tonic);
            if (bassMax > 0) {
                r[tonic] += BASS_TONIC * chroma.bass()[tonic] / bassMax;
                r[12 + tonic] += BASS_TONIC * chroma.bass()[tonic] / bassMax;
            }
        }
        int best = 0;
        for (int i = 1; i < 24; i++) if (r[i] > r[best]) best = i;
        double sum = 0;
        for (int i = 0; i < 24; i++) sum += Math.exp((r[i] - r[best]) / TEMPERATURE);
        return new Result(best % 12, best < 12 ? "major" : "minor", 1 / sum, r[best]);
    }

    /** Pearson correlation between chroma and the profile rotated to {@code tonic}. */
    static double correlation(double[] chroma, double[] profile, int tonic) {
        double mx = 0, my = 0;
        for (int i = 0; i < 12; i++) { mx += chroma[(i + tonic) % 12]; my += profile[i]; }
        mx /= 12;
        my /= 12;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < 12; i++) {
            double dx = chroma[(i + tonic) % 12] - mx, dy = profile[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
    }
}

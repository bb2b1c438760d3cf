package dev.lofilora.audio.analysis;

/**
 * Key and mode from a chroma vector: the Pearson correlation with each of the 24 rotated key profiles
 * (the Krumhansl–Schmuckler method); the best correlation wins. The confidence is the softmax probability
 * of the winner among the 24 keys (temperature 0.05 in correlation units), so it is near 1 when one key
 * clearly beats the rest and near 0.5 when two keys (typically relative major/minor) tie.
 */
final class KeyEstimator {
    private static final double TEMPERATURE = 0.05;

    record Result(int tonic, String mode, double confidence, double correlation) {}

    private final KeyProfile profile;

    KeyEstimator(KeyProfile profile) { this.profile = profile; }

    Result estimate(double[] chroma) {
        double[] r = new double[24];
        for (int tonic = 0; tonic < 12; tonic++) {
            r[tonic] = correlation(chroma, profile.major, tonic);
            r[12 + tonic] = correlation(chroma, profile.minor, tonic);
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

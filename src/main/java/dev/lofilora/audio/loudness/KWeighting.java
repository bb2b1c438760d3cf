package dev.lofilora.audio.loudness;

/**
 * The BS.1770 K-weighting filter (a high-shelf "head" stage followed by the RLB high-pass) for any sample rate.
 *
 * <p>BS.1770 gives coefficients only for 48 kHz and asks other rates for "the same frequency response". The
 * coefficients are derived here with the analog-prototype method that libebur128 and pyloudnorm's "DeMan" filter
 * use: the constants below were fitted so that the bilinear transform reproduces the ITU 48 kHz table to ~1e-13,
 * and the same prototype is then transformed at the requested rate. This matches libebur128 bit-for-bit in intent,
 * so measured loudness agrees with it to far below 0.01 LU at every rate.
 *
 * <p>Each stage is returned as {@code {b0, b1, b2, a1, a2}} with a0 = 1.
 */
final class KWeighting {
    // Shelf prototype (research/audio_metrics.md §1.2 (A)).
    private static final double SHELF_F0 = 1681.974450955533;
    private static final double SHELF_GAIN_DB = 3.999843853973347;
    private static final double SHELF_Q = 0.7071752369554196;
    private static final double SHELF_VB_EXPONENT = 0.4996667741545416;
    // RLB high-pass prototype.
    private static final double HP_F0 = 38.13547087602444;
    private static final double HP_Q = 0.5003270373238773;

    private KWeighting() {}

    /** Stage 1, the high shelf (+4 dB above ~2 kHz). */
    static double[] shelf(double sampleRate) {
        double k = Math.tan(Math.PI * SHELF_F0 / sampleRate);
        double vh = Math.pow(10.0, SHELF_GAIN_DB / 20.0);
        double vb = Math.pow(vh, SHELF_VB_EXPONENT);
        double d = 1.0 + k / SHELF_Q + k * k;
        return new double[] {
                (vh + vb * k / SHELF_Q + k * k) / d,
                2.0 * (k * k - vh) / d,
                (vh - vb * k / SHELF_Q + k * k) / d,
                2.0 * (k * k - 1.0) / d,
                (1.0 - k / SHELF_Q + k * k) / d};
    }

    /** Stage 2, the RLB high-pass; its numerator is fixed at {1, -2, 1} as in the ITU table. */
    static double[] highPass(double sampleRate) {
        double k = Math.tan(Math.PI * HP_F0 / sampleRate);
        double d = 1.0 + k / HP_Q + k * k;
        return new double[] {1.0, -2.0, 1.0, 2.0 * (k * k - 1.0) / d, (1.0 - k / HP_Q + k * k) / d};
    }

    /** Magnitude response of both stages at {@code frequency} in dB (used by tests and documentation). */
    static double magnitudeDb(double sampleRate, double frequency) {
        double w = 2.0 * Math.PI * frequency / sampleRate;
        return 20.0 * Math.log10(stageMagnitude(shelf(sampleRate), w) * stageMagnitude(highPass(sampleRate), w));
    }

    private static double stageMagnitude(double[] c, double w) {
        // H(e^jw) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2), z^-1 = e^-jw
        double c1 = Math.cos(w), s1 = Math.sin(w), c2 = Math.cos(2 * w), s2 = Math.sin(2 * w);
        double nr = c[0] + c[1] * c1 + c[2] * c2, ni = -(c[1] * s1 + c[2] * s2);
        double dr = 1.0 + c[3] * c1 + c[4] * c2, di = -(c[3] * s1 + c[4] * s2);
        return Math.sqrt((nr * nr + ni * ni) / (dr * dr + di * di));
    }
}

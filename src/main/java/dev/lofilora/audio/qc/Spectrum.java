package dev.lofilora.audio.qc;

import java.util.Arrays;

/**
 * A file's long-term average spectrum, reduced for a report thumbnail: {@code db.length} points log-spaced from
 * {@code fromHz} to {@code toHz} (the Nyquist frequency), in dB relative to the mean level between 2 and 10 kHz,
 * rounded to 0.1 dB (floored at −150).
 */
public record Spectrum(double fromHz, double toHz, double[] db) {
    static final double FROM_HZ = 40;

    static Spectrum of(double[] db, double binHz, double ref, int points) {
        double to = (db.length - 1) * binHz;
        double[] out = new double[points];
        double ratio = Math.log(to / FROM_HZ);
        for (int i = 0; i < points; i++) {
            double hz = FROM_HZ * Math.exp(ratio * i / (points - 1));
            int k = (int) Math.min(db.length - 1, Math.round(hz / binHz));
            out[i] = Math.round(Math.max(-150, db[k] - ref) * 10) / 10.0;
        }
        return new Spectrum(FROM_HZ, Math.round(to * 10) / 10.0, out);
    }

    /** The frequency of point {@code i}. */
    public double hz(int i) {
        return fromHz * Math.exp(Math.log(toHz / fromHz) * i / (db.length - 1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Spectrum s && s.fromHz == fromHz && s.toHz == toHz && Arrays.equals(s.db, db);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(fromHz) * 31 + Arrays.hashCode(db);
    }

    @Override
    public String toString() {
        return "Spectrum[" + fromHz + "-" + toHz + " Hz, " + db.length + " points]";
    }
}

package dev.lofilora.audio.synth;

/**
 * A sine wavetable. Hand-written because the synthesiser evaluates tens of millions of sines per clip:
 * a table lookup with linear interpolation is ~10× faster than {@code Math.sin}, and the table is built
 * with {@code StrictMath} so every JVM renders bit-identical audio.
 */
final class Osc {
    private static final int SIZE = 4096;
    private static final float[] SINE = table(1, 0, 0);
    /** The pad's waveform: fundamental with 0.4 of the 2nd and 0.2 of the 3rd harmonic. */
    private static final float[] PAD = table(1, 0.4, 0.2);

    private static float[] table(double h1, double h2, double h3) {
        float[] t = new float[SIZE + 1];
        for (int i = 0; i <= SIZE; i++) {
            double x = 2 * StrictMath.PI * i / SIZE;
            t[i] = (float) (h1 * StrictMath.sin(x) + h2 * StrictMath.sin(2 * x) + h3 * StrictMath.sin(3 * x));
        }
        return t;
    }

    private Osc() {}

    /** sin(2π·cycles), for any real {@code cycles}. */
    static float sin(double cycles) { return lookup(SINE, cycles); }

    /** The pad waveform (3 harmonics) at phase {@code cycles}; only below sampleRate/6 is it alias-free. */
    static float pad(double cycles) { return lookup(PAD, cycles); }

    private static float lookup(float[] table, double cycles) {
        double frac = cycles - Math.floor(cycles);
        double pos = frac * SIZE;
        int i = (int) pos;
        float t = (float) (pos - i);
        return table[i] + t * (table[i + 1] - table[i]);
    }

    /** Per-sample multiplier of an exponential decay with time constant {@code tauSeconds}. */
    static double decay(double tauSeconds, int sampleRate) {
        return StrictMath.exp(-1.0 / (tauSeconds * sampleRate));
    }

    /** Frequency of a MIDI note (A4 = 69 = 440 Hz). */
    static double hz(int midi) {
        return 440.0 * StrictMath.pow(2, (midi - 69) / 12.0);
    }
}

package dev.lofilora.audio.synth;

/**
 * A sine wavetable. Hand-written because the synthesiser evaluates tens of millions of sines per clip:
 * a table lookup with linear interpolation is ~10× faster than {@code Math.sin}, and the table is built
 * with {@code StrictMath} so every JVM renders bit-identical audio.
 */
final class Osc {
    private static final int SIZE = 4096;
    private static final float[] SINE = new float[SIZE + 1];

    static {
        for (int i = 0; i <= SIZE; i++) SINE[i] = (float) StrictMath.sin(2 * StrictMath.PI * i / SIZE);
    }

    private Osc() {}

    /** sin(2π·cycles), for any real {@code cycles}. */
    static float sin(double cycles) {
        double frac = cycles - Math.floor(cycles);
        double pos = frac * SIZE;
        int i = (int) pos;
        float t = (float) (pos - i);
        return SINE[i] + t * (SINE[i + 1] - SINE[i]);
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

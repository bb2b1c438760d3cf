package dev.lofilora.audio.qc;

import dev.lofilora.audio.AudioBuffer;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

import java.util.Random;

/** Seeded synthetic fixtures for the quality checks: a clean clip and the defects each check must catch. */
final class QcSignals {
    private QcSignals() {}

    /**
     * A clean music-like stereo clip: independent full-band noise per channel (about -26 dBFS RMS) plus a chord
     * shared by both channels, so L and R are partly correlated (r around 0.6), no DC, peaks well under full scale.
     */
    static AudioBuffer clean(int sampleRate, double seconds, long seed) {
        int n = (int) Math.round(seconds * sampleRate);
        Random rnd = new Random(seed);
        float[][] x = new float[2][n];
        double[] chord = {196.0, 246.94, 293.66, 392.0, 1174.66};
        for (int i = 0; i < n; i++) {
            double t = i / (double) sampleRate;
            double pad = 0;
            for (int k = 0; k < chord.length; k++) pad += 0.04 * Math.sin(2 * Math.PI * chord[k] * t + k);
            x[0][i] = (float) (pad + 0.05 * rnd.nextGaussian());
            x[1][i] = (float) (pad + 0.05 * rnd.nextGaussian());
        }
        return new AudioBuffer(x, sampleRate);
    }

    static AudioBuffer sine(int sampleRate, double seconds, double amplitude, double offset) {
        int n = (int) Math.round(seconds * sampleRate);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) s[i] = (float) (amplitude * Math.sin(2 * Math.PI * 997 * i / sampleRate) + offset);
        return new AudioBuffer(new float[][] {s, s.clone()}, sampleRate);
    }

    /** Independent white noise per channel with nothing above {@code cutoffHz} (a brick wall in the FFT domain). */
    static AudioBuffer lowPassedNoise(int sampleRate, int log2Length, double cutoffHz, long seed) {
        int n = 1 << log2Length;
        Random rnd = new Random(seed);
        float[][] x = new float[2][n];
        for (int c = 0; c < 2; c++) {
            double[][] z = new double[2][n];
            for (int i = 0; i < n; i++) z[0][i] = rnd.nextGaussian();
            FastFourierTransformer.transformInPlace(z, DftNormalization.STANDARD, TransformType.FORWARD);
            for (int k = 0; k < n; k++) {
                double f = Math.min(k, n - k) * (double) sampleRate / n;
                if (f > cutoffHz) { z[0][k] = 0; z[1][k] = 0; }
            }
            FastFourierTransformer.transformInPlace(z, DftNormalization.STANDARD, TransformType.INVERSE);
            for (int i = 0; i < n; i++) x[c][i] = (float) (0.1 * z[0][i]);
        }
        return new AudioBuffer(x, sampleRate);
    }

    /** {@code audio} rounded to a {@code bits}-bit integer grid (as a decoder of such a file would deliver it). */
    static AudioBuffer quantise(AudioBuffer audio, int bits) {
        double scale = Math.scalb(1.0, bits - 1);
        float[][] y = new float[audio.channels()][audio.frames()];
        for (int c = 0; c < y.length; c++) {
            for (int i = 0; i < y[c].length; i++) {
                double v = Math.rint(audio.samples()[c][i] * scale);
                y[c][i] = (float) (Math.max(-scale, Math.min(scale - 1, v)) / scale);
            }
        }
        return new AudioBuffer(y, audio.sampleRate());
    }

    /** {@code before} seconds of digital silence, {@code audio}, then {@code after} seconds of silence. */
    static AudioBuffer padded(AudioBuffer audio, double before, double after) {
        int a = (int) Math.round(before * audio.sampleRate()), b = (int) Math.round(after * audio.sampleRate());
        float[][] y = new float[audio.channels()][a + audio.frames() + b];
        for (int c = 0; c < y.length; c++) System.arraycopy(audio.samples()[c], 0, y[c], a, audio.frames());
        return new AudioBuffer(y, audio.sampleRate());
    }
}

package dev.lofilora.audio.io;

import dev.lofilora.audio.AudioBuffer;

/** Test signals and a least-squares sine fit (amplitude of a known frequency in a signal). */
public final class Signals {
    private Signals() {}

    /** A sine of {@code amp} at {@code freq} Hz in every one of {@code channels} channels. */
    public static AudioBuffer sine(int rate, double freq, double amp, double seconds, int channels) {
        int n = (int) Math.round(rate * seconds);
        float[][] s = new float[channels][n];
        for (int i = 0; i < n; i++) {
            float v = (float) (amp * Math.sin(2 * Math.PI * freq * i / rate));
            for (int c = 0; c < channels; c++) s[c][i] = v;
        }
        return new AudioBuffer(s, rate);
    }

    /** One channel per frequency, each a sine of amplitude {@code amp}. */
    public static AudioBuffer sines(int rate, double seconds, double amp, double... freqs) {
        int n = (int) Math.round(rate * seconds);
        float[][] s = new float[freqs.length][n];
        for (int c = 0; c < freqs.length; c++) {
            for (int i = 0; i < n; i++) s[c][i] = (float) (amp * Math.sin(2 * Math.PI * freqs[c] * i / rate));
        }
        return new AudioBuffer(s, rate);
    }

    /**
     * Amplitude of the sine at {@code freq} in {@code y[from, to)} by least squares on sin, cos and a constant
     * (exact for a pure tone; other tones leak only by their correlation over the window).
     */
    public static double amplitude(float[] y, int rate, double freq, int from, int to) {
        double[] x = fitSine(y, rate, freq, from, to);
        return Math.hypot(x[0], x[1]);
    }

    /** Energy of {@code y[from, to)} left after removing the best-fit sine at {@code freq}, relative to {@code amp}, in dB. */
    public static double residualDb(float[] y, int rate, double freq, double amp, int from, int to) {
        double[] x = fitSine(y, rate, freq, from, to);
        double e = 0;
        for (int i = from; i < to; i++) {
            double w = 2 * Math.PI * freq * i / rate;
            double d = y[i] - (x[0] * Math.sin(w) + x[1] * Math.cos(w) + x[2]);
            e += d * d;
        }
        double rms = Math.sqrt(e / (to - from));
        return 20 * Math.log10(rms * Math.sqrt(2) / amp);
    }

    /** RMS of y[from, to) as the dB level of a sine of that RMS, relative to a sine of amplitude {@code amp}. */
    public static double levelDb(float[] y, int from, int to, double amp) {
        double e = 0;
        for (int i = from; i < to; i++) e += y[i] * (double) y[i];
        return 20 * Math.log10(Math.sqrt(e / (to - from)) * Math.sqrt(2) / amp);
    }

    /** Least-squares coefficients (sin, cos, constant) of a sine at {@code freq} over {@code y[from, to)}. */
    private static double[] fitSine(float[] y, int rate, double freq, int from, int to) {
        double[][] m = new double[3][3];
        double[] v = new double[3];
        for (int i = from; i < to; i++) {
            double w = 2 * Math.PI * freq * i / rate;
            double[] b = {Math.sin(w), Math.cos(w), 1};
            for (int r = 0; r < 3; r++) {
                v[r] += y[i] * b[r];
                for (int c = 0; c < 3; c++) m[r][c] += b[r] * b[c];
            }
        }
        double[] x = solve3(m, v);
        return x;
    }

    private static double[] solve3(double[][] a, double[] b) {
        double[][] m = {a[0].clone(), a[1].clone(), a[2].clone()};
        double[] v = b.clone();
        for (int p = 0; p < 3; p++) {
            int best = p;
            for (int r = p + 1; r < 3; r++) if (Math.abs(m[r][p]) > Math.abs(m[best][p])) best = r;
            double[] t = m[p]; m[p] = m[best]; m[best] = t;
            double tv = v[p]; v[p] = v[best]; v[best] = tv;
            for (int r = p + 1; r < 3; r++) {
                double f = m[r][p] / m[p][p];
                for (int c = p; c < 3; c++) m[r][c] -= f * m[p][c];
                v[r] -= f * v[p];
            }
        }
        double[] x = new double[3];
        for (int r = 2; r >= 0; r--) {
            double s = v[r];
            for (int c = r + 1; c < 3; c++) s -= m[r][c] * x[c];
            x[r] = s / m[r][r];
        }
        return x;
    }
}

package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;

import java.util.Random;

/**
 * A seeded, music-like stereo test clip: a chord pad (slightly different per channel), decorrelated soft noise,
 * and a drum pattern (pitched kick, noise snare, short hats) that gives real crest factor and inter-sample peaks.
 */
final class MusicLike {
    private MusicLike() {}

    static AudioBuffer drums(int sampleRate, double seconds, long seed) {
        int n = (int) Math.round(seconds * sampleRate);
        float[][] x = new float[2][n];
        Random rnd = new Random(seed);
        double[] chord = {220.0, 277.18, 329.63, 440.0};
        for (int i = 0; i < n; i++) {
            double t = i / (double) sampleRate;
            for (int c = 0; c < 2; c++) {
                double pad = 0;
                for (int k = 0; k < chord.length; k++) pad += Math.sin(2 * Math.PI * chord[k] * (1 + 0.001 * c) * t + k);
                x[c][i] = (float) (0.1 * pad + 0.02 * rnd.nextGaussian());
            }
        }
        double beat = 0.5;
        for (int b = 0; b * beat < seconds; b++) {
            int start = (int) Math.round(b * beat * sampleRate);
            boolean snare = b % 2 == 1;
            double phase = 0;
            for (int i = start; i < Math.min(n, start + sampleRate / 2); i++) {
                double t = (i - start) / (double) sampleRate;
                double v;
                if (snare) {
                    v = 0.3 * Math.exp(-t / 0.06) * rnd.nextGaussian() + 0.15 * Math.exp(-t / 0.05) * Math.sin(2 * Math.PI * 190 * t);
                } else {
                    double f = 50 + 100 * Math.exp(-t / 0.03);
                    phase += 2 * Math.PI * f / sampleRate;
                    v = 0.4 * Math.exp(-t / 0.12) * Math.sin(phase);
                }
                // hat on every half beat: a short burst of differentiated noise (bright)
                double hat = t < 0.02 ? 0.1 * Math.exp(-t / 0.005) * (rnd.nextGaussian() - rnd.nextGaussian()) : 0;
                x[0][i] += (float) (v + hat);
                x[1][i] += (float) (v + 0.8 * hat);
            }
        }
        return new AudioBuffer(x, sampleRate);
    }

    /** {@code audio} scaled to {@code lufs} integrated loudness. */
    static AudioBuffer normalise(AudioBuffer audio, double lufs) {
        double g = Math.pow(10.0, (lufs - LoudnessMeter.integratedLufs(audio)) / 20.0);
        float[][] y = new float[audio.channels()][audio.frames()];
        for (int c = 0; c < y.length; c++) for (int i = 0; i < y[c].length; i++) y[c][i] = (float) (audio.samples()[c][i] * g);
        return new AudioBuffer(y, audio.sampleRate());
    }
}

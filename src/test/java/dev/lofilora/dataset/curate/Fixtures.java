package dev.lofilora.dataset.curate;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.audio.loudness.TruePeakLimiter;
import dev.lofilora.common.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Music-like test audio and sources.json files for the process tests. */
public final class Fixtures {
    private Fixtures() {}

    /**
     * A seeded stereo clip that passes every quality check: different chord voicings left and right (so it is not
     * mono-in-stereo), a shared kick and snare (peaks), and independent white noise at about −40 dBFS so the
     * spectrum reaches the Nyquist frequency (the bandwidth check). Integrated loudness about −19 LUFS.
     */
    public static AudioBuffer music(int rate, double seconds, long seed) {
        int n = (int) Math.round(seconds * rate);
        float[][] x = new float[2][n];
        Random rnd = new Random(seed);
        double[][] chords = {{220.0, 329.63, 554.37}, {277.18, 440.0, 659.26}};
        double detune = 1 + (seed % 7) * 0.003;
        for (int i = 0; i < n; i++) {
            double t = i / (double) rate;
            for (int c = 0; c < 2; c++) {
                double pad = 0;
                for (int k = 0; k < 3; k++) pad += Math.sin(2 * Math.PI * chords[c][k] * detune * t + k + c);
                x[c][i] = (float) (0.08 * pad * (0.8 + 0.2 * Math.sin(2 * Math.PI * 0.5 * t)) + 0.01 * rnd.nextGaussian());
            }
        }
        double beat = 0.5;
        for (int b = 0; b * beat < seconds; b++) {
            int start = (int) Math.round(b * beat * rate);
            double phase = 0;
            for (int i = start; i < Math.min(n, start + rate / 3); i++) {
                double t = (i - start) / (double) rate;
                double v;
                if (b % 2 == 1) {
                    v = 0.2 * Math.exp(-t / 0.05) * rnd.nextGaussian();
                } else {
                    phase += 2 * Math.PI * (50 + 90 * Math.exp(-t / 0.03)) / rate;
                    v = 0.35 * Math.exp(-t / 0.1) * Math.sin(phase);
                }
                x[0][i] += (float) v;
                x[1][i] += (float) v;
            }
        }
        return new AudioBuffer(x, rate);
    }

    /**
     * A dense, stationary, limited master: a tone (220 Hz with two harmonics) under pink noise, pushed about 8 dB
     * into {@link TruePeakLimiter} at a −1 dBTP ceiling, so nearly every block sits close to the peak and the
     * loudness range is a fraction of an LU: the worst case for the true-peak search (nothing to prune), as heavily
     * compressed masters are. Left and right share half their noise (correlation about 0.5). Integrated loudness
     * about −9 LUFS; it passes every quality check.
     */
    public static AudioBuffer dense(int rate, double seconds, long seed) {
        int n = (int) Math.round(seconds * rate);
        float[][] x = new float[2][n];
        Random rnd = new Random(seed);
        double[][] pink = new double[3][7]; // Paul Kellet's pink filter states: shared, left, right
        for (int i = 0; i < n; i++) {
            double shared = pink(pink[0], rnd.nextGaussian());
            double t = i / (double) rate;
            double tone = 0.5 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 440 * t + 1)
                    + 0.1 * Math.sin(2 * Math.PI * 660 * t + 2);
            for (int c = 0; c < 2; c++) {
                double own = pink(pink[1 + c], rnd.nextGaussian());
                x[c][i] = (float) (0.6 * tone + 0.25 * (shared + own));
            }
        }
        return new TruePeakLimiter(-1.0).apply(new AudioBuffer(x, rate));
    }

    /** One step of Paul Kellet's refined pink-noise filter (±0.05 dB from 9 Hz up at 44.1 kHz); unit-ish level. */
    private static double pink(double[] b, double white) {
        b[0] = 0.99886 * b[0] + white * 0.0555179;
        b[1] = 0.99332 * b[1] + white * 0.0750759;
        b[2] = 0.96900 * b[2] + white * 0.1538520;
        b[3] = 0.86650 * b[3] + white * 0.3104856;
        b[4] = 0.55000 * b[4] + white * 0.5329522;
        b[5] = -0.7616 * b[5] - white * 0.0168980;
        double out = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + white * 0.5362;
        b[6] = white * 0.115926;
        return out * 0.2;
    }

    /** Digital silence. */
    public static AudioBuffer silence(int rate, double seconds) {
        return new AudioBuffer(new float[2][(int) Math.round(seconds * rate)], rate);
    }

    public static Path write(Path file, AudioBuffer audio, AudioEncoder.Format format) throws IOException {
        AudioEncoder.write(file, audio, format);
        return file;
    }

    /** A sources.json entry with every required field; {@code category} "main", licence CC0-1.0. */
    public static Map<String, Object> entry(String file) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("title", "Title of " + file);
        m.put("artist", "Test Artist");
        m.put("source_url", "https://example.org/" + file);
        m.put("license", "CC0-1.0");
        m.put("license_evidence", "https://example.org/license");
        m.put("tier", "gold");
        m.put("category", "main");
        return m;
    }

    /** Writes {@code {"version": 1, "tracks": entries}}. */
    public static Path sources(Path file, List<Map<String, Object>> entries) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        root.put("tracks", new ArrayList<>(entries));
        Files.createDirectories(file.getParent());
        Json.write(file, root);
        return file;
    }
}

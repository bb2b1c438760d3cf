package dev.lofilora.dataset.curate;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.AudioEncoder;
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

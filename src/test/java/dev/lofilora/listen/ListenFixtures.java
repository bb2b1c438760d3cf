package dev.lofilora.listen;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.audio.loudness.LoudnessMeter;
import dev.lofilora.audio.synth.LofiSynth;
import dev.lofilora.audio.synth.SynthStyle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Test folders of synthesised clips (two "systems"), written as 24-bit WAV. */
final class ListenFixtures {
    static final double SECONDS = 1.5;
    /** Rendered clips by (seed, index): every test renders the same few clips, so render each once per JVM. */
    private static final Map<String, AudioBuffer> RENDERED = new ConcurrentHashMap<>();

    private ListenFixtures() {}

    /** {@code n} clips clip_00 … in {@code dir}, rendered with seeds from {@code seed}, scaled by {@code gainDb}. */
    static Path clips(Path dir, int n, long seed, double gainDb) throws IOException {
        return clips(dir, n, seed, gainDb, SECONDS);
    }

    static Path clips(Path dir, int n, long seed, double gainDb, double seconds) throws IOException {
        Files.createDirectories(dir);
        LofiSynth synth = new LofiSynth();
        for (int i = 0; i < n; i++) {
            int k = i;
            AudioBuffer a = RENDERED.computeIfAbsent(seed + "/" + i + "/" + seconds, key -> synth.render(SynthStyle.LOFI_HIP_HOP,
                    (int) ((seed + k) % 12), k % 2 == 0 ? "minor" : "major", 70 + 3 * k, seed * 1000 + k, seconds).audio());
            WavFile.write(dir.resolve(String.format("clip_%02d.wav", i)), scaled(a, gainDb), 24);
        }
        return dir;
    }

    /** {@code n} clips each scaled to exactly {@code lufs} (as lofi process leaves them). */
    static Path normalised(Path dir, int n, long seed, double lufs) throws IOException {
        return normalised(dir, n, seed, lufs, SECONDS);
    }

    static Path normalised(Path dir, int n, long seed, double lufs, double seconds) throws IOException {
        clips(dir, n, seed, 0, seconds);
        for (int i = 0; i < n; i++) {
            Path f = dir.resolve(String.format("clip_%02d.wav", i));
            AudioBuffer a = WavFile.read(f);
            WavFile.write(f, scaled(a, lufs - LoudnessMeter.integratedLufs(a)), 24);
        }
        return dir;
    }

    static AudioBuffer scaled(AudioBuffer a, double gainDb) {
        float g = (float) Math.pow(10, gainDb / 20);
        float[][] s = new float[a.channels()][];
        for (int c = 0; c < a.channels(); c++) {
            s[c] = a.samples()[c].clone();
            for (int i = 0; i < s[c].length; i++) s[c][i] *= g;
        }
        return new AudioBuffer(s, a.sampleRate());
    }
}

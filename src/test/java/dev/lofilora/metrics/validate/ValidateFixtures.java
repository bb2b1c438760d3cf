package dev.lofilora.metrics.validate;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.audio.synth.LofiSynth;
import dev.lofilora.audio.synth.SynthStyle;
import dev.lofilora.common.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixtures in the layouts lofi validate reads: a validation split as lofi dataset writes it (wav + _prompt.txt +
 * manifest.json with styles) and folders of "generated" clips per checkpoint, all synthesised by the project's lofi
 * synthesiser (different seeds and tempos stand in for checkpoints of different quality).
 */
final class ValidateFixtures {
    static final String[] STYLES = {"chillhop", "jazzhop"};

    private ValidateFixtures() {}

    static AudioBuffer clip(long seed, double bpm, double seconds) {
        return new LofiSynth().render(SynthStyle.LOFI_HIP_HOP, (int) (seed % 12), seed % 2 == 0 ? "minor" : "major",
                bpm, seed, seconds).audio();
    }

    static String prompt(int i) {
        return STYLES[i % 2] + ", lofi, mellow, rhodes, vinyl crackle, " + (70 + 5 * i) + " bpm";
    }

    /** {@code n} reference tracks of {@code seconds} with prompts and a manifest giving their styles. */
    static Path reference(Path dir, int n, double seconds) throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> tracks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = "track_" + i;
            WavFile.write(dir.resolve(key + ".wav"), clip(100 + i, 70 + 5 * i, seconds), 16);
            Files.writeString(dir.resolve(key + "_prompt.txt"), prompt(i));
            Files.writeString(dir.resolve(key + "_lyrics.txt"), "[instrumental]");
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("key", key);
            t.put("split", "validation");
            t.put("style", STYLES[i % 2]);
            tracks.add(t);
        }
        Json.write(dir.resolve("manifest.json"), Map.of("tracks", tracks));
        return dir;
    }

    /** Generated clips paired by {@code <id>_prompt.txt}. */
    static Path generatedWithPromptFiles(Path dir, int n, long seed, double seconds) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            WavFile.write(dir.resolve("clip_" + i + ".wav"), clip(seed + i, 80 + 3 * i, seconds), 16);
            Files.writeString(dir.resolve("clip_" + i + "_prompt.txt"), prompt(i));
        }
        return dir;
    }

    /** Generated clips listed in a prompts.json (with styles), in the given id order. */
    static Path generatedWithPromptsJson(Path dir, int n, long seed, double seconds, boolean reversed) throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> clips = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WavFile.write(dir.resolve("gen_" + i + ".wav"), clip(seed + i, 75 + 4 * i, seconds), 16);
            clips.add(Map.of("id", "gen_" + i, "prompt", prompt(i), "style", STYLES[i % 2]));
        }
        if (reversed) java.util.Collections.reverse(clips);
        Json.write(dir.resolve(ClipFolders.PROMPTS_JSON), Map.of("clips", clips));
        return dir;
    }
}

package dev.lofilora.dataset.prompts;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.analysis.TempoKey;
import dev.lofilora.audio.analysis.TempoKeyAnalyzer;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.audio.synth.LofiSynth;
import dev.lofilora.audio.synth.SynthClip;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.dataset.layout.DatasetFixtures;
import dev.lofilora.dataset.presets.PresetSynth;
import dev.lofilora.dataset.presets.StylePreset;
import dev.lofilora.dataset.presets.StylePresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Prompts state only what the analyser is sure of, and never a tempo that contradicts the style's own tempo word.
 * The thresholds ({@link PromptFormat#MIN_BPM_CONFIDENCE}, {@link PromptFormat#MIN_KEY_CONFIDENCE}) must drop the
 * readings of audio that has no beat or no key, and keep most right readings of lofi.
 */
class PromptConfidenceTest {
    private static final StylePresets PRESETS = StylePresets.load(ConfigFiles.defaults());
    @TempDir Path tmp;

    private static AudioBuffer drumsOnly() {
        int sr = 44100, n = sr * 12;
        Random r = new Random(1);
        float[][] x = new float[2][n];
        for (int b = 0; b * 0.75 < 12; b++) {
            int s = (int) (b * 0.75 * sr);
            for (int i = s; i < Math.min(n, s + sr / 8); i++) {
                float v = (float) (0.4 * Math.exp(-(i - s) / (0.03 * sr)) * r.nextGaussian());
                x[0][i] += v;
                x[1][i] += v;
            }
        }
        return new AudioBuffer(x, sr);
    }

    private static AudioBuffer sustainedChord() {
        int sr = 44100, n = sr * 12;
        float[][] x = new float[2][n];
        for (int i = 0; i < n; i++) {
            double t = i / (double) sr;
            x[0][i] = x[1][i] = (float) (0.1 * (Math.sin(2 * Math.PI * 220 * t) + Math.sin(2 * Math.PI * 277.18 * t)
                    + Math.sin(2 * Math.PI * 329.63 * t)));
        }
        return new AudioBuffer(x, 44100);
    }

    @Test
    void readingsOfAudioWithoutABeatOrAKeyFallBelowTheThresholds() {
        TempoKeyAnalyzer an = new TempoKeyAnalyzer();
        TempoKey drums = an.analyze(drumsOnly());
        assertTrue(drums.bpmConfidence() >= PromptFormat.MIN_BPM_CONFIDENCE, "a steady beat is a sure tempo: " + drums);
        assertTrue(drums.keyConfidence() < PromptFormat.MIN_KEY_CONFIDENCE, "unpitched drums have no key: " + drums);
        TempoKey chord = an.analyze(sustainedChord());
        assertTrue(chord.bpmConfidence() < PromptFormat.MIN_BPM_CONFIDENCE, "a held chord has no tempo: " + chord);
        assertTrue(chord.keyConfidence() >= PromptFormat.MIN_KEY_CONFIDENCE, "A major is clear: " + chord);
    }

    @Test
    void mostRightReadingsOfLofiAreKept() {
        List<StylePreset> presets = PRESETS.all();
        LofiSynth synth = new LofiSynth();
        TempoKeyAnalyzer an = new TempoKeyAnalyzer();
        int rightTempo = 0, keptTempo = 0, rightKey = 0, keptKey = 0;
        for (int i = 0; i < 24; i++) {
            StylePreset p = presets.get(i % presets.size());
            SynthClip c = PresetSynth.render(synth, p, 1000 + i, 8);
            TempoKey e = an.analyze(c.audio());
            if (Math.abs(PromptFormat.foldIntoRange(p, e.bpm()) / c.truth().bpm() - 1) < 0.04) {
                rightTempo++;
                if (e.bpmConfidence() >= PromptFormat.MIN_BPM_CONFIDENCE) keptTempo++;
            }
            if (e.tonic() == c.truth().tonic() && e.mode().equals(c.truth().mode())) {
                rightKey++;
                if (e.keyConfidence() >= PromptFormat.MIN_KEY_CONFIDENCE) keptKey++;
            }
        }
        System.out.printf(Locale.ROOT, "kept %d of %d right tempi and %d of %d right keys%n", keptTempo, rightTempo,
                keptKey, rightKey);
        assertTrue(keptTempo >= rightTempo - 3 && rightTempo >= 20, keptTempo + "/" + rightTempo);
        assertTrue(keptKey >= rightKey - 3 && rightKey >= 16, keptKey + "/" + rightKey);
    }

    @Test
    void aTempoThatContradictsTheStylesWordIsLeftOutAndSaidSo() throws Exception {
        StylePreset sad = PRESETS.require("sad_lofi"); // tags say "slow", 65-80 BPM
        assertEquals("slow", PromptFormat.presetTempoWord(sad));
        assertFalse(PromptFormat.join(PromptFormat.tags(sad, 113.0, null, false)).contains("113 bpm"));
        assertTrue(PromptFormat.join(PromptFormat.tags(sad, 78.0, null, false)).endsWith("slow, instrumental, 78 bpm")
                || PromptFormat.tags(sad, 78.0, null, false).contains("78 bpm"));

        // a track labelled with the slow style but played at 113 BPM
        SynthClip clip = new LofiSynth().render(PRESETS.require("chillhop").synth(), 2, "major", 113, 7, 10);
        Path wav = tmp.resolve("processed/lofi/fast.wav");
        Files.createDirectories(wav.getParent());
        WavFile.write(wav, clip.audio(), 24);
        DatasetFixtures.writeSources(tmp.resolve("metadata"), List.of(DatasetFixtures.entry("fast", "lofi", "sad_lofi", "A",
                "CC0-1.0")));
        PromptsResult r = new PromptsJob(PromptsConfig.of(tmp.resolve("processed"), tmp.resolve("metadata")).withThreads(1),
                PRESETS, ProgressListener.NONE).run();
        String prompt = Files.readString(wav.resolveSibling("fast_prompt.txt"));
        assertTrue(prompt.contains("slow"), prompt);
        assertFalse(prompt.matches(".*\\b1[01]\\d bpm.*"), "no 'slow, 113 bpm': " + prompt);
        assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("fast: tempo 11") && w.contains("contradicts the style's \"slow\"")),
                r.warnings().toString());
    }
}

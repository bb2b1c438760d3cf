package dev.lofilora.dataset.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.audio.analysis.TempoKey;
import dev.lofilora.audio.analysis.TempoKeyAnalyzer;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.audio.synth.LofiSynth;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.dataset.layout.DatasetFixtures;
import dev.lofilora.dataset.presets.PresetSynth;
import dev.lofilora.dataset.presets.StylePreset;
import dev.lofilora.dataset.presets.StylePresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class PromptsJobTest {
    private static final StylePresets PRESETS = StylePresets.load(ConfigFiles.defaults());

    @TempDir Path tmp;

    private Path processed() { return tmp.resolve("processed"); }
    private Path metadata() { return tmp.resolve("metadata"); }

    /** Renders {@code presetId} for 8 s into processed/lofi/<name>.wav. */
    private Path synth(String name, String presetId, long seed) throws Exception {
        var clip = PresetSynth.render(new LofiSynth(), PRESETS.require(presetId), seed, 8);
        Path wav = processed().resolve("lofi").resolve(name + ".wav");
        Files.createDirectories(wav.getParent());
        WavFile.write(wav, clip.audio(), 24);
        return wav;
    }

    /** Three synthesised tracks: two with a style (one with lyrics), one left for the analysis to place. */
    private void threeTracks() throws Exception {
        synth("dusty", "lofi_hip_hop", 1);
        synth("sunny", "chillhop", 2);
        synth("mystery", "lofi_house", 3);
        List<Map<String, Object>> entries = new ArrayList<>();
        entries.add(DatasetFixtures.entry("dusty", "lofi", "lofi_hip_hop", "A", "CC0-1.0"));
        Map<String, Object> sunny = DatasetFixtures.entry("sunny", "lofi", "chillhop", "B", "CC0-1.0");
        sunny.put("lyrics", "\n[verse]\nsunny days, slow ways\n\n");
        entries.add(sunny);
        entries.add(DatasetFixtures.entry("mystery", "lofi", null, "C", "CC0-1.0"));
        DatasetFixtures.writeSources(metadata(), entries);
    }

    private PromptsResult run(PromptsConfig c) throws Exception {
        return new PromptsJob(c, PRESETS, ProgressListener.NONE).run();
    }

    private PromptsConfig config() { return PromptsConfig.of(processed(), metadata()).withThreads(2); }

    private static TempoKey analyse(Path wav) throws Exception {
        return new TempoKeyAnalyzer().analyze(WavFile.read(wav));
    }

    @Test
    void writesPromptLyricsStyleMappingAndVariants() throws Exception {
        threeTracks();
        PromptsResult r = run(config());
        assertEquals(3, r.tracks());
        assertEquals(2, r.fromSources());
        assertEquals(List.of("mystery"), r.guessedTracks());
        Path lofi = processed().resolve("lofi");

        // a style from sources.json + its analysed tempo (folded into the preset's range) and key
        TempoKey dusty = analyse(lofi.resolve("dusty.wav"));
        StylePreset hiphop = PRESETS.require("lofi_hip_hop");
        double bpm = PromptFormat.foldIntoRange(hiphop, dusty.bpm());
        String prompt = Files.readString(lofi.resolve("dusty_prompt.txt"));
        assertTrue(prompt.startsWith("lofi hip hop, lofi, hip hop, chill, mellow, rhodes, vinyl crackle, jazzy chords, instrumental, "), prompt);
        String tail = (dusty.bpmConfidence() >= PromptFormat.MIN_BPM_CONFIDENCE ? ", " + Math.round(bpm) + " bpm" : "")
                + (dusty.keyConfidence() >= PromptFormat.MIN_KEY_CONFIDENCE ? ", " + dusty.keyName().toLowerCase() : "");
        assertTrue(prompt.endsWith("instrumental" + (tail.contains("bpm") ? ", " + PromptFormat.tempoWord(Math.round(bpm)) : "")
                + tail), prompt);
        assertFalse(prompt.endsWith("\n"));
        assertEquals("[instrumental]", Files.readString(lofi.resolve("dusty_lyrics.txt")));

        // lyrics from sources.json, stripped; no "instrumental" tag
        assertEquals("[verse]\nsunny days, slow ways", Files.readString(lofi.resolve("sunny_lyrics.txt")));
        assertFalse(List.of(Files.readString(lofi.resolve("sunny_prompt.txt")).split(", ")).contains("instrumental"));

        JsonNode mapping = Json.readTree(metadata().resolve("style_mapping.json")).path("tracks");
        assertEquals("lofi_hip_hop", mapping.path("dusty").path("style").asText());
        assertEquals("sources.json", mapping.path("dusty").path("source").asText());
        assertEquals(1.0, mapping.path("dusty").path("confidence").asDouble());
        assertFalse(mapping.path("dusty").path("low_confidence").asBoolean());
        assertEquals(Math.round(bpm * 10) / 10.0, mapping.path("dusty").path("bpm").asDouble(), 1e-9);
        assertEquals(dusty.keyName(), mapping.path("dusty").path("key").asText());

        // no style: the nearest preset to the analysis, flagged as a guess
        TempoKey mystery = analyse(lofi.resolve("mystery.wav"));
        StylePresets.Match match = PRESETS.nearest(mystery);
        JsonNode guess = mapping.path("mystery");
        assertEquals(match.preset().id(), guess.path("style").asText());
        assertEquals("analysis", guess.path("source").asText());
        assertTrue(guess.path("low_confidence").asBoolean());
        assertEquals(match.score(), guess.path("confidence").asDouble(), 1e-12);
        assertEquals(mystery.keyConfidence(), guess.path("key_confidence").asDouble(), 1e-12);
        assertTrue(Files.readString(lofi.resolve("mystery_prompt.txt")).startsWith(match.preset().tags().get(0) + ", "));

        JsonNode variants = Json.readTree(metadata().resolve("prompt_variants.json"));
        assertEquals(42, variants.path("seed").asLong());
        JsonNode dv = variants.path("tracks").path("dusty");
        assertEquals(prompt, dv.path("prompt").asText());
        assertEquals(4, dv.path("variants").size());
        List<String> promptTags = List.of(prompt.split(", "));
        for (JsonNode v : dv.path("variants")) {
            assertNotEquals(prompt, v.asText());
            assertTrue(promptTags.containsAll(List.of(v.asText().split(", "))), v.asText());
        }
    }

    @Test
    void sameSeedSameFilesDifferentSeedOnlyVariantsChange() throws Exception {
        threeTracks();
        run(config());
        Map<String, String> first = snapshot();
        run(config());
        assertEquals(first, snapshot());
        run(config().withSeed(7));
        Map<String, String> third = snapshot();
        for (String f : first.keySet()) {
            if (f.equals("prompt_variants.json")) assertNotEquals(first.get(f), third.get(f));
            else assertEquals(first.get(f), third.get(f), f);
        }
    }

    @Test
    void threeHundredTinyTracksWithoutAnalysisNeedNoDecoding() throws Exception {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String name = String.format("t%03d", i);
            // sparse 3-minute WAVs: 15 h in all, never read when analysis is off
            DatasetFixtures.sparseWav(processed().resolve("c" + (i % 3)).resolve(name + ".wav"), 180);
            entries.add(DatasetFixtures.entry(name, "c" + (i % 3), i % 2 == 0 ? "sleep_lofi" : "jazzhop", "a", "CC0-1.0"));
        }
        DatasetFixtures.writeSources(metadata(), entries);
        PromptsResult r = run(config().withAnalyse(false).withVariants(2));
        assertEquals(300, r.tracks());
        assertEquals(Map.of("sleep_lofi", 150, "jazzhop", 150), r.styles());
        String expected = PromptFormat.join(PRESETS.require("jazzhop").tags());
        assertEquals(expected, Files.readString(processed().resolve("c1/t001_prompt.txt")));
        assertFalse(expected.contains("bpm"));
    }

    // ---- bad input: one LofiException listing the problems, and nothing written ----

    @Test
    void unknownStyleIdsAreListedAndNothingIsWritten() throws Exception {
        threeTracks();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (JsonNode n : Json.readTree(metadata().resolve("sources.json")).get("tracks")) {
            entries.add(Json.MAPPER.convertValue(n, LinkedHashMap.class));
        }
        entries.get(0).put("style", "lofi_hiphop");
        entries.get(1).put("style", "vaporwav");
        DatasetFixtures.writeSources(metadata(), entries);
        LofiException e = assertThrows(LofiException.class, () -> run(config()));
        assertTrue(e.getMessage().contains("track \"dusty\": unknown style \"lofi_hiphop\""), e.getMessage());
        assertTrue(e.getMessage().contains("track \"sunny\": unknown style \"vaporwav\""), e.getMessage());
        assertNothingWritten();
    }

    @Test
    void aTrackTooShortToAnalyseWithoutAStyleIsReported() throws Exception {
        threeTracks();
        DatasetFixtures.tone(processed().resolve("lofi/blip.wav"), 1.0, 440);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (JsonNode n : Json.readTree(metadata().resolve("sources.json")).get("tracks")) {
            entries.add(Json.MAPPER.convertValue(n, LinkedHashMap.class));
        }
        entries.add(DatasetFixtures.entry("blip", "lofi", null, "D", "CC0-1.0"));
        DatasetFixtures.writeSources(metadata(), entries);
        LofiException e = assertThrows(LofiException.class, () -> run(config()));
        assertTrue(e.getMessage().contains("blip.wav: is too short (1.0 s) to analyse"), e.getMessage());
        assertNothingWritten();
    }

    @Test
    void unlistedTracksEscapingPathsAndEmptyFoldersAreRejected() throws Exception {
        threeTracks();
        synth("stray", "chillhop", 9);
        LofiException e = assertThrows(LofiException.class, () -> run(config()));
        assertTrue(e.getMessage().contains("stray.wav: has no entry in"), e.getMessage());

        Files.delete(processed().resolve("lofi/stray.wav"));
        // A processed track whose only entry escapes the raw folder has no usable entry: the message says why.
        var outside = DatasetFixtures.entry("dusty", "lofi", null, "a", "CC0-1.0");
        outside.put("file", "../outside.mp3");
        DatasetFixtures.writeSources(metadata(), List.of(outside));
        e = assertThrows(LofiException.class, () -> run(config()));
        assertTrue(e.getMessage().contains("dusty.wav: has no entry in"), e.getMessage());
        assertTrue(e.getMessage().contains("'../outside.mp3' points outside the raw folder"), e.getMessage());

        DatasetFixtures.writeSources(metadata(), List.of());
        Path empty = Files.createDirectories(tmp.resolve("empty/lofi"));
        e = assertThrows(LofiException.class, () -> run(PromptsConfig.of(empty.getParent(), metadata())));
        assertTrue(e.getMessage().contains("holds no audio files"), e.getMessage());
        assertNothingWritten();
    }

    @Test
    void anEscapingEntryThatNoTrackNeedsIsOnlyAWarningAsInProcess() throws Exception {
        threeTracks();
        List<Map<String, Object>> entries = new ArrayList<>();
        entries.add(DatasetFixtures.entry("dusty", "lofi", "lofi_hip_hop", "A", "CC0-1.0"));
        entries.add(DatasetFixtures.entry("sunny", "lofi", "chillhop", "B", "CC0-1.0"));
        entries.add(DatasetFixtures.entry("mystery", "lofi", null, "C", "CC0-1.0"));
        var outside = DatasetFixtures.entry("elsewhere", "lofi", null, "D", "CC0-1.0");
        outside.put("file", "/abs/elsewhere.mp3");
        entries.add(outside);
        var up = DatasetFixtures.entry("upstairs", "lofi", null, "E", "CC0-1.0");
        up.put("file", "../upstairs.mp3");
        entries.add(up);
        DatasetFixtures.writeSources(metadata(), entries);
        PromptsResult r = run(config().withAnalyse(false));
        assertEquals(3, r.tracks());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("'/abs/elsewhere.mp3' is an absolute path")), r.warnings().toString());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("'../upstairs.mp3' points outside")), r.warnings().toString());
    }

    private void assertNothingWritten() throws Exception {
        assertFalse(Files.exists(metadata().resolve("style_mapping.json")));
        assertFalse(Files.exists(metadata().resolve("prompt_variants.json")));
        try (Stream<Path> s = Files.walk(processed())) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".txt")));
        }
    }

    private Map<String, String> snapshot() throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        try (Stream<Path> s = Stream.concat(Files.walk(processed()), Files.list(metadata()))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".txt") || p.toString().endsWith(".json")).sorted().toList()) {
                if (p.getFileName().toString().equals("sources.json")) continue;
                m.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return m;
    }
}

package dev.lofilora.dataset.presets;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.analysis.TempoKey;
import dev.lofilora.audio.synth.LofiSynth;
import dev.lofilora.audio.synth.SynthClip;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class StylePresetsTest {
    private static final StylePresets PRESETS = StylePresets.load(ConfigFiles.defaults());

    @Test
    void shipsExactly38PresetsWithUniqueIds() {
        assertEquals(38, PRESETS.size());
        Set<String> ids = new HashSet<>();
        for (StylePreset p : PRESETS.all()) assertTrue(ids.add(p.id()), "duplicate " + p.id());
        for (String id : List.of("lofi_hip_hop", "chillhop", "jazzhop", "lofi_house", "ambient_lofi", "sad_lofi",
                "rainy_night_lofi", "study_beats", "bossa_lofi", "city_pop_lofi", "synthwave_lofi", "piano_lofi",
                "guitar_lofi", "vaporwave", "dreamy_lofi")) {
            assertTrue(PRESETS.byId(id).isPresent(), id);
        }
    }

    @Test
    void everyTagAndInstrumentIsInTheVocabulary() {
        TagVocabulary v = PRESETS.vocabulary();
        for (StylePreset p : PRESETS.all()) {
            for (String t : p.tags()) assertTrue(v.contains(t), p.id() + ": " + t);
            for (String t : p.instrumentation()) assertTrue(v.contains(t), p.id() + " instrumentation: " + t);
        }
        assertEquals("genre", v.groupOf("lofi hip hop").orElseThrow());
        assertEquals("texture", v.groupOf("vinyl crackle").orElseThrow());
    }

    @Test
    void tempoRangesAreSaneAndEveryPresetHasASynthMode() {
        for (StylePreset p : PRESETS.all()) {
            assertTrue(p.tempoMin() >= 50 && p.tempoMax() <= 180 && p.tempoMin() < p.tempoMax(), p.id());
            assertFalse(p.synthModes().isEmpty(), p.id());
            assertFalse(p.keys().isEmpty(), p.id());
            assertEquals(p.id(), PresetSynth.forPreset(p).name());
        }
    }

    @Test
    void presetsAreMusicallyDistinct() {
        // No two presets share the same tag set, or the same synth parameters.
        Set<Set<String>> tagSets = new HashSet<>();
        Set<Object> synths = new HashSet<>();
        for (StylePreset p : PRESETS.all()) {
            assertTrue(tagSets.add(Set.copyOf(p.tags())), p.id() + " repeats another preset's tags");
            var s = p.synth();
            assertTrue(synths.add(List.of(s.keys(), s.piano(), s.pad(), s.guitar(), s.arp(), s.chip(), s.bass(),
                    s.drums(), s.drumPattern(), s.swing(), s.crackle(), s.rain(), s.wowCents(), s.lowpassHz(),
                    s.chordTones(), s.beatsPerChord())), p.id() + " repeats another preset's synth parameters");
        }
    }

    @Test
    void everyPresetRendersANonSilentNonClippingStereoClip() {
        LofiSynth synth = new LofiSynth(24_000);
        for (StylePreset p : PRESETS.all()) {
            SynthClip clip = PresetSynth.render(synth, p, 11, 3);
            AudioBuffer a = clip.audio();
            assertEquals(2, a.channels(), p.id());
            double peak = 0, energy = 0;
            for (float[] ch : a.samples()) for (float v : ch) { peak = Math.max(peak, Math.abs(v)); energy += v * v; }
            double rms = Math.sqrt(energy / (2.0 * a.frames()));
            assertTrue(peak <= 0.71 && peak > 0.7, p.id() + " peak " + peak);
            assertTrue(rms > 0.03, p.id() + " rms " + rms);
            assertTrue(p.tempoContains(clip.truth().bpm()), p.id());
            assertTrue(p.keys().contains(clip.truth().tonic()), p.id());
            assertTrue(p.synthModes().contains(clip.truth().mode()), p.id());
            assertFalse(java.util.Arrays.equals(a.samples()[0], a.samples()[1]), p.id() + " is not really stereo");
        }
    }

    @Test
    void nearestPrefersPresetsWhoseTempoAndModeFit() {
        StylePresets.Match house = PRESETS.nearest(new TempoKey(122, 0.9, 9, "minor", 0.8));
        assertTrue(house.preset().tempoContains(122), house.preset().id());
        assertEquals(1.0, house.score(), 0.1);
        StylePresets.Match sleep = PRESETS.nearest(new TempoKey(58, 0.9, 0, "major", 0.8));
        assertEquals("sleep_lofi", sleep.preset().id());
        StylePresets.Match odd = PRESETS.nearest(new TempoKey(178, 0.9, 11, "major", 0.8));
        assertTrue(odd.score() < house.score());
        List<StylePresets.Match> ranked = PRESETS.ranked(new TempoKey(85, 0.5, 2, "minor", 0.5));
        assertEquals(38, ranked.size());
        for (int i = 1; i < ranked.size(); i++) assertTrue(ranked.get(i - 1).distance() <= ranked.get(i).distance());
    }

    @Test
    void userFolderOverridesDefaultsAndMayHoldAnyNumberOfPresets(@TempDir Path dir) throws IOException {
        String one = firstPresetJson();
        Files.writeString(dir.resolve("style_presets.json"), "{\"presets\": [" + one + "]}");
        StylePresets p = StylePresets.load(ConfigFiles.in(dir));
        assertEquals(1, p.size());
        assertEquals("lofi_hip_hop", p.all().get(0).id());
    }

    @Test
    void duplicateIdIsAnErrorNamingFileAndPreset(@TempDir Path dir) throws IOException {
        String one = firstPresetJson();
        LofiException e = loadBad(dir, "{\"presets\": [" + one + ", " + one + "]}");
        assertTrue(e.getMessage().contains("style_presets.json"), e.getMessage());
        assertTrue(e.getMessage().contains("'lofi_hip_hop'") && e.getMessage().contains("duplicate id"), e.getMessage());
    }

    @Test
    void unknownTagIsAnErrorNamingPresetFieldAndTag(@TempDir Path dir) throws IOException {
        String bad = firstPresetJson().replace("\"mellow\"", "\"polka\"");
        LofiException e = loadBad(dir, "{\"presets\": [" + bad + "]}");
        assertTrue(e.getMessage().contains("preset 'lofi_hip_hop': field 'tags': tag 'polka' is not in tag_vocabulary.json"),
                e.getMessage());
    }

    @Test
    void badTempoRangeIsAnError(@TempDir Path dir) throws IOException {
        String reversed = firstPresetJson().replace("[70, 90]", "[90, 70]");
        assertTrue(loadBad(dir, "{\"presets\": [" + reversed + "]}").getMessage().contains("field 'tempo_range'"));
        String tooFast = firstPresetJson().replace("[70, 90]", "[170, 200]");
        assertTrue(loadBad(dir, "{\"presets\": [" + tooFast + "]}").getMessage().contains("<= 180"));
    }

    @Test
    void missingFieldAndWrongTypeAreErrors(@TempDir Path dir) throws IOException {
        String missing = firstPresetJson().replaceFirst("\"name\": \"Lofi Hip Hop\",", "");
        assertTrue(loadBad(dir, "{\"presets\": [" + missing + "]}").getMessage()
                .contains("preset 'lofi_hip_hop': field 'name' is missing"));
        String wrongType = firstPresetJson().replace("\"swing\": 0.55", "\"swing\": \"lots\"");
        assertTrue(loadBad(dir, "{\"presets\": [" + wrongType + "]}").getMessage()
                .contains("field 'synth': field 'swing' must be a number"));
        String outOfRange = firstPresetJson().replace("\"swing\": 0.55", "\"swing\": 3");
        assertTrue(loadBad(dir, "{\"presets\": [" + outOfRange + "]}").getMessage().contains("swing must be in"));
    }

    @Test
    void vocabularyTagInTwoGroupsIsAnError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tag_vocabulary.json"),
                "{\"groups\": {\"genre\": [\"lofi\", \"jazz\"], \"mood\": [\"chill\", \"jazz\"]}}");
        LofiException e = assertThrows(LofiException.class, () -> StylePresets.load(ConfigFiles.in(dir)));
        assertTrue(e.getMessage().contains("tag_vocabulary.json") && e.getMessage().contains("tag 'jazz' is in both group 'genre' and group 'mood'"),
                e.getMessage());
    }

    @Test
    void nearestPresetOfAnAnalysedClipFitsItsTempoAndMode() {
        var analyzer = new dev.lofilora.audio.analysis.TempoKeyAnalyzer();
        LofiSynth synth = new LofiSynth();
        StylePreset house = PRESETS.require("lofi_house");
        SynthClip clip = PresetSynth.render(synth, house, 21, 12);
        StylePresets.Match m = PRESETS.nearest(analyzer.analyze(clip.audio()));
        assertTrue(m.preset().tempoContains(clip.truth().bpm()), m.preset().id() + " for " + clip.truth());
        assertTrue(m.preset().synthModes().contains(clip.truth().mode()), m.preset().id());
        assertTrue(m.score() > 0.5, "score " + m.score());
    }

    @Test
    void unknownIdIsAnErrorListingTheKnownIds() {
        LofiException e = assertThrows(LofiException.class, () -> PRESETS.require("polka_lofi"));
        assertTrue(e.getMessage().contains("unknown style preset 'polka_lofi'") && e.getMessage().contains("lofi_hip_hop"));
    }

    private static LofiException loadBad(Path dir, String json) throws IOException {
        Files.writeString(dir.resolve("style_presets.json"), json);
        return assertThrows(LofiException.class, () -> StylePresets.load(ConfigFiles.in(dir)));
    }

    /** The first preset object of the shipped file, as text (it is lofi_hip_hop). */
    private static String firstPresetJson() throws IOException {
        try (InputStream in = ConfigFiles.defaults().open("style_presets.json")) {
            var root = dev.lofilora.common.Json.MAPPER.readTree(in);
            return dev.lofilora.common.Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(root.get("presets").get(0)).replace(" : ", ": ")
                    .replaceAll("\\[\\s+", "[").replaceAll("\\s+]", "]").replaceAll(",\\s+(?=[0-9\"])", ", ");
        }
    }
}

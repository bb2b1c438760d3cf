package dev.lofilora.dataset.prompts;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.dataset.presets.StylePreset;
import dev.lofilora.dataset.presets.StylePresets;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class PromptFormatTest {
    private static final StylePresets PRESETS = StylePresets.load(ConfigFiles.defaults());

    private static StylePreset preset(String id) { return PRESETS.require(id); }

    @Test
    void presetTagsThenTempoWordBpmAndKey() {
        assertEquals("lofi hip hop, lofi, hip hop, chill, mellow, rhodes, vinyl crackle, jazzy chords, instrumental, "
                        + "mid-tempo, 84 bpm, a minor",
                PromptFormat.join(PromptFormat.tags(preset("lofi_hip_hop"), 84.4, "A minor", false)));
    }

    @Test
    void aPresetsOwnTempoWordIsKeptAndNotDuplicated() {
        // chillhop's tags say "upbeat"; 90 BPM would be "mid-tempo" by the numbers, the preset's word wins
        List<String> tags = PromptFormat.tags(preset("chillhop"), 90.0, "F# major", false);
        assertTrue(tags.contains("upbeat"));
        assertFalse(tags.contains("mid-tempo"));
        assertEquals(List.of("90 bpm", "f# major"), tags.subList(tags.size() - 2, tags.size()));
    }

    @Test
    void lyricsRemoveInstrumentalAndUnknownTempoOrKeyAddsNothing() {
        List<String> tags = PromptFormat.tags(preset("lofi_hip_hop"), null, null, true);
        assertEquals(List.of("lofi hip hop", "lofi", "hip hop", "chill", "mellow", "rhodes", "vinyl crackle",
                "jazzy chords"), tags);
    }

    @Test
    void tempoWordsFollowTheThresholds() {
        assertEquals("slow", PromptFormat.tempoWord(74.9));
        assertEquals("mid-tempo", PromptFormat.tempoWord(75));
        assertEquals("mid-tempo", PromptFormat.tempoWord(99.9));
        assertEquals("upbeat", PromptFormat.tempoWord(100));
    }

    @Test
    void halfAndDoubleTimeReadingsFoldIntoThePresetsRange() {
        StylePreset p = preset("lofi_hip_hop"); // 70–90 BPM
        assertEquals(84, PromptFormat.foldIntoRange(p, 42), 1e-9);
        assertEquals(85, PromptFormat.foldIntoRange(p, 170), 1e-9);
        assertEquals(80, PromptFormat.foldIntoRange(p, 80), 1e-9);
        assertEquals(120, PromptFormat.foldIntoRange(p, 120), 1e-9); // 60 and 240 are outside too: kept
    }

    @Test
    void variantsAreSeededDistinctSubsetsThatKeepTheMainGenre() {
        List<String> tags = PromptFormat.tags(preset("lofi_hip_hop"), 84.0, "A minor", false); // 12 tags
        List<String> v = PromptVariants.variants(tags, "track_1", 42, 6);
        assertEquals(6, v.size());
        assertEquals(v, PromptVariants.variants(tags, "track_1", 42, 6));
        assertNotEquals(v, PromptVariants.variants(tags, "track_1", 43, 6));
        assertNotEquals(v, PromptVariants.variants(tags, "track_2", 42, 6));
        Set<String> distinct = new HashSet<>(v);
        distinct.add(PromptFormat.join(tags));
        assertEquals(7, distinct.size(), "variants differ from each other and from the prompt");
        for (String variant : v) {
            List<String> vt = List.of(variant.split(", "));
            assertTrue(tags.containsAll(vt), variant);
            assertTrue(vt.contains("lofi hip hop"), variant);
            assertTrue(vt.size() >= 12 - 4, variant); // at most round(0.3 · 12) = 4 dropped
            assertEquals(vt.size(), new HashSet<>(vt).size(), variant);
        }
    }
}

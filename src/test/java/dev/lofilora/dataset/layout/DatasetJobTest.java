package dev.lofilora.dataset.layout;

import dev.lofilora.dataset.curate.ProcessConfig;
import dev.lofilora.dataset.curate.ProcessJob;
import dev.lofilora.dataset.curate.ProcessResult;
import dev.lofilora.dataset.curate.ProcessSettings;
import dev.lofilora.dataset.sources.LicensePolicy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.dataset.hf.AceStepRow;
import dev.lofilora.dataset.hf.HfDatasetReader;
import dev.lofilora.dataset.prompts.StyleAssignment;
import dev.lofilora.dataset.prompts.StyleMappingFile;
import dev.lofilora.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class DatasetJobTest {
    @TempDir Path tmp;

    private Path processed() { return tmp.resolve("processed"); }
    private Path metadata() { return tmp.resolve("metadata"); }
    private Path out() { return tmp.resolve("final"); }
    private Path val() { return tmp.resolve("validation"); }

    private DatasetConfig config() {
        return DatasetConfig.of(processed(), metadata(), out(), val());
    }

    @Test
    void writesTheAceStepLayoutHfRowsAndManifestForEachSide() throws Exception {
        DatasetFixtures.library(processed(), metadata(), new String[] {"lofi_hip_hop", "chillhop", "sleep_lofi"},
                new int[] {20, 10, 2});
        DatasetResult r = new DatasetJob(config().withRepeat(3), ProgressListener.NONE).run();
        var m = r.manifest();
        assertEquals(28, m.train().tracks());
        assertEquals(4, m.validation().tracks());
        assertEquals(Map.of("lofi_hip_hop", 2, "chillhop", 1, "sleep_lofi", 1), counts(m.validation().styles()));
        assertEquals(84, m.train().rows());
        assertEquals(Map.of("CC-BY-4.0", 32), m.licenses());
        // 1-second tones: hours from the WAV headers
        assertEquals(28 / 3600.0, m.train().hours(), 1e-4);
        assertEquals(0, m.train().unknownDuration());

        List<AceStepRow> rows = HfDatasetReader.readAll(out().resolve("hf_dataset"));
        assertEquals(84, rows.size());
        Set<String> trainKeys = new HashSet<>();
        for (AceStepRow row : rows) trainKeys.add(row.keys());
        assertEquals(28, trainKeys.size());
        AceStepRow first = rows.get(0);
        Path audio = out().toAbsolutePath().normalize().resolve(first.keys() + ".wav");
        assertEquals(audio.toString(), first.filename());
        assertTrue(Files.isRegularFile(audio));
        assertEquals(Files.readString(out().resolve(first.keys() + "_prompt.txt")), String.join(", ", first.tags()));
        assertEquals("[instrumental]", first.normLyrics());
        assertArrayEquals(Files.readAllBytes(processed().resolve("lofi").resolve(first.keys() + ".wav")),
                Files.readAllBytes(audio));
        // the validation side holds exactly the validation tracks, one row each
        List<AceStepRow> valRows = HfDatasetReader.readAll(val().resolve("hf_dataset"));
        assertEquals(4, valRows.size());
        for (AceStepRow row : valRows) {
            assertFalse(trainKeys.contains(row.keys()));
            assertTrue(Files.isRegularFile(Path.of(row.filename())));
            assertTrue(row.filename().startsWith(val().toAbsolutePath().normalize().toString()));
        }
        JsonNode manifest = Json.readTree(out().resolve("manifest.json"));
        assertEquals(42, manifest.path("seed").asLong());
        assertEquals(0.1, manifest.path("split").asDouble());
        assertEquals(32, manifest.path("tracks").size());
        assertEquals(manifest, Json.readTree(val().resolve("manifest.json")));
        assertNoStagingLeft();
    }

    /**
     * ACE-Step's sample track through {@code process} and {@code dataset}: the test writes its own sources.json entry
     * and allows the track's Apache-2.0 licence in a test config (lofi_lora_config.json "licenses").
     */
    @Test
    void aceStepReferenceTrackGivesTheConvertersRow() throws Exception {
        Path ref = SharedFiles.require("reference/acestep/data/test_track_001.mp3");
        Path configDir = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(configDir.resolve("lofi_lora_config.json"), "{\"licenses\": {\"allowed\": [\"Apache-2.0\"]}}");
        LicensePolicy policy = ProcessSettings.load(ConfigFiles.in(configDir)).licenses();
        DatasetFixtures.writeSources(metadata(), List.of(
                DatasetFixtures.entry("test_track_001", "rap", null, "ACE-Step", "Apache-2.0")));
        String audioName = processedFromReference(ref, configDir);

        new DatasetJob(config().withLicenses(policy).withRepeat(2), ProgressListener.NONE).run();

        String prompt = Files.readString(ref.resolveSibling("test_track_001_prompt.txt"));
        String lyrics = Files.readString(ref.resolveSibling("test_track_001_lyrics.txt"));
        List<AceStepRow> rows = HfDatasetReader.readAll(out().resolve("hf_dataset"));
        assertEquals(2, rows.size());
        for (AceStepRow row : rows) {
            assertEquals("test_track_001", row.keys());
            assertEquals(out().toAbsolutePath().normalize().resolve(audioName).toString(), row.filename());
            // convert2hf_dataset.py: prompt = f.read().strip(); tags = prompt.split(", ")
            assertEquals(List.of(prompt.strip().split(Pattern.quote(", "), -1)), row.tags());
            assertEquals(List.of("articulate", "spoken word", "young adult", "rap music", "female", "clear",
                    "energetic", "warm"), row.tags());
            assertEquals("", row.speakerEmbPath());
            assertEquals(lyrics.strip(), row.normLyrics());
            assertTrue(row.normLyrics().startsWith("[Intro]"));
            assertEquals(Map.of(), row.recaption());
        }
        // the written dataset_info.json features equal those ACE-Step's converter wrote, and the shard is an Arrow
        // IPC *stream* (no "ARROW1" file magic), read back above with Arrow's stream reader
        JsonNode refInfo = Json.readTree(SharedFiles.require("reference/acestep/zh_lora_dataset/dataset_info.json"));
        assertEquals(refInfo.get("features"), Json.readTree(out().resolve("hf_dataset/dataset_info.json")).get("features"));
        for (String shard : HfDatasetReader.dataFiles(out().resolve("hf_dataset"))) {
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(out().resolve("hf_dataset").resolve(shard)), 6);
            assertNotEquals("ARROW1", new String(head, java.nio.charset.StandardCharsets.US_ASCII), shard);
        }
        // a single track stays in train; the validation side exists, empty, and the manifest says why
        assertEquals(0, HfDatasetReader.readAll(val().resolve("hf_dataset")).size());
        JsonNode manifest = Json.readTree(out().resolve("manifest.json"));
        assertEquals(0, manifest.path("train").path("unknown_duration").asInt()); // process wrote a WAV: duration from its header
        assertTrue(manifest.path("warnings").get(0).asText().contains("validation split is empty"));
    }

    /**
     * Puts ACE-Step's sample track into the processed layout ({@code processed/rap/}) with its prompt and lyrics
     * files, and returns the audio file's name. Today the mp3 is copied as is; once {@code lofi process} is merged,
     * this is the one place to run it on the mp3 instead (the dataset would then hold {@code test_track_001.wav}).
     */
    /** Runs {@code lofi process} on the mp3 and puts ACE-Step's own prompt and lyrics files beside the output. */
    private String processedFromReference(Path mp3, Path configDir) throws IOException {
        Path raw = Files.createDirectories(tmp.resolve("raw/rap"));
        Files.copy(mp3, raw.resolve("test_track_001.mp3"));
        ProcessResult processed = new ProcessJob(ProcessConfig.of(tmp.resolve("raw"), processed(), metadata(),
                metadata().resolve("sources.json"), ConfigFiles.in(configDir))).run(ProgressListener.NONE);
        assertTrue(processed.allAccepted(), () -> "process rejected the reference track: " + processed.files());
        Path cat = processed().resolve("rap");
        assertTrue(Files.exists(cat.resolve("test_track_001.wav")));
        for (String f : List.of("test_track_001_prompt.txt", "test_track_001_lyrics.txt")) {
            Files.copy(mp3.resolveSibling(f), cat.resolve(f));
        }
        return "test_track_001.wav";
    }

    @Test
    void stylesComeFromSourcesJsonThenFromTheGuessesOfLofiPrompts() throws Exception {
        var entries = DatasetFixtures.library(processed(), metadata(), new String[] {"chillhop"}, new int[] {4});
        entries.get(0).remove("style");
        entries.get(1).remove("style");
        DatasetFixtures.writeSources(metadata(), entries);
        // lofi prompts guessed chillhop_0; its mapping also (stale) says jazzhop for chillhop_2, whose sources.json says chillhop
        StyleMappingFile.write(metadata().resolve(StyleMappingFile.NAME), Map.of(
                "chillhop_0", new StyleAssignment("sleep_lofi", StyleAssignment.FROM_ANALYSIS, 0.4, true, 60.0, 0.5, "C major", 0.6),
                "chillhop_2", new StyleAssignment("jazzhop", StyleAssignment.FROM_SOURCES, 1, false, null, null, null, null)));
        var m = new DatasetJob(config(), ProgressListener.NONE).run().manifest();
        Map<String, String> style = new HashMap<>();
        for (var t : m.tracks()) style.put(t.key(), t.style());
        assertEquals(Map.of("chillhop_0", "sleep_lofi", "chillhop_1", DatasetJob.NO_STYLE, "chillhop_2", "chillhop",
                "chillhop_3", "chillhop"), style);
    }

    @Test
    void relativePathsAreRelativeToTheGivenFolder() throws Exception {
        DatasetFixtures.library(processed(), metadata(), new String[] {"chillhop"}, new int[] {3});
        new DatasetJob(config().withRelativeTo(tmp), ProgressListener.NONE).run();
        for (AceStepRow row : HfDatasetReader.readAll(out().resolve("hf_dataset"))) {
            assertEquals("final/" + row.keys() + ".wav", row.filename());
        }
    }

    @Test
    void sameSeedSameDatasetDifferentSeedDifferentSplit() throws Exception {
        DatasetFixtures.library(processed(), metadata(), new String[] {"lofi_hip_hop", "chillhop"}, new int[] {30, 20});
        var a = new DatasetJob(config(), ProgressListener.NONE).run().manifest();
        byte[] shardA = Files.readAllBytes(out().resolve("hf_dataset/data-00000-of-00001.arrow"));
        var b = new DatasetJob(config(), ProgressListener.NONE).run().manifest(); // replaces the first
        assertEquals(a.tracks(), b.tracks());
        assertArrayEquals(shardA, Files.readAllBytes(out().resolve("hf_dataset/data-00000-of-00001.arrow")));
        var c = new DatasetJob(config().withSplit(0.1, 7), ProgressListener.NONE).run().manifest();
        assertNotEquals(validationKeys(a), validationKeys(c));
        assertEquals(validationKeys(a).size(), validationKeys(c).size());
    }

    @Test
    void groupingByArtistKeepsArtistsOnOneSide() throws Exception {
        DatasetFixtures.library(processed(), metadata(), new String[] {"lofi_hip_hop", "chillhop"}, new int[] {20, 10});
        var m = new DatasetJob(config().withSplit(0.3, 5).withGroupByArtist(true), ProgressListener.NONE).run().manifest();
        Map<String, Set<String>> sides = new HashMap<>();
        for (var t : m.tracks()) sides.computeIfAbsent(t.artist(), k -> new HashSet<>()).add(t.split());
        assertEquals(15, sides.size());
        sides.forEach((artist, s) -> assertEquals(1, s.size(), artist));
        assertTrue(m.validation().styles().get("chillhop").tracks() >= 1);
    }

    @Test
    void fiveHundredTracksOfTwentyFiveHoursAreNeverLoaded() throws Exception {
        // 500 × 3-minute sparse WAVs = 25 h (8.6 GB of 48 kHz stereo float if decoded; none of it is read).
        List<Map<String, Object>> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String name = String.format("track_%03d", i);
            String style = i % 5 == 0 ? "chillhop" : "lofi_hip_hop";
            Path wav = DatasetFixtures.sparseWav(processed().resolve("cat" + (i % 4)).resolve(name + ".wav"), 180);
            DatasetFixtures.texts(wav, style.replace('_', ' ') + ", chill", "[instrumental]");
            entries.add(DatasetFixtures.entry(name, "cat" + (i % 4), style, "artist " + (i % 37), "CC0-1.0"));
        }
        DatasetFixtures.writeSources(metadata(), entries);
        var m = new DatasetJob(config().withRepeat(4), ProgressListener.NONE).run().manifest();
        assertEquals(25.0, m.train().hours() + m.validation().hours(), 1e-3);
        assertEquals(450, m.train().tracks());
        assertEquals(50, m.validation().tracks());
        assertEquals(Map.of("lofi_hip_hop", 40, "chillhop", 10), counts(m.validation().styles()));
        assertEquals(1800, HfDatasetReader.readAll(out().resolve("hf_dataset")).size());
    }

    @Test
    void rebuildingReplacesAnEarlierDataset() throws Exception {
        DatasetFixtures.library(processed(), metadata(), new String[] {"chillhop"}, new int[] {4});
        new DatasetJob(config(), ProgressListener.NONE).run();
        Files.delete(processed().resolve("lofi/chillhop_3.wav"));
        new DatasetJob(config(), ProgressListener.NONE).run();
        try (Stream<Path> s = Stream.concat(Files.list(out()), Files.list(val()))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("chillhop_3")));
        }
        assertNoStagingLeft();
    }

    // ---- bad input: a clear LofiException naming the problem, and nothing written ----

    @Test
    void missingPromptFileIsNamed() throws Exception {
        DatasetFixtures.library(processed(), metadata(), new String[] {"chillhop"}, new int[] {3});
        Path prompt = processed().resolve("lofi/chillhop_1_prompt.txt");
        Files.delete(prompt);
        LofiException e = assertThrows(LofiException.class, () -> new DatasetJob(config(), ProgressListener.NONE).run());
        assertTrue(e.getMessage().contains(prompt.toString() + ": is missing"), e.getMessage());
        assertNothingWritten();
    }

    @Test
    void duplicateKeysAcrossCategoriesAreRejected() throws Exception {
        DatasetFixtures.library(processed(), metadata(), new String[] {"chillhop"}, new int[] {3});
        Path dup = DatasetFixtures.tone(processed().resolve("other/chillhop_0.wav"), 1, 440);
        DatasetFixtures.texts(dup, "x", "y");
        LofiException e = assertThrows(LofiException.class, () -> new DatasetJob(config(), ProgressListener.NONE).run());
        assertTrue(e.getMessage().contains("same key \"chillhop_0\""), e.getMessage());
        assertNothingWritten();
    }

    @Test
    void sourcesFileEscapingTheDataFolderIsRejected() throws Exception {
        var entries = DatasetFixtures.library(processed(), metadata(), new String[] {"chillhop"}, new int[] {2});
        entries.get(1).put("file", "../../etc/chillhop_1.mp3");
        DatasetFixtures.writeSources(metadata(), entries);
        LofiException e = assertThrows(LofiException.class, () -> new DatasetJob(config(), ProgressListener.NONE).run());
        assertTrue(e.getMessage().contains("'../../etc/chillhop_1.mp3' points outside the raw folder"), e.getMessage());
        assertNothingWritten();
    }

    @Test
    void emptyProcessedFolderIsRejected() throws Exception {
        Files.createDirectories(processed().resolve("lofi"));
        DatasetFixtures.writeSources(metadata(), List.of());
        LofiException e = assertThrows(LofiException.class, () -> new DatasetJob(config(), ProgressListener.NONE).run());
        assertTrue(e.getMessage().contains("holds no audio files"), e.getMessage());
        assertNothingWritten();
    }

    @Test
    void licenceGapsAndUnlistedTracksAreAllListed() throws Exception {
        var entries = DatasetFixtures.library(processed(), metadata(), new String[] {"chillhop"}, new int[] {4});
        entries.get(0).put("license", "LicenseRef-unknown"); // a missing licence is a schema error of SourcesFile
        entries.get(1).put("license", "CC-BY-NC-4.0");
        entries.remove(3);
        DatasetFixtures.writeSources(metadata(), entries);
        LofiException e = assertThrows(LofiException.class, () -> new DatasetJob(config(), ProgressListener.NONE).run());
        assertTrue(e.getMessage().contains("chillhop_3.wav: has no entry in"), e.getMessage());
        DatasetFixtures.tone(processed().resolve("lofi/chillhop_3.wav"), 1, 1); // unchanged; now list it as allowed
        entries.add(DatasetFixtures.entry("chillhop_3", "lofi", "chillhop", "a", "CC0-1.0"));
        DatasetFixtures.writeSources(metadata(), entries);
        e = assertThrows(LofiException.class, () -> new DatasetJob(config(), ProgressListener.NONE).run());
        assertTrue(e.getMessage().contains("(2 problems)"), e.getMessage());
        assertTrue(e.getMessage().contains("chillhop_0.wav: licence 'LicenseRef-unknown' is not allowed"), e.getMessage());
        assertTrue(e.getMessage().contains("chillhop_1.wav: licence 'CC-BY-NC-4.0' is not allowed"), e.getMessage());
        assertNothingWritten();
    }

    @Test
    void anOutputFolderThatIsNotADatasetIsLeftAlone() throws Exception {
        DatasetFixtures.library(processed(), metadata(), new String[] {"chillhop"}, new int[] {3});
        Files.createDirectories(out());
        Files.writeString(out().resolve("notes.txt"), "mine");
        LofiException e = assertThrows(LofiException.class, () -> new DatasetJob(config(), ProgressListener.NONE).run());
        assertTrue(e.getMessage().contains("is not an earlier dataset"), e.getMessage());
        assertEquals("mine", Files.readString(out().resolve("notes.txt")));
        assertFalse(Files.exists(val()));
    }

    private void assertNothingWritten() throws IOException {
        assertFalse(Files.exists(out()), "no training folder");
        assertFalse(Files.exists(val()), "no validation folder");
        assertNoStagingLeft();
    }

    private void assertNoStagingLeft() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            List<String> hidden = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
            assertEquals(List.of(), hidden);
        }
    }

    private static Map<String, Integer> counts(Map<String, DatasetManifest.StyleCount> styles) {
        Map<String, Integer> m = new HashMap<>();
        styles.forEach((s, c) -> m.put(s, c.tracks()));
        return m;
    }

    private static Set<String> validationKeys(DatasetManifest m) {
        Set<String> keys = new HashSet<>();
        for (var t : m.tracks()) if (t.split().equals("validation")) keys.add(t.key());
        return keys;
    }
}

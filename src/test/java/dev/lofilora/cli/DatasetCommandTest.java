package dev.lofilora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import dev.lofilora.dataset.layout.DatasetFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DatasetCommandTest {
    @TempDir Path tmp;

    private String p(String rel) { return tmp.resolve(rel).toString(); }

    private CliRun build(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("dataset", p("processed"), "--out", p("final"),
                "--validation", p("validation"), "--metadata", p("metadata"), "--no-progress"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void buildsAndReportsJson() throws Exception {
        DatasetFixtures.library(tmp.resolve("processed"), tmp.resolve("metadata"), new String[] {"chillhop", "jazzhop"},
                new int[] {10, 5});
        CliRun r = build("--split", "0.2", "--seed", "3", "--repeat", "2", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertEquals(12, json.path("manifest").path("train").path("tracks").asInt());
        assertEquals(24, json.path("manifest").path("train").path("rows").asInt());
        assertEquals(3, json.path("manifest").path("validation").path("tracks").asInt());
        assertEquals(3, json.path("manifest").path("seed").asInt());
        assertEquals("hardlink", json.path("manifest").path("audio").asText());
        assertTrue(Files.isRegularFile(tmp.resolve("final/hf_dataset/state.json")));
        assertEquals(tmp.resolve("final").toAbsolutePath().normalize().toString(), json.path("out_dir").asText());
    }

    @Test
    void theTextSummaryHasNoJavaMapFormatting() throws Exception {
        DatasetFixtures.library(tmp.resolve("processed"), tmp.resolve("metadata"), new String[] {"chillhop"}, new int[] {4});
        CliRun r = build();
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("licences:   CC-BY-4.0 (4 tracks)"), r.out());
        assertFalse(r.out().contains("{") || r.out().contains("=4"), r.out());
    }

    @Test
    void checkExitsZeroWhenSoundAndOneListingEachProblem() throws Exception {
        DatasetFixtures.library(tmp.resolve("processed"), tmp.resolve("metadata"), new String[] {"chillhop"}, new int[] {5});
        assertEquals(0, build("--copy-audio").exit());
        CliRun ok = CliRun.of("dataset", "--check", p("final"), "--metadata", p("metadata"));
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().contains("4 audio files, 4 rows, no problems"), ok.out());
        Path prompt;
        try (var s = Files.list(tmp.resolve("final"))) {
            prompt = s.filter(f -> f.toString().endsWith("_prompt.txt")).sorted().findFirst().orElseThrow();
        }
        Files.delete(prompt);
        CliRun bad = CliRun.of("dataset", "--check", p("final"), "--metadata", p("metadata"));
        assertEquals(1, bad.exit());
        assertTrue(bad.out().contains("1 problems:") && bad.out().contains(prompt + ": is missing"), bad.out());
    }

    @Test
    void badInputExitsTwoNamingTheFile() throws Exception {
        DatasetFixtures.library(tmp.resolve("processed"), tmp.resolve("metadata"), new String[] {"chillhop"}, new int[] {3});
        Path lyrics = tmp.resolve("processed/lofi/chillhop_2_lyrics.txt");
        Files.delete(lyrics);
        CliRun r = build();
        assertEquals(2, r.exit());
        assertTrue(r.err().contains(lyrics + ": is missing"), r.err());
        assertFalse(Files.exists(tmp.resolve("final")));
        assertEquals(2, CliRun.of("dataset", "--out", p("final")).exit()); // no processed folder given
        assertEquals(2, build("--split", "1.5").exit());
    }

    @Test
    void aConfigFolderCanAllowMoreLicences() throws Exception {
        var entries = DatasetFixtures.library(tmp.resolve("processed"), tmp.resolve("metadata"), new String[] {"chillhop"}, new int[] {3});
        entries.forEach(e -> e.put("license", "Apache-2.0"));
        DatasetFixtures.writeSources(tmp.resolve("metadata"), entries);
        CliRun refused = build();
        assertEquals(2, refused.exit());
        assertTrue(refused.err().contains("licence 'Apache-2.0' is not allowed"), refused.err());
        Path config = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(config.resolve("lofi_lora_config.json"), "{\"licenses\": {\"allowed\": [\"Apache-2.0\", \"CC0-1.0\"]}}");
        assertEquals(0, build("--config", config.toString()).exit());
    }

    @Test
    void helpShowsTheDefaults() {
        CliRun r = CliRun.of("dataset", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("default: data/final"), r.out());
        assertTrue(r.out().contains("default: 0.1"), r.out());
    }
}

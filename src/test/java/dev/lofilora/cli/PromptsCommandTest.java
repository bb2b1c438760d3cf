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

class PromptsCommandTest {
    @TempDir Path tmp;

    private void tracks(String style) throws Exception {
        for (int i = 0; i < 3; i++) DatasetFixtures.tone(tmp.resolve("processed/lofi/t" + i + ".wav"), 1, 300 + i);
        DatasetFixtures.writeSources(tmp.resolve("metadata"), List.of(
                DatasetFixtures.entry("t0", "lofi", style, "a", "CC0-1.0"),
                DatasetFixtures.entry("t1", "lofi", style, "b", "CC0-1.0"),
                DatasetFixtures.entry("t2", "lofi", style, "c", "CC0-1.0")));
    }

    @Test
    void negativeThreadsAreRefusedAsByProcess() throws Exception {
        tracks("sleep_lofi");
        CliRun r = CliRun.of("prompts", tmp.resolve("processed").toString(), "--metadata", tmp.resolve("metadata").toString(),
                "--threads", "-1", "--no-progress");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--threads must be 0 (all cores) or more, not -1"), r.err());
        assertFalse(Files.exists(tmp.resolve("processed/lofi/t0_prompt.txt")));
    }

    @Test
    void writesPromptsAndReportsJson() throws Exception {
        tracks("sleep_lofi");
        CliRun r = CliRun.of("prompts", tmp.resolve("processed").toString(), "--metadata", tmp.resolve("metadata").toString(),
                "--no-analysis", "--variants", "3", "--seed", "5", "--json", "--no-progress");
        assertEquals(0, r.exit(), r.err());
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertEquals(3, json.path("tracks").asInt());
        assertEquals(3, json.path("from_sources").asInt());
        assertEquals(0, json.path("guessed").asInt());
        assertEquals(3, json.path("styles").path("sleep_lofi").asInt());
        assertEquals(tmp.resolve("metadata/style_mapping.json").toString(), json.path("style_mapping").asText());
        String prompt = Files.readString(tmp.resolve("processed/lofi/t1_prompt.txt"));
        assertEquals(prompt, json.path("prompts").path("t1").asText());
        assertTrue(prompt.startsWith("lofi, sleep"), prompt);
        JsonNode variants = Json.readTree(tmp.resolve("metadata/prompt_variants.json"));
        assertEquals(5, variants.path("seed").asInt());
        assertEquals(3, variants.path("tracks").path("t2").path("variants").size());
    }

    @Test
    void unknownStyleExitsTwoAndListsTheTrack() throws Exception {
        tracks("no_such_style");
        CliRun r = CliRun.of("prompts", tmp.resolve("processed").toString(), "--metadata", tmp.resolve("metadata").toString(),
                "--no-progress");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("track \"t0\": unknown style \"no_such_style\""), r.err());
        assertFalse(Files.exists(tmp.resolve("processed/lofi/t0_prompt.txt")));
    }
}

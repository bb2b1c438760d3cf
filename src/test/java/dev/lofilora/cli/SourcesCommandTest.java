package dev.lofilora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.common.Json;
import dev.lofilora.dataset.curate.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code lofi sources init|check}: a skeleton from the raw folder (tags where present), never over a user's file. */
class SourcesCommandTest {
    @TempDir Path tmp;

    @Test
    void initWritesOneEntryPerFileWithTagsAndLeavesUnknownFieldsEmptyForCheckToList() throws Exception {
        Path raw = Files.createDirectories(tmp.resolve("raw/gold"));
        AudioEncoder.write(raw.resolve("Rainy Window.flac"), Fixtures.music(44100, 2, 1), AudioEncoder.Format.FLAC_16, 0,
                Map.of("title", "Rainy Window (tagged)", "artist", "Some Artist"));
        AudioEncoder.write(tmp.resolve("raw/rainy_window.mp3"), Fixtures.music(44100, 2, 2), AudioEncoder.Format.MP3);
        Files.writeString(tmp.resolve("raw/notes.txt"), "not audio");
        Path meta = tmp.resolve("meta");

        CliRun r = CliRun.of("sources", "init", tmp.resolve("raw").toString(), "--metadata", meta.toString(), "--no-progress");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("2 tracks (1 titles and 1 artists from tags)"), r.out());
        assertTrue(r.out().contains("still to fill in: artist (1 tracks), license (2 tracks), license_evidence (2 tracks)"),
                r.out());
        JsonNode tracks = Json.MAPPER.readTree(meta.resolve("sources.json").toFile()).path("tracks");
        assertEquals("gold/Rainy Window.flac", tracks.get(0).path("file").asText());
        assertEquals("Rainy Window (tagged)", tracks.get(0).path("title").asText());
        assertEquals("Some Artist", tracks.get(0).path("artist").asText());
        assertEquals("gold", tracks.get(0).path("tier").asText());
        assertEquals("", tracks.get(0).path("license").asText());
        assertEquals("rainy window", tracks.get(1).path("title").asText(), "from the file name when untagged");
        // both files would be called rainy_window later: the second gets a distinct name
        assertTrue(tracks.get(0).path("name").isMissingNode());
        assertEquals("rainy_window_2", tracks.get(1).path("name").asText());

        CliRun check = CliRun.of("sources", "check", "--metadata", meta.toString(), "--raw", tmp.resolve("raw").toString());
        assertEquals(1, check.exit(), check.out());
        assertTrue(check.out().contains("tracks[0].license is empty"), check.out());

        // a second init refuses to overwrite; --force keeps the old file as .bak
        Files.writeString(meta.resolve("sources.json"), "{\"version\": 1, \"tracks\": []} ");
        CliRun again = CliRun.of("sources", "init", tmp.resolve("raw").toString(), "--metadata", meta.toString(),
                "--license", "CC-BY-4.0", "--evidence", "https://example.org", "--artist", "Me", "--no-progress");
        assertEquals(2, again.exit());
        assertTrue(again.err().contains("exists already; nothing was written"), again.err());
        assertEquals("{\"version\": 1, \"tracks\": []} ", Files.readString(meta.resolve("sources.json")));
        CliRun forced = CliRun.of("sources", "init", tmp.resolve("raw").toString(), "--metadata", meta.toString(),
                "--license", "CC-BY-4.0", "--evidence", "https://example.org", "--artist", "Me", "--force", "--no-progress");
        assertEquals(0, forced.exit(), forced.err());
        assertEquals("{\"version\": 1, \"tracks\": []} ", Files.readString(meta.resolve("sources.json.bak")));
        CliRun ok = CliRun.of("sources", "check", "--metadata", meta.toString(), "--raw", tmp.resolve("raw").toString());
        assertEquals(0, ok.exit(), ok.out());
        assertTrue(ok.out().contains("2 tracks, no problems"), ok.out());
    }
}

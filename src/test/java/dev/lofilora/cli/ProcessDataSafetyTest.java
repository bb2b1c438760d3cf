package dev.lofilora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.common.Json;
import dev.lofilora.dataset.curate.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The two ways {@code process} used to destroy a user's files (issue 10), reproduced exactly, now harmless; and the
 * rule that replaced them: a run removes only files inside its own {@code --out} that its state proves it wrote
 * (relative path, size, sha256), and reports every removal in the table, the reasons and the JSON.
 */
class ProcessDataSafetyTest {
    @TempDir Path root;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream oldOut;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        System.setOut(new PrintStream(out, true));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
    }

    private int lofi(String... args) {
        out.reset();
        return Main.commandLine().setErr(new java.io.PrintWriter(new ByteArrayOutputStream(), true)).execute(args);
    }

    private String table() { return out.toString(); }

    /** Relative path → sha256 and modification time of every file under {@code dir}. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                m.put(dir.relativize(p).toString(), HexFormat.of().formatHex(d) + " " + Files.getLastModifiedTime(p));
            }
        }
        return m;
    }

    private Path project(Path dir) throws IOException {
        Path raw = Files.createDirectories(dir.resolve("data/raw"));
        Fixtures.write(raw.resolve("a.flac"), Fixtures.music(44100, 6, 11), AudioEncoder.Format.FLAC_16);
        Fixtures.write(raw.resolve("b.mp3"), Fixtures.music(44100, 6, 12), AudioEncoder.Format.MP3);
        Fixtures.sources(dir.resolve("data/metadata/sources.json"), List.of(Fixtures.entry("a.flac"), Fixtures.entry("b.mp3")));
        return dir;
    }

    private static String[] process(Path project, String out, String... extra) {
        List<String> a = new ArrayList<>(List.of("process", project.resolve("data/raw").toString(), "--out",
                project.resolve(out).toString(), "--metadata", project.resolve("data/metadata").toString(), "--no-progress"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void aSecondRunWithAnotherOutAndFlacLeavesTheFirstFoldersWavsAlone() throws Exception {
        Path p = project(root.resolve("proj"));
        assertEquals(0, lofi(process(p, "data/processed")));
        Map<String, String> first = snapshot(p.resolve("data/processed"));
        assertEquals(List.of("main/a.wav", "main/b.wav"), List.copyOf(first.keySet()));

        // The case: same --metadata, another --out, --flac. It used to delete every WAV of processed/.
        assertEquals(0, lofi(process(p, "data/processed_flac", "--flac", "--json")));
        JsonNode j = Json.MAPPER.readTree(table());
        assertEquals(0, j.path("totals").path("removed").asInt(), table());
        for (JsonNode f : j.path("files")) assertTrue(f.path("removed").isMissingNode(), f.toString());
        assertEquals(first, snapshot(p.resolve("data/processed")), "the first folder is untouched");
        assertTrue(Files.isRegularFile(p.resolve("data/processed_flac/main/a.flac")));
        assertTrue(Files.isRegularFile(p.resolve("data/processed_flac/main/b.flac")));

        // Both folders stay valid outputs of their run: going back to the first one resumes without rewriting.
        assertEquals(0, lofi(process(p, "data/processed", "--json")));
        j = Json.MAPPER.readTree(table());
        assertEquals(2, j.path("totals").path("resumed").asInt(), table());
        assertEquals(first, snapshot(p.resolve("data/processed")));
    }

    @Test
    void aCopiedProjectFolderRunWithoutItsConfigNeverTouchesTheOriginal() throws Exception {
        Path orig = project(root.resolve("orig"));
        Path cfg = Files.createDirectories(root.resolve("cfg"));
        Files.writeString(cfg.resolve("lofi_lora_config.json"), "{\"process\": {\"target_lufs\": -16.0}}");
        assertEquals(0, lofi(process(orig, "data/processed", "--config", cfg.toString())));
        Map<String, String> before = snapshot(orig.resolve("data/processed"));

        // cp -a orig copy; the copy's run forgets --config, so every track is redone with other settings.
        Path copy = root.resolve("copy");
        try (Stream<Path> s = Files.walk(orig)) {
            for (Path f : s.toList()) {
                Path t = copy.resolve(orig.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(t);
                else Files.copy(f, t, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        assertEquals(0, lofi(process(copy, "data/processed", "--json")));
        JsonNode j = Json.MAPPER.readTree(table());
        assertEquals(0, j.path("totals").path("resumed").asInt(), "another config: redone");
        assertEquals(-14.0, j.path("files").get(0).path("loudnessAfter").path("integratedLufs").asDouble(), 0.1);
        assertEquals(before, snapshot(orig.resolve("data/processed")), "the original folder's outputs are untouched");
        for (JsonNode f : j.path("files")) {
            assertTrue(f.path("output").asText().startsWith(copy.toString()), f.path("output").asText());
        }
        // the copies were this tool's files (same content as recorded): replaced in place, not moved aside
        assertFalse(Files.exists(copy.resolve("data/processed/.lofi-kept")));

        // A category change in the copy removes the copy's own earlier output, and only that one, and says so.
        Fixtures.sources(copy.resolve("data/metadata/sources.json"), List.of(withCategory("a.flac", "chill"),
                Fixtures.entry("b.mp3")));
        assertEquals(0, lofi(process(copy, "data/processed")));
        assertFalse(Files.exists(copy.resolve("data/processed/main/a.wav")));
        assertTrue(Files.exists(copy.resolve("data/processed/chill/a.wav")));
        assertTrue(table().contains("removed " + copy.resolve("data/processed/main/a.wav")), table());
        assertEquals(before, snapshot(orig.resolve("data/processed")));
    }

    private static Map<String, Object> withCategory(String file, String category) {
        Map<String, Object> e = Fixtures.entry(file);
        e.put("category", category);
        return e;
    }

    @Test
    void onlyFilesProvenByPathSizeAndHashAreDeletedAndEveryRemovalIsReported() throws Exception {
        Path p = project(root.resolve("p"));
        Path processed = p.resolve("data/processed");
        assertEquals(0, lofi(process(p, "data/processed")));

        // 1. A proven earlier output is deleted when the track moves: table, reasons and JSON all say it.
        Fixtures.sources(p.resolve("data/metadata/sources.json"), List.of(withCategory("a.flac", "chill"),
                Fixtures.entry("b.mp3")));
        assertEquals(0, lofi(process(p, "data/processed", "--json")));
        JsonNode a = file(Json.MAPPER.readTree(table()), "a");
        assertEquals("deleted", a.path("removed").get(0).path("action").asText(), a.toString());
        assertEquals(processed.resolve("main/a.wav").toString(), a.path("removed").get(0).path("path").asText());
        assertTrue(a.path("reasons").toString().contains("removed " + processed.resolve("main/a.wav")), a.toString());
        assertEquals(1, Json.MAPPER.readTree(table()).path("totals").path("removed").asInt());
        assertFalse(Files.exists(processed.resolve("main/a.wav")));

        // 2. An earlier output that was changed since (not the file recorded) is kept, and that is reported.
        Files.write(processed.resolve("chill/a.wav"), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        Map<String, String> edited = snapshot(processed.resolve("chill"));
        // 3. A file the user put where an output goes is moved aside, never overwritten.
        Files.writeString(processed.resolve("main/a.wav"), "my own notes, not audio");
        Fixtures.sources(p.resolve("data/metadata/sources.json"), List.of(Fixtures.entry("a.flac"), Fixtures.entry("b.mp3")));
        assertEquals(0, lofi(process(p, "data/processed")));
        String t = table();
        assertTrue(t.contains("kept " + processed.resolve("chill/a.wav")), t);
        assertEquals(edited, snapshot(processed.resolve("chill")), "the changed file is left as it is");
        assertTrue(t.contains("moved " + processed.resolve("main/a.wav") + " to "
                + processed.resolve(".lofi-kept/main/a.wav")), t);
        assertEquals("my own notes, not audio", Files.readString(processed.resolve(".lofi-kept/main/a.wav")));
        assertTrue(Files.size(processed.resolve("main/a.wav")) > 100_000, "the new output is in place");

        // 4. A track that is no longer accepted loses its own proven output, reported in the table.
        Map<String, Object> nd = Fixtures.entry("b.mp3");
        nd.put("license", "CC-BY-ND-4.0");
        Fixtures.sources(p.resolve("data/metadata/sources.json"), List.of(Fixtures.entry("a.flac"), nd));
        assertEquals(1, lofi(process(p, "data/processed")));
        assertTrue(table().contains("removed " + processed.resolve("main/b.wav")), table());
        assertFalse(Files.exists(processed.resolve("main/b.wav")));
    }

    @Test
    void aStateFileOfTheOldFormatPointingOutsideOutNeverDeletesThere() throws Exception {
        Path p = project(root.resolve("p"));
        Path victim = Files.createDirectories(root.resolve("elsewhere/main")).resolve("a.wav");
        Files.writeString(victim, "somebody's file");
        // what the old version wrote: an absolute output path, no hash; the licence now fails, which used to delete it
        Files.createDirectories(p.resolve("data/metadata/process_state"));
        Files.writeString(p.resolve("data/metadata/process_state/a.json"), Json.toString(Map.of("inputSha256", "x",
                "configHash", "y", "output", victim.toString(), "outputBytes", Files.size(victim))));
        Map<String, Object> nd = Fixtures.entry("a.flac");
        nd.put("license", "CC-BY-NC-4.0");
        Fixtures.sources(p.resolve("data/metadata/sources.json"), List.of(nd));
        assertEquals(1, lofi(process(p, "data/processed")));
        assertEquals("somebody's file", Files.readString(victim));
    }

    private static JsonNode file(JsonNode report, String name) {
        for (JsonNode f : report.path("files")) if (name.equals(f.path("name").asText())) return f;
        throw new AssertionError(name + " not in " + report);
    }
}

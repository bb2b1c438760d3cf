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
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** {@code process --dry-run}: says what would happen, and changes nothing on disk. */
class ProcessDryRunTest {
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
        return Main.commandLine().setErr(new PrintWriter(new ByteArrayOutputStream(), true)).execute(args);
    }

    private static Map<String, String> listing(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                m.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir"
                        : Files.size(p) + " " + Files.getLastModifiedTime(p));
            }
        }
        return m;
    }

    @Test
    void aDryRunListsEveryActionAndTouchesNothing() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw"));
        Fixtures.write(raw.resolve("a.flac"), Fixtures.music(44100, 6, 1), AudioEncoder.Format.FLAC_16);
        Fixtures.write(raw.resolve("b.flac"), Fixtures.music(44100, 6, 2), AudioEncoder.Format.FLAC_16);
        Fixtures.write(raw.resolve("stray.flac"), Fixtures.music(44100, 6, 3), AudioEncoder.Format.FLAC_16);
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("a.flac"), Fixtures.entry("b.flac")));
        String[] base = {"process", raw.toString(), "--out", root.resolve("out").toString(), "--metadata",
                root.resolve("meta").toString(), "--no-progress"};
        assertEquals(1, lofi(Sequence.join(base, new String[] {})), "stray.flac is rejected");

        // change a's category (its output would move) and put a foreign file where b's FLAC output would go
        Map<String, Object> a = Fixtures.entry("a.flac");
        a.put("category", "chill");
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(a, Fixtures.entry("b.flac")));
        Files.writeString(root.resolve("out/main/b.flac"), "not ours");
        Map<String, String> before = listing(root);

        assertEquals(1, lofi(Sequence.join(base, new String[] {"--dry-run", "--flac", "--json"})));
        JsonNode plan = Json.MAPPER.readTree(out.toString());
        assertEquals(listing(root), before, "a dry run writes, moves and deletes nothing (no lock, no report)");
        JsonNode files = plan.path("files");
        assertEquals("process", files.get(0).path("action").asText());
        assertTrue(files.get(0).path("wouldRemove").get(0).asText().startsWith("would remove "
                + root.resolve("out/main/a.wav")), files.get(0).toString());
        assertEquals("process", files.get(1).path("action").asText());
        assertTrue(files.get(1).path("wouldRemove").toString().contains("would move " + root.resolve("out/main/b.flac")),
                files.get(1).toString());
        assertEquals("reject", files.get(2).path("action").asText());
        assertEquals(Map.of("process", 2, "reject", 1), Json.MAPPER.convertValue(plan.path("counts"), Map.class));

        // unchanged inputs and config: the plan says skip
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("a.flac"), Fixtures.entry("b.flac")));
        assertEquals(1, lofi(Sequence.join(base, new String[] {"--dry-run"})));
        String table = out.toString();
        assertTrue(table.startsWith("dry run: nothing is decoded, written, moved or deleted"), table);
        assertTrue(table.matches("(?s).*\\na +skip .*\\nb +skip .*"), table);
        assertTrue(table.contains("3 files: 1 reject, 2 skip"), table);
    }
}

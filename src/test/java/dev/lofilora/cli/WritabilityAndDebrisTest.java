package dev.lofilora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.common.Json;
import dev.lofilora.dataset.curate.Fixtures;
import dev.lofilora.dataset.layout.DatasetFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Folders that cannot be written are found before any work (exit 2, the folder named), and the debris of an
 * interrupted earlier run is removed on start and reported.
 */
class WritabilityAndDebrisTest {
    @TempDir Path root;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
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
        err.reset();
        return Main.commandLine().setErr(new PrintWriter(err, true)).setOut(new PrintWriter(out, true)).execute(args);
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private Path raw() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw"));
        Fixtures.write(raw.resolve("a.flac"), Fixtures.music(44100, 6, 1), AudioEncoder.Format.FLAC_16);
        Fixtures.write(raw.resolve("b.flac"), Fixtures.music(44100, 6, 2), AudioEncoder.Format.FLAC_16);
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("a.flac"), Fixtures.entry("b.flac")));
        return raw;
    }

    @Test
    void anUnwritableMetadataOrOutFolderStopsBeforeAnyFileIsProcessed() throws Exception {
        Path raw = raw();
        Path blocker = Files.writeString(root.resolve("blocker"), "a file where a folder should be");
        // --metadata cannot be written (the sources.json lives elsewhere): used to fail with exit 3 after all outputs
        int code = lofi("process", raw.toString(), "--out", root.resolve("out").toString(), "--metadata",
                blocker.resolve("meta").toString(), "--sources", root.resolve("meta/sources.json").toString(), "--no-progress");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--metadata cannot be used: " + blocker + " is a file, not a folder"), err.toString());
        assertFalse(Files.exists(root.resolve("out/main/a.wav")), "no work was done");
        assertFalse(err.toString().contains("\tat "), "no stack trace");

        code = lofi("process", raw.toString(), "--out", blocker.resolve("out").toString(), "--metadata",
                root.resolve("meta").toString(), "--no-progress");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--out cannot be used"), err.toString());
        assertFalse(Files.exists(root.resolve("meta/qc_report.json")));
    }

    @Test
    void aReadOnlyFolderIsFoundFirstWhereFileModesApply() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root writes through file modes");
        Path raw = raw();
        Path ro = Files.createDirectories(root.resolve("ro"));
        ro.toFile().setWritable(false);
        try {
            assertEquals(2, lofi("process", raw.toString(), "--out", ro.toString(), "--metadata",
                    root.resolve("meta").toString(), "--no-progress"));
            assertTrue(err.toString().contains("--out is not writable"), err.toString());
        } finally {
            ro.toFile().setWritable(true);
        }
    }

    @Test
    void debrisOfAKilledRunIsRemovedOnStartAndReported() throws Exception {
        Path raw = raw();
        long dead = deadPid();
        Path stale = Files.createDirectories(root.resolve("out/main")).resolve(".a.wav.lofi-" + dead + "-zz.tmp");
        Files.writeString(stale, "half a wav");
        Path staleLegacy = Files.createDirectories(root.resolve("meta/process_state")).resolve(".b.json.8812391823.tmp");
        Files.writeString(staleLegacy, "{");
        Files.setLastModifiedTime(staleLegacy, FileTime.from(Instant.now().minusSeconds(600)));
        assertEquals(0, lofi("process", raw.toString(), "--out", root.resolve("out").toString(), "--metadata",
                root.resolve("meta").toString(), "--no-progress"));
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(staleLegacy));
        assertTrue(out.toString().contains("removed a temporary file left by an interrupted run: " + stale), out.toString());

        // dataset: the unfinished folder a Ctrl-C used to leave beside data/final
        DatasetFixtures.library(root.resolve("processed"), root.resolve("dmeta"), new String[] {"chillhop"}, new int[] {3});
        Path partial = Files.createDirectories(root.resolve(".final.lofi-partial-" + dead + "-0a0a0a0a/hf_dataset"));
        Files.writeString(partial.resolve("data-00000-of-00001.arrow"), "x".repeat(10_000));
        assertEquals(0, lofi("dataset", root.resolve("processed").toString(), "--out", root.resolve("final").toString(),
                "--validation", root.resolve("validation").toString(), "--metadata", root.resolve("dmeta").toString(),
                "--no-progress", "--json"));
        JsonNode j = Json.MAPPER.readTree(out.toString());
        assertEquals(partial.getParent().toString(), j.path("cleaned").get(0).asText(), out.toString());
        try (Stream<Path> s = Files.list(root)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("partial")));
        }
    }
}

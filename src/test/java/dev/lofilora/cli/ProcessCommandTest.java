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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ProcessCommandTest {
    @TempDir Path root;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut, oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private int lofi(String... args) {
        return Main.commandLine().setErr(new java.io.PrintWriter(System.err, true)).execute(args);
    }

    private String[] args(String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("process", root.resolve("raw").toString(),
                "--out", root.resolve("out").toString(), "--metadata", root.resolve("meta").toString(), "--no-progress"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void allGoodExitsZeroAndPrintsTheTable() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw"));
        Fixtures.write(raw.resolve("a.flac"), Fixtures.music(44100, 6, 1), AudioEncoder.Format.FLAC_16);
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("a.flac")));
        assertEquals(0, lofi(args()), err.toString());
        String table = out.toString();
        assertTrue(table.contains("LUFS in -> out"), table);
        assertTrue(table.matches("(?s).*\\na +ok +-\\d+\\.\\d -> -14\\.0 +-\\d+\\.\\d\\d.*"), table);
        assertTrue(table.contains("1 files: 1 ok, 0 warn, 0 rejected, 0 error"), table);
        assertTrue(Files.isRegularFile(root.resolve("meta/qc_report.json")));

        out.reset();
        assertEquals(0, lofi(args("--json", "--flac", "--threads", "1")));
        JsonNode j = Json.MAPPER.readTree(out.toString());
        assertEquals("ok", j.path("files").get(0).path("status").asText());
        assertEquals("flac", j.path("run").path("settings").path("outputFormat").asText());
        assertEquals(1, j.path("run").path("threads").asInt());
        assertTrue(j.path("files").get(0).path("output").asText().endsWith("a.flac"));
    }

    @Test
    void rejectedFileExitsOne() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw"));
        Fixtures.write(raw.resolve("a.flac"), Fixtures.music(44100, 6, 1), AudioEncoder.Format.FLAC_16);
        Map<String, Object> e = Fixtures.entry("a.flac");
        e.put("license", "CC-BY-ND-4.0");
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(e));
        assertEquals(1, lofi(args()));
        assertTrue(out.toString().contains("licence 'CC-BY-ND-4.0' is not allowed"), out.toString());
    }

    @Test
    void malformedSourcesAndMissingRawFolderExitTwo() throws Exception {
        Files.createDirectories(root.resolve("raw"));
        Files.createDirectories(root.resolve("meta"));
        Files.writeString(root.resolve("meta/sources.json"), "{\"version\": 1,\n \"tracks\": [ {\"file\": \"a.flac\",, } ]}");
        assertEquals(2, lofi(args()));
        assertTrue(err.toString().contains("sources.json: is not valid JSON at line 2"), err.toString());

        err.reset();
        Files.delete(root.resolve("raw"));
        assertEquals(2, lofi(args()));
        assertTrue(err.toString().contains("raw: is not a folder"), err.toString());

        err.reset();
        assertEquals(2, lofi(args("--threads", "-1")));
    }

    @Test
    void progressOnAStderrThatIsNotATerminalIsWholeLinesWithoutCarriageReturns() throws Exception {
        assertFalse(ConsoleProgress.stderrIsTerminal(), "surefire's stderr is a pipe");
        Path raw = Files.createDirectories(root.resolve("raw"));
        Fixtures.write(raw.resolve("a.flac"), Fixtures.music(44100, 6, 1), AudioEncoder.Format.FLAC_16);
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("a.flac")));
        List<String> a = new java.util.ArrayList<>(List.of(args()));
        a.remove("--no-progress");
        assertEquals(0, lofi(a.toArray(String[]::new)), err.toString());
        String log = err.toString();
        assertFalse(log.contains("\r"), "no carriage return in a log: " + log.replace("\r", "<CR>"));
        assertTrue(log.contains("process: 1 item\n") && log.contains("process: done, 1/1 in "), log);
    }

    @Test
    void theMostImportantReasonComesFirstInTheTable() throws Exception {
        // a truncated FLAC that is also an MP3 transcode: "looks truncated" matters more than the bandwidth note
        Path raw = Files.createDirectories(root.resolve("raw"));
        Path mp3 = root.resolve("x.mp3");
        AudioEncoder.write(mp3, Fixtures.music(44100, 12, 4), AudioEncoder.Format.MP3, 128_000, Map.of());
        Path whole = Fixtures.write(root.resolve("whole.flac"), dev.lofilora.audio.io.AudioDecoder.decode(mp3),
                AudioEncoder.Format.FLAC_16);
        byte[] b = Files.readAllBytes(whole);
        Files.write(raw.resolve("half.flac"), java.util.Arrays.copyOf(b, b.length / 2));
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("half.flac")));
        assertEquals(0, lofi(args()));
        String table = out.toString();
        String row = table.lines().filter(l -> l.startsWith("half ")).findFirst().orElseThrow();
        assertTrue(row.endsWith("decoder: looks truncated"), table);
        String next = table.lines().dropWhile(l -> !l.startsWith("half ")).skip(1).findFirst().orElseThrow();
        assertTrue(next.contains("it looks truncated"), table);
        assertTrue(table.contains("time: "), "the time summary ends the table: " + table);
    }

    @Test
    void helpShowsTheDefaults() {
        assertEquals(0, lofi("process", "--help"));
        String help = out.toString();
        assertTrue(help.contains("default: data/processed") && help.contains("default: data/metadata"), help);
    }
}

package dev.lofilora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code lofi export-onnx} and {@code lofi merge} from the command line: help, --json, exit 2 for what is refused. */
class ExportOnnxCommandTest {
    @TempDir Path root;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut, oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private int lofi(String... args) {
        return Main.commandLine().setOut(new java.io.PrintWriter(System.out, true))
                .setErr(new java.io.PrintWriter(System.err, true)).execute(args);
    }

    @Test
    void helpListsTheTiersAndDefaults() {
        assertEquals(0, lofi("export-onnx", "--help"));
        assertEquals(0, lofi("merge", "--help"));
        String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        for (String s : new String[] {"<fp32|fp16|int8|int4>", "--precision", "--int4-symmetric", "--int8-signed",
                "(default: 16)", "--no-verify", "1.0 = as trained (default: 1.0)", "--copy", "--acestep-lora-scale"}) {
            assertTrue(help.contains(s), s + " in\n" + help);
        }
    }

    @Test
    void exportsTinyAsJsonAndRefusesWhatItMustWithExitTwo() throws Exception {
        Path export = root.resolve("int4");
        assertEquals(0, lofi("export-onnx", "--model", "tiny", "--tier", "int4", "--no-verify", "--out", export.toString(),
                "--json", "--no-progress"), err.toString(StandardCharsets.UTF_8));
        JsonNode r = Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals("int4", r.get("tier").asText());
        assertEquals(5, r.get("parts").size());
        assertTrue(r.get("parts").get(2).get("precision").asText().startsWith("int4"), r.toString());
        assertTrue(Files.isRegularFile(export.resolve("manifest.json")));

        assertEquals(2, lofi("export-onnx", "--model", "tiny", "--tier", "int3", "--out", root.resolve("a").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown tier \"int3\""));
        assertEquals(2, lofi("export-onnx", "--model", "tiny", "--tier", "int8", "--precision", "dcae=int8",
                "--out", root.resolve("b").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("never exported below fp16"));
        assertEquals(2, lofi("export-onnx", "--model", "tiny", "--tier", "fp32", "--out", export.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("exists"));
        assertEquals(2, lofi("merge", "--model", root.resolve("nope").toString(), "--lora", root.resolve("l").toString(),
                "--out", root.resolve("m").toString()));
        assertFalse(Files.exists(root.resolve("a")) || Files.exists(root.resolve("b")) || Files.exists(root.resolve("m")));
    }
}

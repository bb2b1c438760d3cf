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

/** {@code lofi generate}: help with ACE-Step's defaults, a --prompts set with --json, exit codes for bad input. */
class GenerateCommandTest {
    @TempDir Path root;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut, oldErr;
    private dev.lofilora.tensor.Threads threads;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        threads = dev.lofilora.tensor.Threads.limit(1);
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        threads.close();
    }

    private int lofi(String... args) {
        return Main.commandLine().setOut(new java.io.PrintWriter(System.out, true))
                .setErr(new java.io.PrintWriter(System.err, true)).execute(args);
    }

    @Test
    void helpShowsAceStepsDefaults() {
        assertEquals(0, lofi("generate", "--help"));
        String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        for (String s : new String[] {"--prompts", "--lyrics", "Seconds, 1–240 (default: 60;",
                "Inference steps (default: 60;", "(default: euler)", "(default: apg)", "omega_scale of the Euler/Heun mean "
                + "shift (default: 10)", "(default: 0.5)", "1.0 = as trained (default: 1.0)", "--acestep-lora-scale",
                "--bf16", "--json", "--config", "(default: auto)"}) {
            assertTrue(help.contains(s), s + " in\n" + help);
        }
    }

    @Test
    void aPromptsSetRunsWithOneLoadAndReportsJson() throws Exception {
        Path set = root.resolve("set.jsonl");
        Files.writeString(set, """
                # validation prompts
                {"name": "a", "prompt": "lofi hip hop, rain", "duration": 1, "seed": 1}
                {"name": "b", "prompt": "jazzy lofi, vinyl", "lyrics": "[inst]", "duration": 1.2, "seed": 2}
                """);
        int code = lofi("generate", "--model", "tiny", "--prompts", set.toString(), "--steps", "2", "--device", "cpu",
                "--out", root.resolve("out").toString(), "--json", "--no-progress");
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonNode r = Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(2, r.get("items").size());
        assertEquals("generated", r.get("items").get(1).get("status").asText());
        assertEquals(12, r.get("items").get(1).get("frames").asInt(), "int(1.2·44100/4096)");
        assertEquals("float32", r.get("dtype").asText());
        assertTrue(Files.isRegularFile(root.resolve("out/b.wav")));
        assertTrue(Files.isRegularFile(root.resolve("out/a_input_params.json")));
    }

    @Test
    void badInputExitsTwoWithTheReasonAndWritesNothing() throws Exception {
        Path o = root.resolve("o");
        assertEquals(2, lofi("generate", "--model", "tiny", "--prompt", "", "--out", o.toString(), "--no-progress"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("the prompt is empty"));
        assertEquals(2, lofi("generate", "--model", "tiny", "--prompt", "lofi", "--duration", "300", "--out",
                o.toString(), "--no-progress"));
        assertEquals(2, lofi("generate", "--model", "tiny", "--prompt", "lofi", "--scheduler", "ddim", "--out",
                o.toString(), "--no-progress"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown scheduler \"ddim\""));
        assertEquals(2, lofi("generate", "--model", "tiny", "--prompt", "lofi", "--guidance", "pag", "--out",
                o.toString(), "--no-progress"));
        assertEquals(2, lofi("generate", "--model", "tiny", "--prompt", "lofi", "--scheduler", "heun", "--oss-steps",
                "16,29", "--out", o.toString(), "--no-progress"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("ValueError"));
        assertEquals(2, lofi("generate", "--model", "tiny", "--prompt", "lofi", "--lora",
                root.resolve("missing-lora").toString(), "--out", o.toString(), "--no-progress"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing-lora"));
        assertFalse(Files.exists(o));
    }
}

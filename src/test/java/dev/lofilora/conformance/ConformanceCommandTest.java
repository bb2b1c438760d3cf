package dev.lofilora.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.cli.Main;
import dev.lofilora.common.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lofi conformance} end to end through {@link Main#execute}, with the test {@link DoublingSuite} installed. */
class ConformanceCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run lofi(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void exitsZeroAndPrintsALinePerTensorWhenAllPass() throws Exception {
        Path g = ConformanceRunnerTest.nestedGolden(tmp.resolve("g"), "correct");
        Run r = lofi("conformance", g.toString(), "--no-progress", "--require-all");
        assertEquals(0, r.code, r.out + r.err);
        assertTrue(r.out.contains("PASS  outputs/y_good"), r.out);
        assertTrue(r.out.contains("PASS  grads/g"), r.out);
        assertTrue(r.out.contains("max abs 0.000e+00"), r.out);
        assertTrue(r.out.contains("f64 twins (debugging aids, not compared, not counted): 1"), r.out);
        assertTrue(r.out.contains("compared 5 of 5; skipped: none"), r.out);
    }

    @Test
    void exitsOneOutsideToleranceWithAJsonReport() throws Exception {
        Path g = ConformanceRunnerTest.nestedGolden(tmp.resolve("g"), "mixed");
        Path save = tmp.resolve("saved");
        Run r = lofi("conformance", g.toString(), "--json", "--no-progress", "--save", save.toString());
        assertEquals(1, r.code, r.out + r.err);
        JsonNode json = Json.MAPPER.readTree(r.out);
        assertFalse(json.get("passed").asBoolean());
        assertEquals(4, json.get("compared").asInt());
        assertEquals(5, json.get("expected").asInt());
        assertEquals(4, json.get("tensors").size());
        JsonNode wrong = json.get("tensors").get(1);
        assertEquals("outputs/y_wrong", wrong.get("name").asText());
        assertEquals(1e-3, wrong.get("maxAbs").asDouble(), 1e-6);
        assertFalse(wrong.get("passed").asBoolean());
        assertEquals("outputs/y_skipped", json.get("skipped").get(0).get("name").asText());
        assertEquals("needs the loss, not ported yet", json.get("skipped").get(0).get("reason").asText());
        assertEquals(2, json.get("saved").size());
        assertTrue(Files.exists(save.resolve("outputs.safetensors")));
    }

    @Test
    void exitsOneForRequireAllAndForComparingNothing() throws Exception {
        Path skipOne = ConformanceRunnerTest.nestedGolden(tmp.resolve("a"), "skip-one");
        assertEquals(0, lofi("conformance", skipOne.toString(), "--no-progress").code);
        Run strict = lofi("conformance", skipOne.toString(), "--no-progress", "--require-all");
        assertEquals(1, strict.code);
        assertTrue(strict.out.contains("FAIL: 1 tensor(s) skipped with --require-all"), strict.out);
        Run nothing = lofi("conformance", ConformanceRunnerTest.nestedGolden(tmp.resolve("b"), "nothing").toString(), "--no-progress");
        assertEquals(1, nothing.code);
        assertTrue(nothing.out.contains("FAIL: compared nothing"), nothing.out);
    }

    @Test
    void wrongShapeShowsInTheLineAndAsNullErrorsInJson() throws Exception {
        Path g = ConformanceRunnerTest.nestedGolden(tmp.resolve("g"), "wrong-shape");
        Run text = lofi("conformance", g.toString(), "--no-progress");
        assertEquals(1, text.code);
        assertTrue(text.out.contains("FAIL  outputs/y_good") && text.out.contains("differs from the expected shape [2, 3]"), text.out);
        JsonNode json = Json.MAPPER.readTree(lofi("conformance", g.toString(), "--no-progress", "--json").out);
        assertTrue(json.get("tensors").get(0).get("maxAbs").isNull());
    }

    @Test
    void exitsTwoForABadFolderOrDevice() throws Exception {
        Run notGolden = lofi("conformance", Files.createDirectories(tmp.resolve("empty")).toString(), "--no-progress");
        assertEquals(2, notGolden.code);
        assertTrue(notGolden.err.contains("error:") && notGolden.err.contains("is not a golden folder"), notGolden.err);
        Path g = ConformanceRunnerTest.nestedGolden(tmp.resolve("g"), "correct");
        Run badDevice = lofi("conformance", g.toString(), "--no-progress", "--device", "tpu");
        assertEquals(2, badDevice.code);
        assertTrue(badDevice.err.contains("unknown device \"tpu\""), badDevice.err);
    }

    @Test
    void helpShowsTheDefaults() {
        Run help = lofi("conformance", "--help");
        assertEquals(0, help.code);
        assertTrue(help.out.contains("--require-all") && help.out.contains("(default: cpu)"), help.out);
    }
}

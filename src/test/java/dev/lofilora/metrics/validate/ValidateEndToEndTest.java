package dev.lofilora.metrics.validate;

import dev.lofilora.Browser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.cli.Main;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.demo.Demo;
import dev.lofilora.demo.DemoConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lofi validate} end to end on the tiny preset: the validation split of a {@code lofi demo} run, two checkpoint
 * folders of clips for the seeded validation prompt set (synthesised: the folder mode; ValidateRunTest generates them from a
 * run; one paired by prompts.json, one by _prompt.txt), the tiny VGGish and CLAP. Runs the CLI once, then checks the JSON report, a
 * resumed second run, and the HTML page in headless Chromium.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidateEndToEndTest {
    private Path root;
    private Path out;
    private Run first;
    private List<String> args;
    private String firstReportFile;

    private record Run(int code, String out, String err) {}

    @BeforeAll
    void runOnce() throws IOException {
        root = Files.createTempDirectory("lofi-validate-e2e");
        // A demo run's validation split: 2 styles × 2 synthesised 8-s clips → process → prompts → dataset.
        DemoConfig demo = new DemoConfig(root.resolve("demo"), 2, 2, 8, 3, 0, 2, ConfigFiles.defaults());
        new Demo(demo).run(ProgressListener.NONE);
        Path reference = demo.validationDir();
        // Two "checkpoints": the seeded validation prompt set generation will render, one clip per style, rendered here
        // by the synthesiser; one folder pairs by prompts.json, the other by <id>_prompt.txt.
        PromptSet prompts = PromptSet.fromReference(ClipFolders.reference(reference), 1, 9);
        Path a = Files.createDirectories(root.resolve("gen/step-000100"));
        Path b = Files.createDirectories(root.resolve("gen/step-000200"));
        prompts.write(a);
        for (PromptSet.Entry e : prompts.clips()) {
            WavFile.write(a.resolve(e.id() + ".wav"), ValidateFixtures.clip(e.seed(), 80, 5), 16);
            WavFile.write(b.resolve(e.id() + ".wav"), ValidateFixtures.clip(e.seed() + 50, 90, 5), 16);
            Files.writeString(b.resolve(e.id() + "_prompt.txt"), e.prompt());
        }
        out = root.resolve("report");
        args = List.of("validate", a.toString(), b.toString(), "--reference", reference.toString(), "--vggish", "tiny",
                "--clap", "tiny", "--seconds", "5", "--out", out.toString(), "--json", "--no-progress");
        first = lofi(args.toArray(new String[0]));
        firstReportFile = Files.readString(out.resolve(ValidateJob.REPORT_JSON));
    }

    @Test
    void writesBothReportsWithEveryNumberStated() throws IOException {
        assertTrue(first.code == 0 || first.code == 1, "exit 0 or 1 (a gate verdict), got " + first.code + ": " + first.err);
        JsonNode r = Json.MAPPER.readTree(first.out);
        assertTrue(Files.isRegularFile(out.resolve(ValidateJob.REPORT_JSON)));
        assertTrue(Files.isRegularFile(out.resolve(ValidateJob.REPORT_HTML)));
        assertEquals(Json.MAPPER.readTree(firstReportFile), r, "the file is the --json output");
        JsonNode ref = r.get("reference");
        assertEquals(2, ref.get("tracks").asInt(), "the demo's validation split: one track per style");
        assertEquals(2, ref.get("segments").asInt(), "one whole 5-s segment per 8-s track");
        assertEquals(5.0, ref.get("segmentSeconds").asDouble(), 1e-9);
        assertEquals(2 * 5, ref.get("frames").asInt(), "5 s → 5 VGGish examples of 0.96 s per segment");
        assertEquals(2, ref.get("styles").size(), "styles from the dataset's manifest.json");
        assertTrue(ref.get("clapScore").asDouble() > -1 && ref.get("clapScore").asDouble() < 1);
        JsonNode cks = r.get("checkpoints");
        assertEquals(2, cks.size());
        assertEquals("step-000100", cks.get(0).get("label").asText());
        assertEquals(100, cks.get(0).get("step").asLong());
        assertEquals(200, cks.get(1).get("step").asLong());
        for (JsonNode c : cks) {
            assertEquals(2, c.get("clips").asInt());
            assertEquals(10, c.get("frames").asInt());
            assertTrue(c.get("fad").asDouble() > 0, "FAD of different clips is positive");
            assertEquals(c.get("fad").asDouble() < 5.0, c.get("fadPass").asBoolean(), "FAD gate at 5.0");
            double refClap = ref.get("clapScore").asDouble();
            if (refClap > 0) { // random tiny weights may give the real tracks a negative score: no ratio then
                double rel = c.get("clapScore").asDouble() / refClap;
                assertEquals(rel, c.get("clapRelative").asDouble(), 1e-9);
                assertEquals(rel >= 0.7, c.get("clapPass").asBoolean(), "relative CLAP gate at 0.7");
            } else {
                assertTrue(c.get("clapRelative").isNull());
                assertFalse(c.get("clapPass").asBoolean(), "no relative gate can pass against a score ≤ 0");
            }
            assertEquals(2, c.get("clipScores").size());
            assertFalse(c.get("resumed").asBoolean());
        }
        assertEquals(2, cks.get(0).get("styles").size(), "prompts.json gives styles");
        assertEquals(1, cks.get(1).get("styles").size(), "_prompt.txt pairing has no styles: one 'unlabelled' group");
        String best = r.get("best").asText();
        JsonNode bestNode = cks.get(0).get("label").asText().equals(best) ? cks.get(0) : cks.get(1);
        assertEquals(bestNode.get("passed").asBoolean(), r.get("passed").asBoolean());
        assertEquals(r.get("passed").asBoolean() ? 0 : 1, first.code, "exit 1 exactly when the best fails a gate");
        assertEquals("relative", r.at("/gates/clapGate").asText());
        assertTrue(r.at("/pipeline/vggish").asText().contains("swr (filter_size 128"), "the resampler is recorded");
        for (String png : List.of("fad.png", "clap.png", "styles_clap.png")) {
            assertTrue(Files.size(out.resolve("plots").resolve(png)) > 1000, png);
        }
    }

    @Test
    void aSecondRunResumesEveryCheckpointWithTheSameScores() throws IOException {
        Run again = lofi(args.toArray(new String[0]));
        assertEquals(first.code, again.code, again.err);
        JsonNode a = Json.MAPPER.readTree(first.out), b = Json.MAPPER.readTree(again.out);
        for (int i = 0; i < 2; i++) {
            assertTrue(b.get("checkpoints").get(i).get("resumed").asBoolean(), "checkpoint " + i + " resumed");
            assertEquals(a.get("checkpoints").get(i).get("fad").asDouble(), b.get("checkpoints").get(i).get("fad").asDouble(), 0.0);
            assertEquals(a.get("checkpoints").get(i).get("clapScore").asDouble(),
                    b.get("checkpoints").get(i).get("clapScore").asDouble(), 0.0);
        }
        assertEquals(a.get("reference"), b.get("reference"), "the reference came from the embedding cache unchanged");
    }

    @Test
    void theHtmlReportShowsItsPlotsInARealBrowser() throws IOException {
        ChromeDriver browser = Browser.start(root.resolve("chromium-profile"));
        try {
            browser.get(out.resolve(ValidateJob.REPORT_HTML).toUri().toString());
            assertEquals("Validation report", browser.getTitle());
            List<WebElement> images = browser.findElements(By.tagName("img"));
            assertTrue(images.size() >= 3, "FAD, CLAP and per-style plots");
            for (WebElement img : images) {
                Number w = (Number) browser.executeScript("return arguments[0].complete ? arguments[0].naturalWidth : -1;", img);
                assertEquals(720, w.intValue(), "plot " + img.getAttribute("src") + " decoded at its size");
            }
            JsonNode r = Json.MAPPER.readTree(first.out);
            assertEquals(r.get("best").asText(), browser.findElement(By.id("best")).getText());
            assertTrue(browser.findElement(By.id("verdict")).getText().startsWith(r.get("passed").asBoolean() ? "PASS" : "FAIL"));
            WebElement table = browser.findElement(By.id("checkpoints"));
            assertEquals(3, table.findElements(By.tagName("tr")).size(), "header + 2 checkpoints");
            assertNotNull(table.findElement(By.cssSelector("tr.best")), "the best checkpoint is marked");
            assertTrue(browser.findElement(By.id("gates")).getText().contains("FAD (VGGish) < 5.000"));
            List<WebElement> players = browser.findElements(By.tagName("audio"));
            assertEquals(2, players.size(), "players for the best checkpoint's clips (its 2 clips; players: 3)");
            String src = (String) browser.executeScript("return arguments[0].src;", players.get(0));
            assertTrue(src.startsWith("file:") && src.endsWith(".wav"), src);
            assertTrue(Files.isRegularFile(Path.of(java.net.URI.create(src))), "the player points at the clip");
        } finally {
            browser.quit();
        }
    }

    private static Run lofi(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}

package dev.lofilora.metrics.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.Browser;
import dev.lofilora.cache.CacheMetadata;
import dev.lofilora.cache.CacheStamp;
import dev.lofilora.cache.TrackCache;
import dev.lofilora.cache.TrackCacheFile;
import dev.lofilora.cli.Main;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.train.TrainConfig;
import dev.lofilora.train.TrainJob;
import dev.lofilora.train.TrainResult;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lofi validate --run} end to end on the tiny preset: a real two-checkpoint {@code lofi train --model tiny} run
 * (2 steps on 3 synthetic per-track caches: the smallest run the trainer makes), a synthesised validation split of
 * 2 styles, generation of the seeded prompt set with each checkpoint as the LoRA, scoring with the tiny VGGish and
 * CLAP, both reports, the HTML in headless Chromium; then a re-run (nothing generated again), a retrained checkpoint
 * (its clips generated again), and bad runs (exit 2, nothing written).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ValidateRunTest {
    private Path root;
    private Path runDir;
    private Path reference;
    private Path out;
    private Run first;

    private record Run(int code, String out, String err) {}

    @BeforeAll
    void trainAndValidateOnce() throws IOException {
        root = Files.createTempDirectory("lofi-validate-run");
        reference = ValidateFixtures.reference(root.resolve("validation"), 2, 4);
        AceStepConfig c = TinyPreset.load(ConfigFiles.defaults()).transformerConfig();
        Path cache = root.resolve("cache");
        writeCaches(cache, c, 16, 20, 18);
        runDir = root.resolve("runs/tiny");
        TrainResult trained = new TrainJob(TrainConfig.of(TinyPreset.NAME, cache, runDir, ConfigFiles.defaults())
                .with("max_steps", 2).with("checkpoint_every", 1).with("keep_checkpoints", 5)
                .with("precision", "fp32").with("threads", 1)).run(ProgressListener.NONE);
        assertEquals(2, trained.finalStep(), "the fixture run trained 2 steps");
        out = root.resolve("report");
        first = lofi(args(out, "all"));
    }

    private List<String> args(Path o, String checkpoints) {
        return new ArrayList<>(List.of("validate", "--run", runDir.toString(), "--checkpoints", checkpoints,
                "--reference", reference.toString(), "--vggish", "tiny", "--clap", "tiny", "--seconds", "2",
                "--steps", "2", "--clips-per-style", "1", "--out", o.toString(), "--json", "--no-progress"));
    }

    @Test
    @Order(1)
    void generatesForBothCheckpointsAndWritesBothReports() throws IOException {
        assertTrue(first.code == 0 || first.code == 1, "exit 0 or 1 (a gate verdict), got " + first.code + ": " + first.err);
        JsonNode r = Json.MAPPER.readTree(first.out);
        assertEquals(Json.MAPPER.readTree(out.resolve(ValidateJob.REPORT_JSON).toFile()), r, "the file is the --json output");
        assertTrue(Files.size(out.resolve(ValidateJob.REPORT_HTML)) > 1000);
        JsonNode gen = r.at("/run/checkpoints");
        assertEquals(2, gen.size(), "both checkpoints of the run");
        assertEquals(TinyPreset.NAME, r.at("/run/model").asText(), "the base model from run.json");
        JsonNode cks = r.get("checkpoints");
        assertEquals(2, cks.size());
        for (int i = 0; i < 2; i++) {
            long step = i + 1;
            assertEquals(String.format("step-%06d", step), gen.get(i).get("label").asText());
            assertEquals(2, gen.get(i).get("generated").asInt(), "one prompt per style × 2 styles, all new");
            assertEquals(0, gen.get(i).get("unchanged").asInt());
            Path dir = out.resolve("generated").resolve(gen.get(i).get("label").asText());
            JsonNode ck = cks.get(i);
            assertEquals(step, ck.get("step").asLong(), "checkpoints on the step axis");
            assertEquals(dir.toString(), ck.get("dir").asText());
            assertEquals(2, ck.get("clips").asInt());
            assertEquals(2 * 2, ck.get("frames").asInt(), "2-s clips → 2 VGGish frames each");
            assertEquals(2.0, ck.get("clipSeconds").asDouble(), 0.02, "clips generated at the scored length");
            assertTrue(Double.isFinite(ck.get("fad").asDouble()) && ck.get("fad").asDouble() > 0);
            assertEquals(2, ck.get("styles").size(), "prompts.json carries the styles");
            // the prompt set: the reference's own prompts, one per style, paired by id
            JsonNode prompts = Json.readTree(dir.resolve(ClipFolders.PROMPTS_JSON)).get("clips");
            assertEquals(2, prompts.size());
            for (JsonNode p : prompts) {
                String id = p.get("id").asText();
                assertTrue(Files.size(dir.resolve(id + ".wav")) > 2 * 48000 * 2 * 4 - 1000, "2 s of stereo float32");
                assertTrue(Files.readString(reference.resolve(p.get("source").asText() + "_prompt.txt"))
                        .contains(p.get("prompt").asText()), "the prompt is its source track's own");
                JsonNode params = Json.readTree(dir.resolve(id + "_input_params.json"));
                assertEquals(p.get("seed").asLong(), params.at("/actual_seeds/0").asLong(-1),
                        "the clip's seed is the prompt set's");
            }
        }
        assertTrue(Files.size(out.resolve("plots/fad.png")) > 1000);
        assertTrue(Files.size(out.resolve("plots/clap.png")) > 1000);
        // the two checkpoints' clips differ (different adapters), the same prompt ids in both
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(out.resolve("generated/step-000001").resolve(firstId())),
                Files.readAllBytes(out.resolve("generated/step-000002").resolve(firstId()))));
    }

    @Test
    @Order(2)
    void theHtmlReportShowsItsPlotsInARealBrowser() throws IOException {
        ChromeDriver browser = Browser.start(Files.createDirectories(root.resolve("chromium-profile")));
        try {
            browser.get(out.resolve(ValidateJob.REPORT_HTML).toUri().toString());
            assertEquals("Validation report", browser.getTitle());
            List<WebElement> images = browser.findElements(By.tagName("img"));
            assertTrue(images.size() >= 3, "FAD, CLAP and per-style plots, got " + images.size());
            for (WebElement img : images) {
                Number w = (Number) browser.executeScript("return arguments[0].complete ? arguments[0].naturalWidth : -1;", img);
                assertTrue(w.intValue() > 0, "plot " + img.getAttribute("src") + " decoded, naturalWidth " + w);
            }
            WebElement table = browser.findElement(By.id("checkpoints"));
            assertEquals(3, table.findElements(By.tagName("tr")).size(), "header + 2 checkpoints");
            assertTrue(table.getText().contains("step-000001") && table.getText().contains("step-000002"));
            List<WebElement> players = browser.findElements(By.tagName("audio"));
            assertEquals(2, players.size(), "players for the best checkpoint's 2 generated clips");
            String src = (String) browser.executeScript("return arguments[0].src;", players.get(0));
            assertTrue(src.contains("/generated/step-00000") && src.endsWith(".wav"), src);
            assertTrue(browser.findElement(By.id("generation")).getText().contains("euler 2 steps"),
                    browser.findElement(By.id("generation")).getText());
        } finally {
            browser.quit();
        }
    }

    @Test
    @Order(3)
    void aReRunGeneratesNothingAgainAndResumesTheScores() throws IOException {
        Map<Path, FileTime> before = wavTimes();
        Run again = lofi(args(out, "all"));
        assertEquals(first.code, again.code, again.err);
        JsonNode a = Json.MAPPER.readTree(first.out), b = Json.MAPPER.readTree(again.out);
        for (int i = 0; i < 2; i++) {
            JsonNode g = b.at("/run/checkpoints").get(i);
            assertEquals(0, g.get("generated").asInt(), "nothing regenerated for " + g.get("label"));
            assertEquals(2, g.get("unchanged").asInt());
            assertTrue(b.get("checkpoints").get(i).get("resumed").asBoolean(), "scores read back");
            assertEquals(a.get("checkpoints").get(i).get("fad").asDouble(), b.get("checkpoints").get(i).get("fad").asDouble(), 0.0);
        }
        assertEquals(before, wavTimes(), "no clip file was rewritten");
    }

    @Test
    @Order(4)
    void aRetrainedCheckpointIsGeneratedAgainAndTheSwappedAdapterGivesTheFreshlyLoadedClips() throws IOException {
        // step-000002 rewritten with step-000001's adapter (as a retrained run would): its hash changes
        Path ck1 = runDir.resolve("checkpoints/step-000001"), ck2 = runDir.resolve("checkpoints/step-000002");
        Path saved = root.resolve("step2-adapter.safetensors");
        byte[] firstStep2Clip = Files.readAllBytes(out.resolve("generated/step-000002").resolve(firstId()));
        Files.copy(ck2.resolve("adapter_model.safetensors"), saved);
        Files.copy(ck1.resolve("adapter_model.safetensors"), ck2.resolve("adapter_model.safetensors"),
                StandardCopyOption.REPLACE_EXISTING);
        try {
            Run r = lofi(args(out, "all"));
            assertTrue(r.code == 0 || r.code == 1, r.err);
            JsonNode g = Json.MAPPER.readTree(r.out).at("/run/checkpoints");
            assertEquals(0, g.get(0).get("generated").asInt(), "step-000001 unchanged");
            assertEquals(2, g.get(1).get("generated").asInt(), "another adapter file: step-000002's clips generated again");
            assertArrayEquals(Files.readAllBytes(out.resolve("generated/step-000001").resolve(firstId())),
                    Files.readAllBytes(out.resolve("generated/step-000002").resolve(firstId())),
                    "the same adapter and seed give the same clip");
        } finally {
            Files.copy(saved, ck2.resolve("adapter_model.safetensors"), StandardCopyOption.REPLACE_EXISTING);
        }
        // back to the original adapter, generated alone on a freshly loaded model: the clip the first run made after
        // swapping step-000001's adapter out and step-000002's in, bit for bit
        Run last = lofi(args(out, "last"));
        JsonNode g = Json.MAPPER.readTree(last.out).at("/run/checkpoints");
        assertEquals(1, g.size(), "--checkpoints last");
        assertEquals("step-000002", g.get(0).get("label").asText());
        assertEquals(2, g.get(0).get("generated").asInt());
        assertArrayEquals(firstStep2Clip, Files.readAllBytes(out.resolve("generated/step-000002").resolve(firstId())),
                "swapping adapters on one loaded model leaves nothing of the previous one");
    }

    @Test
    void aFolderThatIsNotARunIsRefusedAndNothingIsWritten() throws IOException {
        Path notARun = Files.createDirectories(root.resolve("not-a-run"));
        Path o = root.resolve("bad-out-1");
        Run r = lofi(argsFor(notARun, o, "all"));
        assertEquals(2, r.code, r.err);
        assertTrue(r.err.contains("not-a-run") && r.err.contains("no run.json"), r.err);
        assertFalse(Files.exists(o), "nothing written");
    }

    @Test
    void aRunWithoutCheckpointsIsRefusedAndNothingIsWritten() throws IOException {
        Path empty = Files.createDirectories(root.resolve("runs/empty"));
        Files.copy(runDir.resolve("run.json"), empty.resolve("run.json"));
        // an interrupted checkpoint write leaves only a hidden temporary folder: not a checkpoint
        Files.createDirectories(empty.resolve("checkpoints/.step-000001.tmp-1"));
        Path o = root.resolve("bad-out-2");
        Run r = lofi(argsFor(empty, o, "all"));
        assertEquals(2, r.code, r.err);
        assertTrue(r.err.contains("holds no complete checkpoint"), r.err);
        assertFalse(Files.exists(o), "nothing written");
    }

    @Test
    void aMissingStepIsRefusedNamingTheStepsThereAre() {
        Path o = root.resolve("bad-out-3");
        Run r = lofi(argsFor(runDir, o, "1,7"));
        assertEquals(2, r.code, r.err);
        assertTrue(r.err.contains("no checkpoint for step(s) [7]") && r.err.contains("[1, 2]"), r.err);
        assertFalse(Files.exists(o), "nothing written");
        Run bad = lofi(argsFor(runDir, o, "latest"));
        assertEquals(2, bad.code, bad.err);
        assertTrue(bad.err.contains("\"latest\" is not a step"), bad.err);
        assertFalse(Files.exists(o), "nothing written");
    }

    private List<String> argsFor(Path run, Path o, String checkpoints) {
        List<String> a = args(o, checkpoints);
        a.set(a.indexOf("--run") + 1, run.toString());
        return a;
    }

    private String firstId() throws IOException {
        return Json.readTree(out.resolve("generated/step-000001").resolve(ClipFolders.PROMPTS_JSON))
                .get("clips").get(0).get("id").asText() + ".wav";
    }

    private Map<Path, FileTime> wavTimes() throws IOException {
        Map<Path, FileTime> m = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(out.resolve("generated"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".wav")).sorted().toList()) {
                m.put(p, Files.getLastModifiedTime(p));
            }
        }
        assertEquals(4, m.size());
        return m;
    }

    private static Run lofi(List<String> args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(args.toArray(new String[0]));
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Per-track caches of the tiny model's shapes (random latents and text states), as lofi preprocess writes them. */
    private static void writeCaches(Path dir, AceStepConfig c, int... frames) {
        for (int i = 0; i < frames.length; i++) {
            torch.manual_seed(40 + i);
            int t = frames[i], l = 5, n = 4;
            Tensor latent = torch.randn(c.inChannels(), c.maxHeight(), t).mul(new Scalar(0.8));  // [8, 16, T]
            Tensor text = torch.randn(1, l, c.textEmbeddingDim());                               // [1, L, D]
            Tensor textMask = torch.ones(1, l).to(ScalarType.Long);
            Tensor lyrics = torch.randint(1, c.lyricEncoderVocabSize(), new long[] {n});
            Tensor lyricMask = torch.ones(n).to(ScalarType.Long);
            CacheMetadata meta = new CacheMetadata(TrackCacheFile.FORMAT_VERSION, String.format("%064x", i),
                    (long) t * 4457, List.of("lofi, chill, piano " + i), "instrumental",
                    Map.of("dcae", new CacheStamp("tiny", Map.of("latent_channels", (long) c.inChannels()))));
            try (TrackCache e = new TrackCache(String.format("track_%02d", i), latent, text, textMask, lyrics,
                    lyricMask, Map.of(), meta)) {
                TrackCacheFile.write(dir, e);
            }
        }
    }
}

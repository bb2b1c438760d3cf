package dev.lofilora.infer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.infer.guidance.GuidanceSettings;
import dev.lofilora.infer.sampler.SchedulerType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code lofi generate}'s engine on the tiny preset: the WAV length formula, determinism, resume, the params file. */
class GenerateJobTest {
    @TempDir
    Path tmp;

    private static dev.lofilora.tensor.Threads threads;

    @BeforeAll
    static void oneThread() {
        threads = InferFixtures.singleThread();
    }

    @AfterAll
    static void restore() {
        threads.close();
    }

    static GenerateConfig config(List<GenerationItem> items, Path out) {
        SamplingSettings fast = new SamplingSettings(SchedulerType.EULER, 3, List.of(), 10.0,
                GuidanceSettings.aceStepDefaults());
        return GenerateConfig.of("tiny", items, out, ConfigFiles.defaults()).withSampling(fast);
    }

    /** 48 kHz samples of a clip: T = int(d·44100/512/8) latent frames → 4096·T samples at 44.1 kHz → ⌈·160/147⌉. */
    static long expectedSamples(double seconds) {
        long frames = (long) (seconds * 44100 / 512 / 8);
        return (frames * 4096 * 160 + 146) / 147;
    }

    @Test
    void writesAWavOfTheFrameFormulasLengthByteIdenticalForASeedAndResumes() throws Exception {
        GenerationItem item = new GenerationItem("clip", "lofi hip hop, mellow piano", "[verse]\nrain on the window",
                1.5, 42L);
        GenerateResult a = new GenerateJob(config(List.of(item), tmp.resolve("a"))).run(ProgressListener.NONE);
        GenerateResult b = new GenerateJob(config(List.of(item), tmp.resolve("b"))).run(ProgressListener.NONE);
        GenerateResult.Item ra = a.items().get(0);
        assertEquals("generated", ra.status(), ra.message());
        assertEquals(16, ra.frames(), "int(1.5·44100/4096)");
        Path wav = tmp.resolve("a/clip.wav");
        WavFile.Info info = WavFile.info(wav);
        assertEquals(48000, info.sampleRate());
        assertEquals(2, info.channels());
        assertEquals(32, info.bits());
        assertEquals(expectedSamples(1.5), info.frames());
        assertEquals(expectedSamples(1.5), ra.samples());
        assertArrayEquals(Files.readAllBytes(wav), Files.readAllBytes(tmp.resolve("b/clip.wav")), "same seed, same bytes");

        JsonNode params = Json.readTree(tmp.resolve("a/clip_input_params.json"));
        assertEquals("lofi hip hop, mellow piano", params.get("prompt").asText());
        assertEquals(3, params.get("infer_step").asInt());
        assertEquals("apg", params.get("cfg_type").asText());
        assertEquals(42, params.get("actual_seeds").get(0).asLong());
        assertEquals(wav.toString(), params.get("audio_path").asText());
        assertTrue(params.get("timecosts").has("diffusion"));

        GenerateResult again = new GenerateJob(config(List.of(item), tmp.resolve("a"))).run(ProgressListener.NONE);
        assertEquals("unchanged", again.items().get(0).status(), "an interrupted or repeated run resumes");
        GenerationItem otherSeed = new GenerationItem("clip", item.prompt(), item.lyrics(), 1.5, 43L);
        GenerateResult changed = new GenerateJob(config(List.of(otherSeed), tmp.resolve("a"))).run(ProgressListener.NONE);
        assertEquals("generated", changed.items().get(0).status());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(wav), Files.readAllBytes(tmp.resolve("b/clip.wav"))));
    }

    @Test
    void theBf16PipelineWritesAClipOfTheSameLength() throws Exception {
        GenerationItem item = new GenerationItem("b", "lofi", "", 1.0, 9L);
        GenerateConfig c = config(List.of(item), tmp.resolve("bf16"));
        Text2MusicPipeline.Options o = c.pipeline();
        GenerateResult r = new GenerateJob(c.withPipeline(new Text2MusicPipeline.Options(o.device(), true, null, null,
                1.0, o.loraMode(), o.configs()))).run(ProgressListener.NONE);
        assertEquals("generated", r.items().get(0).status(), r.items().get(0).message());
        assertEquals("bfloat16", r.dtype());
        assertEquals(expectedSamples(1.0), WavFile.info(tmp.resolve("bf16/b.wav")).frames());
        assertEquals("bfloat16", Json.readTree(tmp.resolve("bf16/b_input_params.json")).get("lofi_dtype").asText());
    }

    @Test
    void badInputStopsBeforeAnythingIsWritten() {
        Path out = tmp.resolve("bad");
        GenerationItem ok = new GenerationItem("ok", "lofi", "", 1.0, 1L);
        assertRefused("the prompt is empty", config(List.of(new GenerationItem("x", "  ", "", 1.0, 1L)), out));
        assertRefused("outside 1–240 s", config(List.of(new GenerationItem("x", "lofi", "", 0.5, 1L)), out));
        assertRefused("outside 1–240 s", config(List.of(new GenerationItem("x", "lofi", "", 241, 1L)), out));
        assertRefused("not a plain file name", config(List.of(new GenerationItem("../x", "lofi", "", 1, 1L)), out));
        assertRefused("two items are named", config(List.of(ok, ok), out));
        assertRefused("ValueError", config(List.of(ok), out).withSampling(new SamplingSettings(SchedulerType.HEUN, 10,
                List.of(3, 5), 10, GuidanceSettings.aceStepDefaults())));
        GuidanceSettings decay = new GuidanceSettings(15, 0.5, 1.0, 3, 0, 0, dev.lofilora.infer.guidance.CfgType.APG, 1, true);
        assertRefused("ZeroDivisionError", config(List.of(ok), out).withSampling(new SamplingSettings(SchedulerType.EULER,
                2, List.of(), 10, decay)));
        assertRefused("does not exist", GenerateConfig.of(tmp.resolve("no-such-model").toString(), List.of(ok), out,
                ConfigFiles.defaults()));
        assertRefused("Chinese", config(List.of(new GenerationItem("zh", "lofi", "雨夜", 1.0, 1L)), out));
        assertFalse(Files.exists(out), "nothing written");
        assertThrows(LofiException.class, () -> SchedulerType.parse("ddpm"));
        assertThrows(LofiException.class, () -> dev.lofilora.infer.guidance.CfgType.parse("pag"));
    }

    @Test
    void aMissingComponentFolderIsNamed() throws Exception {
        Path model = tmp.resolve("ACE-Step-v1-3.5B");
        Files.createDirectories(model.resolve("ace_step_transformer"));
        LofiException e = assertThrows(LofiException.class, () -> new GenerateJob(GenerateConfig.of(model.toString(),
                List.of(new GenerationItem("x", "lofi", "", 1, 1L)), tmp.resolve("o"), ConfigFiles.defaults()))
                .run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("ace_step_transformer"), e.getMessage());
        Files.delete(model.resolve("ace_step_transformer"));
        e = assertThrows(LofiException.class, () -> new GenerateJob(GenerateConfig.of(model.toString(),
                List.of(new GenerationItem("x", "lofi", "", 1, 1L)), tmp.resolve("o"), ConfigFiles.defaults()))
                .run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("ace_step_transformer") && e.getMessage().contains("does not exist"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("o")));
    }

    private static void assertRefused(String fragment, GenerateConfig c) {
        LofiException e = assertThrows(LofiException.class, () -> new GenerateJob(c).run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}

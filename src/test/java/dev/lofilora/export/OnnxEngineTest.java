package dev.lofilora.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.infer.GenerateConfig;
import dev.lofilora.infer.GenerateJob;
import dev.lofilora.infer.GenerateResult;
import dev.lofilora.infer.GenerationItem;
import dev.lofilora.infer.InferenceLora;
import dev.lofilora.infer.SamplingSettings;
import dev.lofilora.infer.Text2MusicPipeline;
import dev.lofilora.infer.guidance.GuidanceSettings;
import dev.lofilora.infer.sampler.SchedulerType;
import dev.lofilora.tensor.Threads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code lofi generate --engine onnx} on exports of the tiny preset: the fp32 export gives the libtorch engine's audio
 * for the same seed (within 1e-3 of full scale, SNR above 80 dB: the graphs differ from libtorch by ~1e-6 relative
 * per call, through 9 decodes, the DCAE and the vocoder), the int8 and int4 tiers' audio is reported as an SNR; bad
 * exports and options are refused by name before anything is written.
 */
class OnnxEngineTest {
    @TempDir
    static Path shared;
    private static Path fp32;
    private static Threads threads;

    @TempDir
    Path tmp;

    static final GenerationItem ITEM = new GenerationItem("clip", "lofi hip hop, mellow piano", "[verse]\nrain on the window",
            2.0, 42L);

    @BeforeAll
    static void export() {
        threads = Threads.limit(1);
        fp32 = shared.resolve("tiny-fp32");
        new ExportOnnxJob(ExportOnnxJob.Config.of("tiny", Tier.FP32, fp32, ConfigFiles.defaults())).run(ProgressListener.NONE);
    }

    @AfterAll
    static void restore() {
        threads.close();
    }

    static GenerateConfig config(String model, Path out, String engine) {
        SamplingSettings six = new SamplingSettings(SchedulerType.EULER, 6, List.of(), 10.0, GuidanceSettings.aceStepDefaults());
        GenerateConfig c = GenerateConfig.of(model, List.of(ITEM), out, ConfigFiles.defaults()).withSampling(six);
        return c.withPipeline(c.pipeline().withEngine(engine));
    }

    /** SNR of {@code b} against the reference {@code a}, both channels, in dB. */
    static double snr(AudioBuffer a, AudioBuffer b) {
        double signal = 0, noise = 0;
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < a.samples()[c].length; i++) {
                double x = a.samples()[c][i], d = x - b.samples()[c][i];
                signal += x * x;
                noise += d * d;
            }
        }
        return 10 * Math.log10(signal / noise);
    }

    static double maxDiff(AudioBuffer a, AudioBuffer b) {
        double m = 0;
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < a.samples()[c].length; i++) m = Math.max(m, Math.abs(a.samples()[c][i] - b.samples()[c][i]));
        }
        return m;
    }

    @Test
    void fp32ExportGivesTheLibtorchAudioAndTheQuantisedTiersReportAnSnr() throws IOException {
        GenerateResult torch = new GenerateJob(config("tiny", tmp.resolve("torch"), "libtorch")).run(ProgressListener.NONE);
        GenerateResult onnx = new GenerateJob(config(fp32.toString(), tmp.resolve("onnx"), "onnx")).run(ProgressListener.NONE);
        assertEquals("generated", onnx.items().get(0).status(), onnx.items().get(0).message());
        assertEquals(torch.items().get(0).samples(), onnx.items().get(0).samples(), "same length");
        AudioBuffer ref = WavFile.read(tmp.resolve("torch/clip.wav"));
        AudioBuffer got = WavFile.read(tmp.resolve("onnx/clip.wav"));
        double diff = maxDiff(ref, got), snr = snr(ref, got);
        assertTrue(diff < 1e-3, "fp32 engine max |diff| " + diff);
        assertTrue(snr > 80, "fp32 engine SNR " + snr);
        JsonNode params = Json.readTree(tmp.resolve("onnx/clip_input_params.json"));
        assertEquals("onnx", params.get("lofi_engine").asText());
        assertTrue(onnx.model().contains("tier fp32"), onnx.model());

        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "onnx engine vs libtorch, 6 Euler steps, 2 s: "
                + "fp32 max |diff| %.2e, SNR %.1f dB", diff, snr));
        for (Tier tier : List.of(Tier.INT8, Tier.INT4)) {
            Path export = tmp.resolve("tiny-" + tier.id());
            ExportOnnxJob.Config c = ExportOnnxJob.Config.of("tiny", tier, export, ConfigFiles.defaults());
            new ExportOnnxJob(new ExportOnnxJob.Config(c.model(), null, null, 1, false, tier, Map.of(), c.quant(), export,
                    false, false, 16, 0, c.configs())).run(ProgressListener.NONE);
            new GenerateJob(config(export.toString(), tmp.resolve(tier.id()), "onnx")).run(ProgressListener.NONE);
            double s = snr(ref, WavFile.read(tmp.resolve(tier.id()).resolve("clip.wav")));
            report.append(String.format(Locale.ROOT, "; %s SNR %.1f dB", tier.id(), s));
            assertTrue(Double.isFinite(s) && s > 5 && s < snr, tier.id() + " SNR " + s);
        }
        System.out.println(report);
    }

    @Test
    void aMissingOrTruncatedExternalDataFileIsNamedAndNothingIsWritten() throws IOException {
        Path copy = tmp.resolve("copy");
        Files.createDirectories(copy);
        try (var s = Files.list(fp32)) {
            for (Path p : s.toList()) Files.copy(p, copy.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.delete(copy.resolve("transformer_decode.bin"));
        LofiException e = assertThrows(LofiException.class, () -> new GenerateJob(config(copy.toString(),
                tmp.resolve("out"), "onnx")).run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("transformer_decode.bin") && e.getMessage().contains("is missing (the external "
                + "data of transformer_decode)"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");

        Files.copy(fp32.resolve("transformer_decode.bin"), copy.resolve("transformer_decode.bin"));
        try (FileChannel ch = FileChannel.open(copy.resolve("vocoder.bin"), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        e = assertThrows(LofiException.class, () -> new GenerateJob(config(copy.toString(), tmp.resolve("out"), "onnx"))
                .run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("vocoder.bin") && e.getMessage().contains("the manifest says"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void theWrongModelForAnEngineAndEngineOptionsItCannotHonourAreRefused() {
        LofiException notExport = assertThrows(LofiException.class, () -> new GenerateJob(config("tiny", tmp.resolve("o"),
                "onnx")).run(ProgressListener.NONE));
        assertTrue(notExport.getMessage().contains("does not exist"), notExport.getMessage());
        LofiException wrongEngine = assertThrows(LofiException.class, () -> new GenerateJob(config(fp32.toString(),
                tmp.resolve("o"), "libtorch")).run(ProgressListener.NONE));
        assertTrue(wrongEngine.getMessage().contains("add --engine onnx"), wrongEngine.getMessage());
        LofiException unknown = assertThrows(LofiException.class, () -> new GenerateJob(config(fp32.toString(),
                tmp.resolve("o"), "tensorrt")).run(ProgressListener.NONE));
        assertTrue(unknown.getMessage().contains("unknown engine \"tensorrt\"") && unknown.getMessage().contains("onnx"),
                unknown.getMessage());
        GenerateConfig withLora = config(fp32.toString(), tmp.resolve("o"), "onnx");
        Text2MusicPipeline.Options o = withLora.pipeline();
        GenerateConfig lora = withLora.withPipeline(new Text2MusicPipeline.Options(o.device(), false, null, tmp.resolve("a-lora"),
                1.0, InferenceLora.ScaleMode.TRAINING, o.configs(), "onnx"));
        LofiException l = assertThrows(LofiException.class, () -> new GenerateJob(lora).run(ProgressListener.NONE));
        assertTrue(l.getMessage().contains("lofi export-onnx --lora"), l.getMessage());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing written");
    }

    @Test
    void exportRefusesUnknownTiersAudioBelowFp16AndForeignLorasBeforeWritingAnything() {
        assertTrue(assertThrows(LofiException.class, () -> Tier.parse("int3")).getMessage()
                .contains("unknown tier \"int3\" (use fp32, fp16, int8 or int4)"));
        Path out = tmp.resolve("never");
        for (String bad : List.of("dcae=int8", "vocoder=int4")) {
            String[] kv = bad.split("=");
            ExportOnnxJob.Config c = ExportOnnxJob.Config.of("tiny", Tier.INT8, out, ConfigFiles.defaults())
                    .withPrecision(Map.of(kv[0], kv[1]));
            LofiException e = assertThrows(LofiException.class, () -> new ExportOnnxJob(c).run(ProgressListener.NONE));
            assertTrue(e.getMessage().contains("never exported below fp16") && e.getMessage().contains("heard directly"),
                    e.getMessage());
        }
        LofiException t5 = assertThrows(LofiException.class, () -> new ExportOnnxJob(ExportOnnxJob.Config.of("tiny",
                Tier.INT4, out, ConfigFiles.defaults()).withPrecision(Map.of("text_encoder", "int4"))).run(ProgressListener.NONE));
        assertTrue(t5.getMessage().contains("text_encoder=int4 is refused"), t5.getMessage());
        assertEquals(dev.lofilora.export.graph.Precision.FP16_STORED, ExportOnnxJob.plan(Tier.FP32, Map.of("vocoder", "fp16"))
                .get(Tier.Component.VOCODER), "fp16 audio is stored fp16, computed fp32");

        Path foreign = tmp.resolve("foreign");
        var section = (com.fasterxml.jackson.databind.node.ObjectNode) ExportFixtures.PRESET.section("transformer").deepCopy();
        section.put("num_layers", 5);                                      // blocks 3 and 4 do not exist in tiny
        try (var other = ExportFixtures.transformer(dev.lofilora.model.transformer.AceStepConfig.parse(section, null), 3)) {
            var lora = dev.lofilora.lora.LoraModel.inject(other, new dev.lofilora.lora.LoraConfig(2, 2, false,
                    List.of("to_q"), null, 0));
            lora.initialize(1, org.bytedeco.pytorch.global.torch.ScalarType.Float);
            dev.lofilora.lora.AdapterFiles.writePeft(foreign, lora);
            lora.close();
        }
        LofiException e = assertThrows(LofiException.class, () -> new ExportOnnxJob(ExportOnnxJob.Config.of("tiny",
                Tier.FP32, out, ConfigFiles.defaults()).withLora(foreign, 1.0)).run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains(foreign.toString()) && e.getMessage().contains("transformer_blocks.4.attn.to_q"),
                e.getMessage());
        assertFalse(Files.exists(out), "nothing written");
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".lofi-")), "no temporary folder left");
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}

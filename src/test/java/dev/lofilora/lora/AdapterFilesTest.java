package dev.lofilora.lora;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.SharedFiles;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.SafetensorsWriter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/** Adapter files in every format (DESIGN §3.8, research §3.10, §5.4): keys, shapes, scales, and the same forward. */
class AdapterFilesTest {
    static final LoraConfig CONFIG = new LoraConfig(4, 12, true, LoraConfig.ACESTEP_TARGETS, null, 0); // scale 6

    @TempDir
    Path tmp;

    private static ACEStepTransformer2DModel model() {
        return TinyPreset.load(ConfigFiles.defaults()).transformer(Devices.cpu(), ScalarType.Float);
    }

    /** A LoRA with non-zero B, as after training. */
    private static LoraModel trained(ACEStepTransformer2DModel m) {
        LoraModel lora = LoraModel.inject(m, CONFIG);
        lora.initialize(3, ScalarType.Float);
        torch.manual_seed(4);
        try (NoGradGuard g = new NoGradGuard()) {
            lora.parameters().forEach((k, p) -> { if (k.endsWith("lora_B.weight")) p.value().normal_(0, 0.1, new GeneratorOptional()); });
        }
        return lora;
    }

    private static Tensor forward(ACEStepTransformer2DModel m) {
        torch.manual_seed(9);
        var c = m.config;
        try (NoGradGuard g = new NoGradGuard()) {
            return m.forward(torch.randn(2, c.inChannels(), c.maxHeight(), 12), torch.ones(2, 12),
                    torch.randn(2, 5, c.textEmbeddingDim()), torch.ones(2, 5).to(ScalarType.Long),
                    torch.randn(2, c.speakerEmbeddingDim()), torch.randint(1, 100, new long[] {2, 4}),
                    torch.ones(2, 4).to(ScalarType.Long), torch.full(new long[] {2}, new Scalar(300.0)), false,
                    Capture.NONE).sample();
        }
    }

    /** The keys ACE-Step saves for this model (research §3.10), written out independently of the code. */
    private static TreeSet<String> acestepKeys(int blocks, int lyricLayers) {
        TreeSet<String> k = new TreeSet<>();
        List<String> modules = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            for (String a : List.of("attn", "cross_attn")) {
                for (String p : List.of("to_q", "to_k", "to_v", "to_out.0")) modules.add("transformer_blocks." + i + "." + a + "." + p);
            }
        }
        modules.add("speaker_embedder");
        for (int j = 0; j < lyricLayers; j++) {
            for (String p : List.of("linear_q", "linear_k", "linear_v")) modules.add("lyric_encoder.encoders." + j + ".self_attn." + p);
        }
        for (String m : modules) { k.add(m + ".lora_A.weight"); k.add(m + ".lora_B.weight"); }
        return k;
    }

    @Test
    void peftCheckpointRoundTripsWithAceStepKeysAndShapes() throws Exception {
        try (ACEStepTransformer2DModel m = model(); LoraModel lora = trained(m)) {
            Path dir = tmp.resolve("ckpt");
            AdapterFiles.writePeft(dir, lora);
            JsonNode cfg = Json.readTree(dir.resolve("adapter_config.json"));
            assertEquals(4, cfg.get("r").asInt());
            assertEquals(12, cfg.get("lora_alpha").asInt());
            assertTrue(cfg.get("use_rslora").asBoolean());
            assertEquals("LORA", cfg.get("peft_type").asText());
            try (AdapterFile a = AdapterFiles.read(dir)) {
                assertEquals(AdapterFormat.PEFT, a.format());
                assertEquals(6.0, a.scale(), 1e-12, "alpha/√r");
                assertEquals(acestepKeys(m.config.numLayers(), m.config.lyricEncoder().numBlocks()),
                        new TreeSet<>(a.weights().keySet()));
                long d = m.config.width();
                assertArrayEquals(new long[] {4, d}, Tensors.shape(a.weights().get("transformer_blocks.0.attn.to_q.lora_A.weight")));
                assertArrayEquals(new long[] {d, 4}, Tensors.shape(a.weights().get("transformer_blocks.0.attn.to_q.lora_B.weight")));
                assertArrayEquals(new long[] {4, m.config.speakerEmbeddingDim()},
                        Tensors.shape(a.weights().get("speaker_embedder.lora_A.weight")));
                for (var e : lora.stateDict().entrySet()) {
                    assertTrue(Tensors.bitIdentical(e.getValue(), a.weights().get(e.getKey())), e.getKey());
                }
            }
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
                assertEquals("F32", f.info("speaker_embedder.lora_B.weight").dtype().safetensorsName());
            }
        }
    }

    @Test
    void peftWithBaseModelPrefixAndDiffusersFilesLoadWithTheirOwnScale() throws Exception {
        try (ACEStepTransformer2DModel m = model(); LoraModel lora = trained(m)) {
            Map<String, Tensor> sd = lora.stateDict();
            Path prefixed = tmp.resolve("prefixed");
            Map<String, Tensor> withPrefix = new LinkedHashMap<>();
            sd.forEach((k, v) -> withPrefix.put("base_model.model." + k, v));
            SafetensorsWriter.write(prefixed.resolve(AdapterFiles.PEFT_WEIGHTS), withPrefix);
            Json.write(prefixed.resolve(AdapterFiles.PEFT_CONFIG), CONFIG.toPeftJson());
            Path diffusers = tmp.resolve("acestep/" + AdapterFiles.ACESTEP_WEIGHTS);
            Map<String, Tensor> withTransformer = new LinkedHashMap<>();
            sd.forEach((k, v) -> withTransformer.put("transformer." + k, v));
            SafetensorsWriter.write(diffusers, withTransformer, Map.of("format", "pt"));
            try (AdapterFile p = AdapterFiles.read(prefixed); AdapterFile d = AdapterFiles.read(diffusers.getParent())) {
                assertEquals(AdapterFormat.PEFT, p.format());
                assertEquals(6.0, p.scale(), 1e-12);
                assertEquals(AdapterFormat.ACESTEP, d.format());
                assertEquals(1.0, d.scale(), 0, "ACE-Step's loader ignores alpha: lora_weight × 1.0");
                assertEquals(4, d.config().r());
                assertEquals(4.0, d.config().alpha(), 0, "diffusers rebuilds alpha = r");
                for (String k : sd.keySet()) assertTrue(Tensors.bitIdentical(p.weights().get(k), d.weights().get(k)), k);
            }
        }
    }

    @Test
    void exportBakesTheScaleOnceAndGivesTheCheckpointsForwardOutput() throws Exception {
        Tensor expected;
        Path ckpt = tmp.resolve("ckpt");
        try (ACEStepTransformer2DModel m = model(); LoraModel lora = trained(m)) {
            expected = forward(m);
            AdapterFiles.writePeft(ckpt, lora);
        }
        Path exported = new ExportLoraJob(new ExportLoraJob.Config(ckpt, tmp.resolve("export"), null)).run().file();
        assertEquals(AdapterFiles.ACESTEP_WEIGHTS, exported.getFileName().toString());
        try (SafetensorsFile f = SafetensorsFile.open(exported)) {
            assertEquals("6.0", f.metadata().get(AdapterFiles.SCALE_BAKED));
            JsonNode meta = Json.MAPPER.readTree(f.metadata().get(AdapterFiles.DIFFUSERS_METADATA));
            assertEquals(4, meta.get("lora_alpha").asInt(), "a metadata-reading loader also lands on scale 1");
            assertFalse(meta.get("use_rslora").asBoolean());
        }
        try (AdapterFile peft = AdapterFiles.read(ckpt); AdapterFile exp = AdapterFiles.read(exported)) {
            assertEquals(AdapterFormat.LOFI_EXPORT, exp.format());
            assertEquals(1.0, exp.scale(), 0, "never scaled twice");
            assertEquals(6.0, exp.trainingScale(), 0);
            Tensor b = peft.weights().get("transformer_blocks.1.cross_attn.to_v.lora_B.weight");
            assertEquals(0.0, Tensors.maxAbsDiff(b.mul(new Scalar(6.0)),
                    exp.weights().get("transformer_blocks.1.cross_attn.to_v.lora_B.weight")), 0);
            for (AdapterFile file : List.of(peft, exp)) {
                try (ACEStepTransformer2DModel m2 = model(); LoraModel l2 = file.applyTo(m2)) {
                    double diff = Tensors.maxAbsDiff(expected, forward(m2));
                    double tol = file == peft ? 0 : 1e-5 * Tensors.maxAbs(expected); // (B·6)·A·x vs (B·A·x)·6
                    assertTrue(diff <= tol, file.format() + ": forward differs by " + diff);
                }
            }
        }
        // Exporting the export keeps the baked scale (applied at 1.0, baked again at 1.0).
        Path again = new ExportLoraJob(new ExportLoraJob.Config(exported, tmp.resolve("again.safetensors"), null)).run().file();
        try (AdapterFile a = AdapterFiles.read(exported); AdapterFile b = AdapterFiles.read(again)) {
            for (String k : a.weights().keySet()) assertTrue(Tensors.bitIdentical(a.weights().get(k), b.weights().get(k)), k);
        }
    }

    @Test
    void goldenAceStepFileReadsAsAceStepFormatAtScaleOne() {
        Path golden = SharedFiles.require("golden/acestep/A/lora.safetensors");
        try (AdapterFile a = AdapterFiles.read(golden)) {
            assertEquals(AdapterFormat.ACESTEP, a.format());
            assertEquals(62, a.weights().size());
            assertEquals(8, a.config().r());
            assertEquals(1.0, a.scale(), 0);
        }
    }

    @Test
    void brokenFilesAreRefusedWithTheFileName() throws Exception {
        Path dir = tmp.resolve("peft-no-config");
        try (ACEStepTransformer2DModel m = model(); LoraModel lora = trained(m)) {
            SafetensorsWriter.write(dir.resolve(AdapterFiles.PEFT_WEIGHTS), lora.stateDict());
            LofiException e = assertThrows(LofiException.class, () -> AdapterFiles.read(dir));
            assertTrue(e.getMessage().contains("without its adapter_config.json"), e.getMessage());
            Map<String, Tensor> onlyA = new LinkedHashMap<>(lora.stateDict());
            onlyA.remove("speaker_embedder.lora_B.weight");
            Path half = tmp.resolve("half.safetensors");
            SafetensorsWriter.write(half, onlyA);
            LofiException h = assertThrows(LofiException.class, () -> AdapterFiles.read(half));
            assertTrue(h.getMessage().contains("speaker_embedder has no lora_B"), h.getMessage());
            Files.writeString(tmp.resolve("junk.safetensors"), "not a safetensors file");
            assertThrows(LofiException.class, () -> AdapterFiles.read(tmp.resolve("junk.safetensors")));
        }
    }
}

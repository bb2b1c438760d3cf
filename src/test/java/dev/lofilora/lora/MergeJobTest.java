package dev.lofilora.lora;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.infer.InferenceLora;
import dev.lofilora.model.frozen.TinyCheckpoint;
import dev.lofilora.model.tiny.TinyPreset;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepTransformerLoader;
import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.SafetensorsWriter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/** {@code lofi merge}: what the merged model computes, scale 0, the layout of a released-shape sharded folder, refusals. */
class MergeJobTest {
    static final LoraConfig CONFIG = new LoraConfig(4, 12, true, LoraConfig.ACESTEP_TARGETS, null, 0); // scale 6

    @TempDir
    Path tmp;

    private static ACEStepTransformer2DModel tiny() {
        return TinyPreset.load(ConfigFiles.defaults()).transformer(Devices.cpu(), ScalarType.Float);
    }

    /** The tiny preset as an ACE-Step folder (transformer fp32 + the frozen components). */
    private Path tinyFolder() throws Exception {
        return TinyAceStepFolder.write(tmp.resolve("base"));
    }

    /** A PEFT checkpoint of a LoRA with non-zero B, as after training. */
    private Path loraFor(ACEStepTransformer2DModel m, LoraConfig config, String name) {
        LoraModel lora = LoraModel.inject(m, config);
        lora.initialize(3, ScalarType.Float);
        torch.manual_seed(4);
        try (NoGradGuard g = new NoGradGuard()) {
            lora.parameters().forEach((k, p) -> { if (k.endsWith("lora_B.weight")) p.value().normal_(0, 0.1, new GeneratorOptional()); });
        }
        Path dir = tmp.resolve(name);
        AdapterFiles.writePeft(dir, lora);
        lora.close();
        return dir;
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

    @Test
    void mergedTinyModelComputesWhatTheUnmergedLoraDoesWithinFp32RoundOff() throws Exception {
        Path base = tinyFolder();
        Path lora;
        try (ACEStepTransformer2DModel m = tiny()) {
            lora = loraFor(m, CONFIG, "lora");
        }
        MergeJob.Result r = new MergeJob(new MergeJob.Config(base, lora, 1.0, false, tmp.resolve("merged"), false, false))
                .run(ProgressListener.NONE);
        assertEquals(6.0, r.effectiveScale(), 1e-12, "1.0 = as trained: alpha/√r = 12/2");
        assertEquals(3 * 8 + 1 + 2 * 3, r.layersMerged(), "8 targets per block (3 blocks), speaker, 3 per lyric layer (2)");
        Tensor unmerged;
        try (ACEStepTransformer2DModel m = tiny();
             InferenceLora l = InferenceLora.apply(m, lora, 1.0, InferenceLora.ScaleMode.TRAINING)) {
            unmerged = forward(m);
        }
        Tensor merged;
        Tensor plain;
        try (var loaded = AceStepTransformerLoader.load(tmp.resolve("merged").resolve(MergeJob.TRANSFORMER_DIR),
                Devices.cpu(), ScalarType.Float, false); ACEStepTransformer2DModel m = tiny()) {
            merged = forward(loaded.model());
            plain = forward(m);
        }
        double diff = Tensors.maxAbsDiff(merged, unmerged);
        double scale = Tensors.maxAbs(unmerged);
        System.out.printf("merged vs unmerged: max |diff| %.3g of max %.3g; the adapter moves it by %.3g%n", diff, scale,
                Tensors.maxAbsDiff(plain, unmerged));
        assertTrue(diff < 1e-5 * scale, "fp32 round-off: " + diff);
        assertTrue(Tensors.maxAbsDiff(plain, unmerged) > 1e3 * diff, "the adapter matters far more than the round-off");

        JsonNode record = Json.readTree(tmp.resolve("merged").resolve(MergeJob.RECORD));
        assertEquals(6.0, record.get("effective_scale").asDouble(), 1e-12);
        assertEquals(MergeJob.sha256(lora.resolve(AdapterFiles.PEFT_WEIGHTS)), record.get("lora_sha256").asText());
        for (String f : List.of("music_vocoder/diffusion_pytorch_model.safetensors", "umt5-base/tokenizer.json", "lyric_vocab.json")) {
            assertArrayEquals(Files.readAllBytes(base.resolve(f)), Files.readAllBytes(tmp.resolve("merged").resolve(f)), f);
        }
        assertEquals(Files.size(base.resolve("ace_step_transformer/diffusion_pytorch_model.safetensors")),
                Files.size(tmp.resolve("merged/ace_step_transformer/diffusion_pytorch_model.safetensors")));
    }

    @Test
    void scaleZeroReturnsTheBaseBitForBit() throws Exception {
        Path base = tinyFolder();
        Path lora;
        try (ACEStepTransformer2DModel m = tiny()) {
            lora = loraFor(m, CONFIG, "lora");
        }
        new MergeJob(new MergeJob.Config(base, lora, 0.0, false, tmp.resolve("zero"), true, false)).run(ProgressListener.NONE);
        Path file = Path.of(MergeJob.TRANSFORMER_DIR, "diffusion_pytorch_model.safetensors");
        assertArrayEquals(Files.readAllBytes(base.resolve(file)), Files.readAllBytes(tmp.resolve("zero").resolve(file)));
        assertArrayEquals(Files.readAllBytes(base.resolve(MergeJob.TRANSFORMER_DIR).resolve("config.json")),
                Files.readAllBytes(tmp.resolve("zero").resolve(MergeJob.TRANSFORMER_DIR).resolve("config.json")));
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor w = torch.full(new long[] {2, 3}, new Scalar(-0.0));
            assertTrue(Tensors.bitIdentical(w, LoraMerge.fold(w, torch.ones(1, 3), torch.ones(2, 1), 0.0)),
                    "−0.0 stays −0.0 (adding a zero delta would not keep it)");
        }
    }

    private static TensorOptions bf16() { return new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.BFloat16)); }

    @Test
    void aReleasedShapeShardedFolderKeepsItsShardsOrderSizesAndIndex() throws Exception {
        // ACE-Step v1's shapes (research/acestep.md §2.7) for block 0's attention, block 1's table and the first lyric
        // layer, bf16 as the hub stores them, in three shards: the merge must rewrite two and link the third.
        Generator g = torch.createCPUGenerator(11);
        Map<String, long[]> shard1 = new TreeMap<>(), shard2 = new TreeMap<>(), shard3 = new TreeMap<>();
        for (String p : List.of("to_q", "to_k", "to_v", "to_out.0")) {
            shard1.put("transformer_blocks.0.attn." + p + ".weight", new long[] {2560, 2560});
            shard1.put("transformer_blocks.0.attn." + p + ".bias", new long[] {2560});
        }
        shard2.put("transformer_blocks.0.cross_attn.to_q.weight", new long[] {2560, 2560});
        shard2.put("speaker_embedder.weight", new long[] {2560, 512});
        for (String p : List.of("linear_q", "linear_k", "linear_v")) {
            shard2.put("lyric_encoder.encoders.0.self_attn." + p + ".weight", new long[] {1024, 1024});
        }
        shard2.put("transformer_blocks.0.scale_shift_table", new long[] {6, 2560});
        shard3.put("transformer_blocks.1.scale_shift_table", new long[] {6, 2560});
        shard3.put("transformer_blocks.1.ff.depth_conv.conv.weight", new long[] {12800, 1, 3});
        Path t = Files.createDirectories(tmp.resolve("real").resolve(MergeJob.TRANSFORMER_DIR));
        Files.writeString(t.resolve("config.json"), "{\"_class_name\": \"ACEStepTransformer2DModel\"}");
        Map<String, String> weightMap = new TreeMap<>();
        long total = 0;
        List<Map<String, long[]>> shards = List.of(shard1, shard2, shard3);
        for (int i = 0; i < 3; i++) {
            String name = String.format("diffusion_pytorch_model-%05d-of-00003.safetensors", i + 1);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (var e : shards.get(i).entrySet()) {
                tensors.put(e.getKey(), torch.randn(e.getValue(), new GeneratorOptional(g), bf16()).mul(new Scalar(0.02)));
                weightMap.put(e.getKey(), name);
                total += tensors.get(e.getKey()).nbytes();
            }
            SafetensorsWriter.write(t.resolve(name), tensors, Map.of("format", "pt"));
            tensors.values().forEach(Tensor::close);
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", total));
        index.put("weight_map", weightMap);
        Files.writeString(t.resolve("diffusion_pytorch_model.safetensors.index.json"), Json.toString(index));

        Map<String, Tensor> adapter = new LinkedHashMap<>();
        List<String> targets = List.of("transformer_blocks.0.attn.to_q", "transformer_blocks.0.attn.to_k",
                "transformer_blocks.0.attn.to_v", "transformer_blocks.0.attn.to_out.0",
                "transformer_blocks.0.cross_attn.to_q", "speaker_embedder", "lyric_encoder.encoders.0.self_attn.linear_q",
                "lyric_encoder.encoders.0.self_attn.linear_k", "lyric_encoder.encoders.0.self_attn.linear_v");
        for (String target : targets) {
            long[] w = (shard1.containsKey(target + ".weight") ? shard1 : shard2).get(target + ".weight");
            adapter.put(target + ".lora_A.weight", torch.randn(new long[] {8, w[1]}, new GeneratorOptional(g), new TensorOptions()).mul(new Scalar(0.05)));
            adapter.put(target + ".lora_B.weight", torch.randn(new long[] {w[0], 8}, new GeneratorOptional(g), new TensorOptions()).mul(new Scalar(0.05)));
        }
        Path loraDir = Files.createDirectories(tmp.resolve("real-lora"));
        AdapterFiles.writePeft(loraDir, new LoraConfig(8, 16, false, LoraConfig.ACESTEP_TARGETS, null, 0), adapter); // scale 2

        MergeJob.Result r = new MergeJob(new MergeJob.Config(tmp.resolve("real"), loraDir, 1.0, false,
                tmp.resolve("real-merged"), false, false)).run(ProgressListener.NONE);
        assertEquals(List.of("diffusion_pytorch_model-00001-of-00003.safetensors",
                "diffusion_pytorch_model-00002-of-00003.safetensors"), r.transformerFiles(), "shard 3 has no target");
        Path mt = tmp.resolve("real-merged").resolve(MergeJob.TRANSFORMER_DIR);
        assertArrayEquals(Files.readAllBytes(t.resolve("diffusion_pytorch_model.safetensors.index.json")),
                Files.readAllBytes(mt.resolve("diffusion_pytorch_model.safetensors.index.json")), "the index, unchanged");
        for (int i = 1; i <= 3; i++) {
            String name = String.format("diffusion_pytorch_model-%05d-of-00003.safetensors", i);
            assertEquals(Files.size(t.resolve(name)), Files.size(mt.resolve(name)), name);
            try (SafetensorsFile a = SafetensorsFile.open(t.resolve(name)); SafetensorsFile b = SafetensorsFile.open(mt.resolve(name))) {
                assertEquals(a.names(), b.names(), "same tensors in the same order");
                for (String n : a.names()) assertEquals(a.info(n), b.info(n), n + ": dtype, shape and byte range");
                assertEquals(a.metadata(), b.metadata());
                assertEquals(a.dataStart(), b.dataStart(), "same header length");
            }
        }
        assertArrayEquals(Files.readAllBytes(t.resolve("diffusion_pytorch_model-00003-of-00003.safetensors")),
                Files.readAllBytes(mt.resolve("diffusion_pytorch_model-00003-of-00003.safetensors")));
        String key = "transformer_blocks.0.attn.to_v";
        try (SafetensorsFile a = SafetensorsFile.open(t.resolve("diffusion_pytorch_model-00001-of-00003.safetensors"));
             SafetensorsFile b = SafetensorsFile.open(mt.resolve("diffusion_pytorch_model-00001-of-00003.safetensors"));
             NoGradGuard ng = new NoGradGuard()) {
            Tensor w = a.tensor(key + ".weight");
            Tensor expected = w.to(ScalarType.Double).add(torch.matmul(adapter.get(key + ".lora_B.weight").to(ScalarType.Double),
                    adapter.get(key + ".lora_A.weight").to(ScalarType.Double)).mul(new Scalar(2.0)));   // float64 reference
            Tensor got = b.tensor(key + ".weight");
            assertEquals(ScalarType.BFloat16.value, got.scalar_type().value, "stored in the base's dtype");
            assertTrue(Tensors.maxAbsDiff(got, expected) <= 0x1p-8 * Tensors.maxAbs(expected),
                    "within one bf16 rounding of W + 2·B·A");
            assertTrue(Tensors.maxAbsDiff(got, w) > 0.01, "the weight did change");
            assertTrue(Tensors.bitIdentical(a.tensor(key + ".bias"), b.tensor(key + ".bias")), "biases untouched");
        }
    }

    @Test
    void aLoraForAnotherModelIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path base = tinyFolder();
        Path foreign;
        var section = (com.fasterxml.jackson.databind.node.ObjectNode) TinyPreset.load(ConfigFiles.defaults()).section("transformer").deepCopy();
        section.put("num_attention_heads", 8);                                // width 128 instead of 64
        try (ACEStepTransformer2DModel other = new ACEStepTransformer2DModel(
                dev.lofilora.model.transformer.AceStepConfig.parse(section, null), false)) {
            other.materialize(Devices.cpu(), ScalarType.Float);
            foreign = loraFor(other, CONFIG, "foreign");
        }
        LofiException e = assertThrows(LofiException.class, () -> new MergeJob(new MergeJob.Config(base, foreign, 1.0,
                false, tmp.resolve("out"), false, false)).run(ProgressListener.NONE));
        assertTrue(e.getMessage().contains("does not fit this model") && e.getMessage().contains("shape mismatches")
                && e.getMessage().contains(foreign.resolve(AdapterFiles.PEFT_WEIGHTS).toString()), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
        try (var s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".lofi-")), "no temporary folder left");
        }
    }
}

package dev.lofilora.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.ProgressListener;
import dev.lofilora.export.graph.DcaeDecoderGraph;
import dev.lofilora.export.graph.Precision;
import dev.lofilora.export.graph.TransformerDecodeGraph;
import dev.lofilora.export.graph.TransformerEncodeGraph;
import dev.lofilora.export.graph.Umt5Graph;
import dev.lofilora.export.graph.VocoderGraph;
import dev.lofilora.infer.ErgHooks;
import dev.lofilora.model.codec.MusicDcae;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.umt5.UMT5EncoderModel;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.Threads;
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

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every exported graph in ONNX Runtime against the libtorch module it was built from, on the same inputs: float32
 * within 1e-4 of the largest reference value (the sums run in another order, nothing else differs), each tier's error
 * recorded in the manifest; the ERG inputs reproduce ACE-Step's hooks; the mid-size config too.
 */
class GraphsTest {
    @TempDir
    Path tmp;

    private static TensorOptions f32() { return new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Float)); }

    @Test
    void tinyPresetEveryPartFp32WithinOneTenThousandthAndEachTiersErrorInTheManifest() {
        double[][] rel = new double[Tier.values().length][];
        for (Tier tier : Tier.values()) {
            new ExportOnnxJob(ExportOnnxJob.Config.of("tiny", tier, tmp.resolve(tier.id()), ConfigFiles.defaults()))
                    .run(ProgressListener.NONE);
            JsonNode m = Json.readTree(tmp.resolve(tier.id()).resolve(ExportLayout.MANIFEST));
            assertEquals(tier.id(), m.get("tier").asText());
            assertEquals(21, m.get("opset").asInt());
            rel[tier.ordinal()] = new double[ExportLayout.GRAPHS.size()];
            StringBuilder line = new StringBuilder(tier.id());
            for (int i = 0; i < ExportLayout.GRAPHS.size(); i++) {
                JsonNode p = m.get("parts").get(i);
                assertEquals(ExportLayout.GRAPHS.get(i), p.get("name").asText());
                rel[tier.ordinal()][i] = p.get("error").get("max_rel").asDouble();
                line.append(String.format(Locale.ROOT, "  %s %.2e (%d B)", p.get("name").asText(),
                        rel[tier.ordinal()][i], p.get("bytes").asLong()));
            }
            System.out.println(line);
        }
        for (int i = 0; i < ExportLayout.GRAPHS.size(); i++) {
            assertTrue(rel[Tier.FP32.ordinal()][i] < 1e-4, ExportLayout.GRAPHS.get(i) + " fp32: " + rel[0][i]);
            assertTrue(rel[Tier.FP16.ordinal()][i] < 2e-2, ExportLayout.GRAPHS.get(i) + " fp16: " + rel[1][i]);
            assertTrue(rel[Tier.FP16.ordinal()][i] > rel[Tier.FP32.ordinal()][i], "fp16 rounds the weights");
        }
        int decode = ExportLayout.GRAPHS.indexOf(ExportLayout.DECODE);
        assertTrue(rel[Tier.INT8.ordinal()][decode] < 0.1, "int8 decode " + rel[2][decode]);
        assertTrue(rel[Tier.INT4.ordinal()][decode] > rel[Tier.INT8.ordinal()][decode], "4 bits lose more than 8");
        int vocoder = ExportLayout.GRAPHS.indexOf(ExportLayout.VOCODER);
        assertEquals(rel[Tier.FP16.ordinal()][vocoder], rel[Tier.INT4.ordinal()][vocoder],
                "the audio components stay at fp16 under int4");
    }

    @Test
    void ergScaleInputsReproduceTheHooksOfTheDeepModel() {
        try (Threads t = Threads.limit(1); NoGradGuard g = new NoGradGuard();
             ACEStepTransformer2DModel deep = ExportFixtures.deep()) {
            Generator gen = torch.createCPUGenerator(3);
            var c = deep.config;
            Tensor text = torch.randn(new long[] {1, 4, c.textEmbeddingDim()}, new GeneratorOptional(gen), f32());
            Tensor textMask = torch.ones(new long[] {1, 4}, f32());
            Tensor speaker = torch.zeros(new long[] {1, c.speakerEmbeddingDim()}, f32());
            Tensor ids = torch.randint(1, 300, new long[] {1, 6}, new GeneratorOptional(gen),
                    new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Long)));
            Tensor lyricMask = torch.ones(new long[] {1, 6}, f32());
            ACEStepTransformer2DModel.Encoded ref;
            try (ErgHooks h = ErgHooks.install(deep, ErgHooks.lyricTargets(deep))) {
                assertEquals(2, h.names().size());
                ref = deep.encode(text, textMask, speaker, ids, lyricMask, Capture.NONE);
            }
            Map<String, Tensor> in = new HashMap<>(Map.of("encoder_text_hidden_states", text, "text_attention_mask",
                    textMask, "speaker_embeds", speaker, "lyric_token_idx", ids, "lyric_mask", lyricMask));
            in.put(TransformerEncodeGraph.ERG_INPUT, torch.full(new long[0], new Scalar(ErgHooks.TAU)));
            var enc = ExportFixtures.graph(tmp, "encode", deep, Precision.FP32, e -> TransformerEncodeGraph.build(e,
                    deep, Set.copyOf(ErgHooks.lyricTargets(deep))), in, ref.hiddenStates());
            assertTrue(enc.maxRel() < 1e-4, "ERG-lyric encode " + enc.maxRel());

            Tensor latents = torch.randn(new long[] {1, 8, 16, 12}, new GeneratorOptional(gen), f32());
            Tensor mask = torch.ones(new long[] {1, 12}, f32());
            Tensor step = torch.full(new long[] {1}, new Scalar(640.0), f32());
            Tensor plain = deep.decode(latents, mask, ref, step, false, 12, Capture.NONE).sample();
            Tensor hooked;
            try (ErgHooks h = ErgHooks.install(deep, ErgHooks.diffusionTargets(deep))) {
                assertEquals(10, h.names().size());
                hooked = deep.decode(latents, mask, ref, step, false, 12, Capture.NONE).sample();
            }
            Map<String, Tensor> din = new HashMap<>(Map.of("hidden_states", latents, "attention_mask", mask,
                    "encoder_hidden_states", ref.hiddenStates(), "encoder_attention_mask", ref.mask(), "timestep", step));
            din.put(TransformerDecodeGraph.ERG_INPUT, torch.full(new long[0], new Scalar(ErgHooks.TAU)));
            var dec = ExportFixtures.graph(tmp, "decode", deep, Precision.FP32, e -> TransformerDecodeGraph.build(e,
                    deep, Set.copyOf(ErgHooks.diffusionTargets(deep))), din, hooked);
            assertTrue(dec.maxRel() < 1e-4, "ERG-diffusion decode " + dec.maxRel());
            assertTrue(dev.lofilora.tensor.Tensors.maxAbsDiff(plain, hooked) > 100 * dec.maxAbs(),
                    "the hook changes the output far more than the export's error");
        }
    }

    @Test
    void midSizeConfigEveryPartFp32WithinOneTenThousandthOfLibtorch() {
        try (Threads t = Threads.limit(1); NoGradGuard g = new NoGradGuard();
             ACEStepTransformer2DModel model = ExportFixtures.transformer(ExportFixtures.midTransformerConfig(), 9);
             UMT5EncoderModel umt5 = ExportFixtures.midUmt5(10); MusicDcae codec = ExportFixtures.midCodec()) {
            Generator gen = torch.createCPUGenerator(4);
            var c = model.config;
            int frames = 64;
            Tensor text = torch.randn(new long[] {2, 16, c.textEmbeddingDim()}, new GeneratorOptional(gen), f32());
            Tensor textMask = torch.ones(new long[] {2, 16}, f32());
            textMask.select(0, 1).narrow(0, 10, 6).zero_();
            Tensor speaker = torch.zeros(new long[] {2, c.speakerEmbeddingDim()}, f32());
            Tensor ids = torch.randint(1, 6000, new long[] {2, 24}, new GeneratorOptional(gen),
                    new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Long)));
            Tensor lyricMask = torch.ones(new long[] {2, 24}, f32());
            var ref = model.encode(text, textMask, speaker, ids, lyricMask, Capture.NONE);
            var enc = ExportFixtures.graph(tmp, "encode", model, Precision.FP32, e -> TransformerEncodeGraph.build(e,
                    model, Set.of()), Map.of("encoder_text_hidden_states", text, "text_attention_mask", textMask,
                    "speaker_embeds", speaker, "lyric_token_idx", ids, "lyric_mask", lyricMask), ref.hiddenStates());
            Tensor latents = torch.randn(new long[] {2, 8, 16, frames}, new GeneratorOptional(gen), f32());
            Tensor mask = torch.ones(new long[] {2, frames}, f32());
            Tensor step = torch.rand(new long[] {2}, new GeneratorOptional(gen), f32()).mul(new Scalar(1000));
            Tensor sample = model.decode(latents, mask, ref, step, false, frames, Capture.NONE).sample();
            var dec = ExportFixtures.graph(tmp, "decode", model, Precision.FP32, e -> TransformerDecodeGraph.build(e,
                    model, Set.of()), Map.of("hidden_states", latents, "attention_mask", mask, "encoder_hidden_states",
                    ref.hiddenStates(), "encoder_attention_mask", ref.mask(), "timestep", step), sample);

            Tensor tokens = torch.randint(2, 2048, new long[] {2, 20}, new GeneratorOptional(gen),
                    new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Long)));
            Tensor tokenMask = torch.ones(new long[] {2, 20}, f32());
            tokenMask.select(0, 0).narrow(0, 15, 5).zero_();
            Tensor refText = umt5.forward(tokens, tokenMask);
            Tensor tagged;
            try (ErgHooks h = ErgHooks.install(umt5, ErgHooks.tagTargets(umt5))) {
                assertEquals(2, h.names().size(), "blocks 8 and 9 exist");
                tagged = umt5.forward(tokens, tokenMask);
            }
            var txt = ExportFixtures.graph(tmp, "umt5", umt5, Precision.FP32, e -> Umt5Graph.build(e, umt5, Set.of()),
                    Map.of("input_ids", tokens, "attention_mask", tokenMask), refText);
            Map<String, Tensor> tagIn = new HashMap<>(Map.of("input_ids", tokens, "attention_mask", tokenMask));
            tagIn.put(Umt5Graph.ERG_INPUT, torch.full(new long[0], new Scalar(ErgHooks.TAU)));
            var tag = ExportFixtures.graph(tmp, "umt5_erg", umt5, Precision.FP32, e -> Umt5Graph.build(e, umt5,
                    Set.copyOf(ErgHooks.tagTargets(umt5))), tagIn, tagged);

            Tensor z = torch.randn(new long[] {1, 8, 16, frames}, new GeneratorOptional(gen), f32());
            Tensor melNorm = codec.dcae.decode(z);
            var dcae = ExportFixtures.graph(tmp, "dcae", codec.dcae, Precision.FP32, e -> DcaeDecoderGraph.build(e,
                    codec.dcae), Map.of("z", z), melNorm);
            Tensor mel = melNorm.mul(new Scalar(7)).sub(new Scalar(4)).select(1, 0);           // log-mel range
            var voc = ExportFixtures.graph(tmp, "vocoder", codec.vocoder, Precision.FP32, e -> VocoderGraph.build(e,
                    codec.vocoder), Map.of("mel", mel), codec.vocoder.decode(mel));
            System.out.printf(Locale.ROOT, "mid-size fp32 max rel: encode %.2e, decode %.2e, umt5 %.2e (ERG-tag %.2e), "
                    + "dcae %.2e, vocoder %.2e%n", enc.maxRel(), dec.maxRel(), txt.maxRel(), tag.maxRel(), dcae.maxRel(),
                    voc.maxRel());
            for (var m : new ExportFixtures.Measured[] {enc, dec, txt, tag, dcae, voc}) assertTrue(m.maxRel() < 1e-4, m.toString());
        }
    }
}

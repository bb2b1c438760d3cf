package dev.lofilora.model.transformer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import dev.lofilora.nn.Capture;
import dev.lofilora.nn.LoadReport;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.SafetensorsWriter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
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

/** A tiny config unlike the golden one (other widths, heads, layers, channels, lengths and padding). */
class TinyAceStepModelTest {
    static final int B = 3, T = 13, L = 4, N = 5;

    static AceStepConfig tinyConfig() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("_class_name", "ACEStepTransformer2DModel");
        o.put("in_channels", 2);
        o.put("out_channels", 2);
        o.put("num_layers", 2);
        o.put("num_attention_heads", 2);
        o.put("attention_head_dim", 8);
        o.put("mlp_ratio", 2.0);
        o.put("speaker_embedding_dim", 6);
        o.put("text_embedding_dim", 10);
        o.putArray("ssl_encoder_depths").add(1).add(0);   // out of order on purpose: projector 0 reads block 0
        o.putArray("ssl_latent_dims").add(5).add(7);
        o.put("lyric_encoder_vocab_size", 20);
        o.put("lyric_hidden_size", 16);
        ObjectNode kw = o.putObject("_lyric_encoder_kwargs");
        kw.put("output_size", 16).put("attention_heads", 2).put("linear_units", 24).put("num_blocks", 1);
        return AceStepConfig.parse(o, null);
    }

    /** The state-dict keys written out from research/acestep.md §2.7, independently of the model code. */
    static List<String> expectedKeys(int layers, int lyricBlocks, int sslHeads) {
        List<String> k = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String p = "transformer_blocks." + i + ".";
            k.add(p + "scale_shift_table");
            for (String l : List.of("attn.to_q", "attn.to_k", "attn.to_v", "attn.to_out.0", "cross_attn.to_q",
                    "cross_attn.to_k", "cross_attn.to_v", "cross_attn.add_k_proj", "cross_attn.add_v_proj",
                    "cross_attn.add_q_proj", "cross_attn.to_out.0", "cross_attn.to_add_out",
                    "ff.inverted_conv.conv", "ff.depth_conv.conv")) {
                k.add(p + l + ".weight");
                k.add(p + l + ".bias");
            }
            k.add(p + "ff.point_conv.conv.weight");
        }
        for (String l : List.of("timestep_embedder.linear_1", "timestep_embedder.linear_2", "t_block.1",
                "speaker_embedder", "genre_embedder", "lyric_encoder.embed.out.0", "lyric_encoder.embed.out.1",
                "lyric_encoder.after_norm", "lyric_proj", "proj_in.early_conv_layers.0", "proj_in.early_conv_layers.1",
                "proj_in.early_conv_layers.2", "final_layer.linear")) {
            k.add(l + ".weight");
            k.add(l + ".bias");
        }
        k.add("lyric_embs.weight");
        k.add("final_layer.scale_shift_table");
        for (int j = 0; j < lyricBlocks; j++) {
            String p = "lyric_encoder.encoders." + j + ".";
            for (String l : List.of("self_attn.linear_q", "self_attn.linear_k", "self_attn.linear_v",
                    "self_attn.linear_out", "feed_forward.w_1", "feed_forward.w_2", "norm_ff", "norm_mha")) {
                k.add(p + l + ".weight");
                k.add(p + l + ".bias");
            }
            k.add(p + "self_attn.linear_pos.weight");
            k.add(p + "self_attn.pos_bias_u");
            k.add(p + "self_attn.pos_bias_v");
        }
        for (int h = 0; h < sslHeads; h++) {
            for (int l : new int[] {0, 2, 4}) {
                k.add("projectors." + h + "." + l + ".weight");
                k.add("projectors." + h + "." + l + ".bias");
            }
        }
        return k;
    }

    static ACEStepTransformer2DModel loaded(AceStepConfig c, long seed, ScalarType dtype) {
        ACEStepTransformer2DModel m = new ACEStepTransformer2DModel(c, false);
        Map<String, Tensor> w = RandomWeights.stateDict(m, seed);
        LoadReport r = m.loadStateDict(w.keySet(), w::get, Devices.cpu(), dtype, true);
        assertTrue(r.clean());
        w.values().forEach(Tensor::close);
        return m;
    }

    /** Inputs with padding in other places than golden A: latent item 0, text item 2, lyrics item 1. */
    static Map<String, Tensor> inputs(AceStepConfig c) {
        torch.manual_seed(7);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("hidden_states", torch.randn(B, c.inChannels(), 16, T));
        float[] am = new float[B * T];
        java.util.Arrays.fill(am, 1f);
        for (int t = 9; t < T; t++) am[t] = 0f;                              // item 0: 9 valid frames
        in.put("attention_mask", Tensors.fromFloatArray(am, B, T));
        in.put("encoder_text_hidden_states", torch.randn(B, L, c.textEmbeddingDim()));
        in.put("text_attention_mask", Tensors.fromLongArray(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, B, L));
        in.put("speaker_embeds", torch.randn(B, c.speakerEmbeddingDim()));
        in.put("lyric_token_idx", Tensors.fromLongArray(new long[] {3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 11, 12, 13, 14, 15}, B, N));
        in.put("lyric_mask", Tensors.fromLongArray(new long[] {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1}, B, N));
        in.put("timestep", Tensors.fromFloatArray(new float[] {999f, 500.5f, 3f}, B));
        return in;
    }

    static ACEStepTransformer2DModel.Output run(ACEStepTransformer2DModel m, Map<String, Tensor> in, boolean ssl, Capture cap) {
        return m.forward(in.get("hidden_states"), in.get("attention_mask"), in.get("encoder_text_hidden_states"),
                in.get("text_attention_mask"), in.get("speaker_embeds"), in.get("lyric_token_idx"),
                in.get("lyric_mask"), in.get("timestep"), ssl, cap);
    }

    @Test
    void tinyConfigHasExactlyTheReferenceStateDictKeys() {
        AceStepConfig c = tinyConfig();
        try (ACEStepTransformer2DModel m = new ACEStepTransformer2DModel(c, false)) {
            assertEquals(new TreeSet<>(expectedKeys(2, 1, 2)), new TreeSet<>(m.stateDict().keySet()));
            assertEquals(expectedKeys(2, 1, 2).size(), m.stateDict().size());
            assertArrayEquals(new long[] {512, 2, 16, 1}, m.stateDict().get("proj_in.early_conv_layers.0.weight").shape());
            assertArrayEquals(new long[] {64, 1, 3}, m.stateDict().get("transformer_blocks.1.ff.depth_conv.conv.weight").shape());
            assertArrayEquals(new long[] {32, 16}, m.stateDict().get("final_layer.linear.weight").shape());
        }
    }

    @Test
    void runsOtherShapesAndPaddingWithMaskedPositionsHavingNoInfluence() {
        AceStepConfig c = tinyConfig();
        try (PointerScope scope = new PointerScope(); ACEStepTransformer2DModel m = loaded(c, 11, ScalarType.Float)) {
            Map<String, Tensor> in = inputs(c);
            Capture.Recorder rec = new Capture.Recorder();
            ACEStepTransformer2DModel.Output out = run(m, in, true, rec);
            assertArrayEquals(new long[] {B, 2, 16, T}, Tensors.shape(out.sample()));
            assertTrue(torch.isfinite(out.sample()).all().item_bool(), "no NaN/inf");
            assertArrayEquals(new long[] {B, 1 + L + N, 16}, Tensors.shape(rec.tensors().get("encoder_hidden_states")));

            // Padded latent frames of item 0 get no cross-attention: the output is exactly to_out.0's bias there.
            Tensor cross = rec.tensors().get("block.0.cross_attn").select(0, 0).narrow(0, 9, T - 9);    // [4, 16]
            Tensor bias = m.transformer_blocks.get(0).cross_attn.to_out.get(0) instanceof Linear l ? l.bias.value() : null;
            assertEquals(0.0, Tensors.maxAbsDiff(cross, bias.unsqueeze(0).expand(T - 9, 16)), 0.0);

            // Padded text (item 2) and lyric (item 1) positions do not influence the output at all.
            Map<String, Tensor> changed = new LinkedHashMap<>(in);
            Tensor text = in.get("encoder_text_hidden_states").clone();
            text.select(0, 2).narrow(0, 1, 3).fill_(new org.bytedeco.pytorch.Scalar(42.0));
            changed.put("encoder_text_hidden_states", text);
            Tensor ids = in.get("lyric_token_idx").clone();
            ids.select(0, 1).narrow(0, 2, 3).fill_(new org.bytedeco.pytorch.Scalar(19));
            changed.put("lyric_token_idx", ids);
            Tensor again = run(m, changed, false, Capture.NONE).sample();
            assertEquals(0.0, Tensors.maxAbsDiff(out.sample(), again), 1e-6);
            // …while a valid text position does.
            Tensor text2 = in.get("encoder_text_hidden_states").clone();
            text2.select(0, 2).select(0, 0).fill_(new org.bytedeco.pytorch.Scalar(3.0));
            changed.put("encoder_text_hidden_states", text2);
            assertTrue(Tensors.maxAbsDiff(out.sample(), run(m, changed, false, Capture.NONE).sample()) > 1e-3);

            // REPA projections: one per head, read from the blocks in block order (depths [1, 0]: head 0 ← block 0).
            assertEquals(2, out.sslProjections().size());
            assertArrayEquals(new long[] {B, T, 5}, Tensors.shape(out.sslProjections().get(0)));
            assertArrayEquals(new long[] {B, T, 7}, Tensors.shape(out.sslProjections().get(1)));
            ModuleList<Module> p0 = m.projectors.get(0);
            Tensor h = rec.tensors().get("block.0.out");
            Tensor manual = ((Linear) p0.get(4)).forward(torch.silu(((Linear) p0.get(2)).forward(
                    torch.silu(((Linear) p0.get(0)).forward(h)))));
            assertEquals(0.0, Tensors.maxAbsDiff(manual, out.sslProjections().get(0)), 1e-6);
            // Without SSL nothing is projected, and the sample is the same.
            ACEStepTransformer2DModel.Output plain = run(m, in, false, Capture.NONE);
            assertEquals(List.of(), plain.sslProjections());
            assertEquals(0.0, Tensors.maxAbsDiff(out.sample(), plain.sample()), 0.0);
        }
    }

    @Test
    void encodeOnceThenDecodeEqualsForwardAndOutputLengthPadsOrCrops() {
        AceStepConfig c = tinyConfig();
        try (PointerScope scope = new PointerScope(); ACEStepTransformer2DModel m = loaded(c, 13, ScalarType.Float)) {
            Map<String, Tensor> in = inputs(c);
            Tensor full = run(m, in, false, Capture.NONE).sample();
            ACEStepTransformer2DModel.Encoded e = m.encode(in.get("encoder_text_hidden_states"),
                    in.get("text_attention_mask"), in.get("speaker_embeds"), in.get("lyric_token_idx"),
                    in.get("lyric_mask"), Capture.NONE);
            Tensor same = m.decode(in.get("hidden_states"), in.get("attention_mask"), e, in.get("timestep"), false, T,
                    Capture.NONE).sample();
            assertEquals(0.0, Tensors.maxAbsDiff(full, same), 0.0);
            Tensor longer = m.decode(in.get("hidden_states"), in.get("attention_mask"), e, in.get("timestep"), false,
                    T + 3, Capture.NONE).sample();
            assertArrayEquals(new long[] {B, 2, 16, T + 3}, Tensors.shape(longer));
            assertEquals(0.0, Tensors.maxAbs(longer.narrow(3, T, 3)), 0.0);
            assertEquals(0.0, Tensors.maxAbsDiff(full, longer.narrow(3, 0, T)), 0.0);
            Tensor shorter = m.decode(in.get("hidden_states"), in.get("attention_mask"), e, in.get("timestep"), false,
                    T - 2, Capture.NONE).sample();
            assertEquals(0.0, Tensors.maxAbsDiff(full.narrow(3, 0, T - 2), shorter), 0.0);
        }
    }

    /** Training needs gradients through the per-block scopes: the autograd graph keeps what Java released. */
    @Test
    void gradientsReachEveryUsedParameterThroughTheScopedBlocks() {
        AceStepConfig c = tinyConfig();
        try (PointerScope scope = new PointerScope(); ACEStepTransformer2DModel m = loaded(c, 17, ScalarType.Float)) {
            m.requiresGrad(true);
            Tensor loss = run(m, inputs(c), true, Capture.NONE).sample().pow(new org.bytedeco.pytorch.Scalar(2)).mean();
            loss.backward();
            for (String name : List.of("transformer_blocks.0.attn.to_q.weight", "transformer_blocks.1.cross_attn.to_k.weight",
                    "transformer_blocks.1.ff.depth_conv.conv.weight", "lyric_encoder.encoders.0.self_attn.linear_q.weight",
                    "speaker_embedder.weight", "timestep_embedder.linear_1.weight", "proj_in.early_conv_layers.1.weight",
                    "final_layer.scale_shift_table")) {
                Tensor g = m.stateDict().get(name).value().grad();
                assertTrue(g.defined() && Tensors.maxAbs(g) > 0, "gradient reaches " + name);
            }
            // The dead cross-attention layers get none, as in the original.
            assertFalse(m.stateDict().get("transformer_blocks.0.cross_attn.add_q_proj.weight").value().grad().defined());
        }
    }

    @Test
    void strictLoadingListsMissingAndUnexpectedKeys(@TempDir Path dir) throws Exception {
        AceStepConfig c = tinyConfig();
        try (PointerScope scope = new PointerScope(); ACEStepTransformer2DModel m = new ACEStepTransformer2DModel(c, false)) {
            Map<String, Tensor> w = new LinkedHashMap<>(RandomWeights.stateDict(m, 3));
            w.remove("transformer_blocks.1.cross_attn.to_add_out.bias");
            w.put("transformer_blocks.1.attn.norm_q.weight", torch.ones(8));
            SafetensorsWriter.write(dir.resolve("diffusion_pytorch_model.safetensors"), w);
            Files.writeString(dir.resolve("config.json"), Json.toString(c.toJson()));

            LofiException e = assertThrows(LofiException.class,
                    () -> AceStepTransformerLoader.load(dir, Devices.cpu(), ScalarType.Float, false));
            assertTrue(e.getMessage().contains("transformer_blocks.1.cross_attn.to_add_out.bias"), e.getMessage());
            assertTrue(e.getMessage().contains("transformer_blocks.1.attn.norm_q.weight"), e.getMessage());
            assertTrue(e.getMessage().contains("diffusion_pytorch_model.safetensors"), e.getMessage());

            try (AceStepTransformerLoader.Loaded lenient =
                         AceStepTransformerLoader.load(dir, Devices.cpu(), ScalarType.Float, false, false)) {
                assertEquals(List.of("transformer_blocks.1.cross_attn.to_add_out.bias"), lenient.report().missing());
                assertEquals(List.of("transformer_blocks.1.attn.norm_q.weight"), lenient.report().unexpected());
                assertEquals(m.stateDict().size() - 1, lenient.report().loaded());
            }
        }
    }

    @Test
    void loaderExplainsFoldersWithoutConfigOrWeights(@TempDir Path dir) throws Exception {
        LofiException e = assertThrows(LofiException.class,
                () -> AceStepTransformerLoader.load(dir, Devices.cpu(), ScalarType.Float, false));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
        Files.writeString(dir.resolve("config.json"), Json.toString(tinyConfig().toJson()));
        e = assertThrows(LofiException.class, () -> AceStepTransformerLoader.load(dir, Devices.cpu(), ScalarType.Float, false));
        assertTrue(e.getMessage().contains("no transformer weights"), e.getMessage());
    }
}

package dev.lofilora.export.graph;

import dev.lofilora.export.onnx.Attrs;
import dev.lofilora.export.onnx.OnnxType;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.transformer.CrossAttention;
import dev.lofilora.model.transformer.GLUMBConv;
import dev.lofilora.model.transformer.LinearSelfAttention;
import dev.lofilora.model.transformer.LinearTransformerBlock;
import dev.lofilora.nn.Conv2d;
import dev.lofilora.nn.GroupNorm;
import dev.lofilora.nn.Linear;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Set;

/**
 * ACE-Step's {@code decode} (research/acestep.md §2.3–2.4) as one ONNX graph, built from the module tree the way
 * {@link ACEStepTransformer2DModel#decode} runs it: timestep embedding, PatchEmbed, the blocks (ReLU linear attention in
 * float32, softmax cross-attention with RoPE, GLUMBConv), the final layer and the unpatchify. The REPA projectors and
 * the cross-attention's unused {@code add_*}/{@code to_add_out} layers are left out (never used at inference).
 *
 * <p>Inputs: {@code hidden_states} [B, C, H, T], {@code attention_mask} [B, T], {@code encoder_hidden_states} [B, S, D],
 * {@code encoder_attention_mask} [B, S], {@code timestep} [B] (all float32; B, T and S dynamic) and, when the model
 * has any of the ERG-diffusion layers, {@code erg_scale} [] — the factor of ACE-Step's forward hook on the query
 * projections of those blocks (1 for plain decodes, 0.01 for the unconditional one). Output: {@code sample}
 * [B, C, H, T].
 */
public final class TransformerDecodeGraph {
    public static final String ERG_INPUT = "erg_scale";

    private final Emitter e;
    private final ACEStepTransformer2DModel model;
    private final Set<String> ergTargets;
    private final Rope rope;
    private String erg;

    /**
     * @param ergTargets the dotted names of the query projections ACE-Step's ERG-diffusion hook scales (those the
     *                   model has); empty for none
     */
    private TransformerDecodeGraph(Emitter e, ACEStepTransformer2DModel model, Set<String> ergTargets) {
        this.e = e;
        this.model = model;
        this.ergTargets = ergTargets;
        this.rope = new Rope(e, model);
    }

    /** Emits the whole graph into {@code e} and declares its inputs and outputs. */
    public static void build(Emitter e, ACEStepTransformer2DModel model, Set<String> ergTargets) {
        new TransformerDecodeGraph(e, model, ergTargets).build();
    }

    private void build() {
        AceStepConfig c = model.config;
        long d = c.width();
        String hidden = e.g.input("hidden_states", OnnxType.FLOAT, "B", (long) c.inChannels(), (long) c.maxHeight(), "T");
        String mask = e.g.input("attention_mask", OnnxType.FLOAT, "B", "T");
        String enc = e.g.input("encoder_hidden_states", OnnxType.FLOAT, "B", "S", d);
        String encMask = e.g.input("encoder_attention_mask", OnnxType.FLOAT, "B", "S");
        String timestep = e.g.input("timestep", OnnxType.FLOAT, "B");
        if (!ergTargets.isEmpty()) erg = e.g.input(ERG_INPUT, OnnxType.FLOAT);

        String embedded = timestepEmbedding(timestep);                                        // [B, D]
        String temb = e.linear((Linear) model.t_block.get(1), e.silu(embedded));               // [B, 6D]
        String x = patchEmbed(hidden);                                                         // [B, T, D]

        String[] latentRope = rope.rows(e.dims(x, 1, 2));                                      // [T, d]
        String[] encRope = rope.rows(e.dims(enc, 1, 2));                                       // [S, d]
        String frameMask = e.unsqueeze(mask, 1, 3);                                            // [B, 1, T, 1]
        // cross-attention mask: latent ⊗ condition, 1 → 0, else −inf; rows without any valid key give 0
        String combined = e.mul(e.unsqueeze(mask, 2), e.unsqueeze(encMask, 1));               // [B, T, S]
        String valid = e.g.op("Equal", combined, e.g.scalar(1.0));
        String additive = e.unsqueeze(e.g.op("Where", valid, e.g.scalar(0.0),
                e.g.scalar(Double.NEGATIVE_INFINITY)), 1);                                     // [B, 1, T, S]
        String anyValid = e.g.op("ReduceMax", Attrs.of().i("keepdims", 1),
                e.g.op("Cast", Attrs.of().i("to", OnnxType.FLOAT.code), valid), e.g.ints(-1));
        String rowKeep = e.unsqueeze(e.g.op("Greater", anyValid, e.g.scalar(0.0)), 1);        // [B, 1, T, 1]

        for (int i = 0; i < model.transformer_blocks.size(); i++) {
            try (var s = e.g.scope("transformer_blocks." + i)) {
                x = block(model.transformer_blocks.get(i), x, frameMask, enc, additive, rowKeep, latentRope, encRope,
                        temb);
            }
        }
        String sample = finalLayer(x, embedded);
        e.g.output(sample, "sample", OnnxType.FLOAT, "B", (long) c.outChannels(), (long) c.patchSize().get(0), "T");
    }

    /** Timesteps(256, flip_sin_to_cos) in float32 then the TimestepEmbedding MLP → embedded_timestep [B, D]. */
    private String timestepEmbedding(String t) {
        int half = AceStepConfig.TIME_PROJ_CHANNELS / 2;
        // the same ops as Timesteps.project, so the frequencies are libtorch's bits
        Tensor freqs = torch.arange(new Scalar(0), new Scalar(half)).mul(new Scalar(-Math.log(10000.0)))
                .div(new Scalar(half)).exp();
        String args = e.mul(e.unsqueeze(t, 1), e.weightF32("time_proj.freqs", freqs));       // [B, 128]
        String proj = e.concat(1, e.g.op("Cos", args), e.g.op("Sin", args));                  // [B, 256]
        return e.linear(model.timestep_embedder.linear_2, e.silu(e.linear(model.timestep_embedder.linear_1, proj)));
    }

    /** Conv(patch) → GroupNorm(32) → 1×1 Conv → [B, T, D]. */
    private String patchEmbed(String latent) {
        Conv2d c0 = (Conv2d) model.proj_in.early_conv_layers.get(0);
        GroupNorm gn = (GroupNorm) model.proj_in.early_conv_layers.get(1);
        Conv2d c2 = (Conv2d) model.proj_in.early_conv_layers.get(2);
        String h = e.conv(e.path(c0), c0.weight.value(), c0.bias.value(), latent, c0.stride, c0.padding,
                new long[] {1, 1}, 1);                                                        // [B, 2048, 1, T]
        h = groupNorm(e.path(gn), gn, h);
        h = e.conv(e.path(c2), c2.weight.value(), c2.bias.value(), h, c2.stride, c2.padding, new long[] {1, 1}, 1);
        return e.transpose(e.reshape(h, 0, 0, -1), 0, 2, 1);                                 // [B, T, D]
    }

    /** GroupNorm over (C/G × all positions): biased variance, as torch. */
    private String groupNorm(String key, GroupNorm gn, String x) {
        String grouped = e.reshape(x, 0, gn.groups, -1);                                       // [B, G, C/G·H·W]
        String mean = e.mean(grouped, 2);
        String centred = e.g.op("Sub", grouped, mean);
        String var = e.mean(e.mul(centred, centred), 2);
        String n = e.g.op("Div", centred, e.g.op("Sqrt", e.add(var, e.g.scalar(gn.eps))));
        String back = e.reshapeTo(n, e.g.op("Shape", x));                                      // [B, C, H, W]
        String w = e.reshape(e.weightF32(key + ".weight", gn.weight.value()), -1, 1, 1);
        String b = e.reshape(e.weightF32(key + ".bias", gn.bias.value()), -1, 1, 1);
        return e.add(e.mul(back, w), b);
    }

    private String block(LinearTransformerBlock blk, String h, String frameMask, String enc, String additive,
                         String rowKeep, String[] latentRope, String[] encRope, String temb) {
        long d = model.config.width();
        String table = e.weightF32(e.path(blk) + ".scale_shift_table", blk.scale_shift_table.value()); // [6, D]
        String[] mod = e.split(e.add(e.reshape(temb, 0, 6, d), table), 1, 6);                 // 6 × [B, 1, D]
        String one = e.g.scalar(1.0);

        String n = e.add(e.mul(e.rmsNormalize(h, -1, 1e-6), e.add(mod[1], one)), mod[0]);
        String a = linearAttention(blk.attn, n, frameMask, latentRope);
        h = e.add(e.mul(mod[2], a), h);

        h = e.add(crossAttention(blk.cross_attn, h, enc, additive, rowKeep, latentRope, encRope), h);

        n = e.add(e.mul(e.rmsNormalize(h, -1, 1e-6), e.add(mod[4], one)), mod[3]);
        return e.add(h, e.mul(mod[5], glumbConv(blk.ff, n)));
    }

    /** A query projection, with the ERG hook's factor when it is one of the hooked layers. */
    private String query(Linear l, String x) {
        String q = e.linear(l, x);
        return erg != null && ergTargets.contains(e.path(l)) ? e.mul(q, erg) : q;
    }

    /** [B, S, H·d] → [B, H, S, d]. */
    private String heads(String x, long heads, long headDim) {
        return e.transpose(e.reshape(x, 0, 0, heads, headDim), 0, 2, 1, 3);
    }

    /** ReLU linear attention, the core in float32 (it always is here), research §2.4. */
    private String linearAttention(LinearSelfAttention attn, String x, String frameMask, String[] table) {
        long hN = attn.heads, hd = attn.headDim;
        String q = rope.apply(heads(query(attn.to_q, x), hN, hd), table);                       // [B, H, T, d]
        String k = rope.apply(heads(e.linear(attn.to_k, x), hN, hd), table);
        String v = heads(e.linear(attn.to_v, x), hN, hd);
        q = e.relu(e.mul(q, frameMask));
        k = e.relu(e.mul(k, frameMask));
        v = e.mul(v, frameMask);
        String vPad = e.g.op("Pad", e.transpose(v, 0, 1, 3, 2), e.g.ints(0, 0, 0, 0, 0, 0, 1, 0),
                e.g.scalar(1.0));                                                              // [B, H, d+1, T]
        String vk = e.g.op("MatMul", vPad, k);                                                 // [B, H, d+1, d]
        String o = e.g.op("MatMul", vk, e.transpose(q, 0, 1, 3, 2));                          // [B, H, d+1, T]
        String num = e.slice(o, 2, 0, hd);
        String den = e.add(e.slice(o, 2, hd, hd + 1), e.g.scalar(LinearSelfAttention.EPS));
        String out = e.transpose(e.reshape(e.g.op("Div", num, den), 0, hN * hd, -1), 0, 2, 1); // [B, T, H·d]
        return e.linear((Linear) attn.to_out.get(0), out);
    }

    private String crossAttention(CrossAttention ca, String x, String enc, String additive, String rowKeep,
                                  String[] latentRope, String[] encRope) {
        long hN = ca.heads, hd = ca.headDim;
        String q = rope.apply(heads(query(ca.to_q, x), hN, hd), latentRope);                   // [B, H, T, d]
        String k = rope.apply(heads(e.linear(ca.to_k, enc), hN, hd), encRope);                 // [B, H, S, d]
        String v = heads(e.linear(ca.to_v, enc), hN, hd);
        String scores = e.add(e.scale(e.g.op("MatMul", q, e.transpose(k, 0, 1, 3, 2)), 1.0 / Math.sqrt(hd)),
                additive);                                                                     // [B, H, T, S]
        String attn = e.g.op("Softmax", Attrs.of().i("axis", -1), scores);
        String out = e.g.op("Where", rowKeep, e.g.op("MatMul", attn, v), e.g.scalar(0.0));   // [B, H, T, d]
        return e.linear((Linear) ca.to_out.get(0), e.reshape(e.transpose(out, 0, 2, 1, 3), 0, 0, hN * hd));
    }

    /** GLUMBConv: the 1×1 convs as linears on [B, T, C], the depthwise conv on [B, C, T]. */
    private String glumbConv(GLUMBConv ff, String x) {
        Tensor wi = ff.inverted_conv.conv.weight.value();
        String h = e.silu(e.linear(e.path(ff.inverted_conv.conv), wi.view(wi.size(0), wi.size(1)),
                ff.inverted_conv.conv.bias.value(), x));                                       // [B, T, 2h]
        var dc = ff.depth_conv.conv;
        h = e.conv(e.path(dc), dc.weight.value(), dc.bias.value(), e.transpose(h, 0, 2, 1), new long[] {1},
                new long[] {dc.padding}, new long[] {1}, dc.groups);                           // [B, 2h, T]
        String[] halves = e.split(h, 1, 2);
        String y = e.transpose(e.mul(halves[0], e.silu(halves[1])), 0, 2, 1);                // [B, T, h]
        Tensor wp = ff.point_conv.conv.weight.value();
        return e.linear(e.path(ff.point_conv.conv), wp.view(wp.size(0), wp.size(1)), null, y); // [B, T, D]
    }

    /** T2IFinalLayer + unpatchify → [B, C, ph, T·pw]. */
    private String finalLayer(String x, String embedded) {
        AceStepConfig c = model.config;
        var fl = model.final_layer;
        String table = e.unsqueeze(e.weightF32(e.path(fl) + ".scale_shift_table", fl.scale_shift_table.value()), 0);
        String[] ss = e.split(e.add(table, e.unsqueeze(embedded, 1)), 1, 2);                  // shift, scale
        String y = e.add(e.mul(e.rmsNormalize(x, -1, 1e-6), e.add(ss[1], e.g.scalar(1.0))), ss[0]);
        y = e.linear(fl.linear, y);                                                            // [B, T, ph·pw·C]
        long ph = c.patchSize().get(0), pw = c.patchSize().get(1), ch = c.outChannels();
        String u = e.transpose(e.reshape(y, 0, 1, -1, ph, pw, ch), 0, 5, 1, 3, 2, 4);        // [B, C, 1, ph, T, pw]
        return e.reshape(u, 0, ch, ph, -1);
    }
}

package dev.lofilora.export.graph;

import dev.lofilora.export.onnx.Attrs;
import dev.lofilora.export.onnx.OnnxType;
import dev.lofilora.model.umt5.UMT5Attention;
import dev.lofilora.model.umt5.UMT5Block;
import dev.lofilora.model.umt5.UMT5DenseGatedActDense;
import dev.lofilora.model.umt5.UMT5EncoderModel;
import dev.lofilora.model.umt5.UMT5LayerNorm;
import dev.lofilora.model.umt5.Umt5Config;

import java.util.Set;

/**
 * transformers' {@code UMT5EncoderModel} (eval) as one ONNX graph, from the module tree as
 * {@link UMT5EncoderModel#forward} runs it: token embedding, per block pre-norm self-attention with the block's own
 * relative-position bias (bucketed in the graph for any length, float32 log as the original) and no 1/√d scaling,
 * the gated {@code gelu_new} feed-forward, the final T5 norm. Inputs {@code input_ids} [B, L] (int64),
 * {@code attention_mask} [B, L] (float) and, when the encoder has ERG-tag layers (blocks 8–9), {@code erg_scale} []
 * (the factor ACE-Step's hook puts on their query projections); output {@code last_hidden_state} [B, L, D].
 */
public final class Umt5Graph {
    public static final String ERG_INPUT = TransformerDecodeGraph.ERG_INPUT;

    private final Emitter e;
    private final UMT5EncoderModel model;
    private final Set<String> ergTargets;
    private String erg;

    private Umt5Graph(Emitter e, UMT5EncoderModel model, Set<String> ergTargets) {
        this.e = e;
        this.model = model;
        this.ergTargets = ergTargets;
    }

    public static void build(Emitter e, UMT5EncoderModel model, Set<String> ergTargets) {
        new Umt5Graph(e, model, ergTargets).build();
    }

    private void build() {
        Umt5Config c = model.config;
        String ids = e.g.input("input_ids", OnnxType.INT64, "B", "L");
        String mask = e.g.input("attention_mask", OnnxType.FLOAT, "B", "L");
        if (!ergTargets.isEmpty()) erg = e.g.input(ERG_INPUT, OnnxType.FLOAT);
        String h = e.g.op("Gather", e.weight("shared.weight", model.shared.weight.value()), ids);   // [B, L, D]
        // (1 − mask)·finfo(float32).min, as [B, 1, 1, L]
        String additive = e.scale(e.add(e.scale(e.unsqueeze(mask, 1, 2), -1.0), e.g.scalar(1.0)), -Float.MAX_VALUE);
        String buckets = buckets(e.dims(ids, 1, 2), c);                                           // [L, L] int64
        for (int i = 0; i < model.encoder.block.size(); i++) {
            try (var s = e.g.scope("encoder.block." + i)) {
                h = block(model.encoder.block.get(i), h, additive, buckets);
            }
        }
        h = t5Norm(model.encoder.final_layer_norm, h, c.layerNormEpsilon());
        e.g.output(h, "last_hidden_state", OnnxType.FLOAT, "B", "L", (long) c.dModel());
    }

    /** {@code _relative_position_bucket(k − q)} for the bidirectional encoder (UMT5Attention.buckets). */
    private String buckets(String len, Umt5Config c) {
        long half = c.relativeAttentionNumBuckets() / 2, maxExact = half / 2;
        String pos = e.g.op("Range", e.g.int64(0), e.g.op("Squeeze", len),
                e.g.int64(1));                                                  // [L] int64
        String rel = e.g.op("Sub", e.unsqueeze(pos, 0), e.unsqueeze(pos, 1));                    // [q, k] = k − q
        String positive = e.g.op("Cast", Attrs.of().i("to", OnnxType.INT64.code),
                e.g.op("Greater", rel, e.g.int64(0)));
        String out = e.g.op("Mul", positive, e.g.int64(half));
        String abs = e.g.op("Abs", rel);
        String small = e.g.op("Less", abs, e.g.int64(maxExact));
        String ratio = e.g.op("Div", e.g.op("Cast", Attrs.of().i("to", OnnxType.FLOAT.code), abs), e.g.scalar(maxExact));
        String log = e.scale(e.g.op("Div", e.g.op("Log", ratio),
                e.g.scalar(Math.log((double) c.relativeAttentionMaxDistance() / maxExact))), half - maxExact);
        String large = e.g.op("Min", e.g.op("Add", e.g.op("Cast", Attrs.of().i("to", OnnxType.INT64.code), log),
                e.g.int64(maxExact)), e.g.int64(half - 1));
        return e.g.op("Add", out, e.g.op("Where", small, abs, large));
    }

    private String block(UMT5Block b, String h, String additive, String buckets) {
        var sa = (UMT5Block.SelfAttentionLayer) b.layer.get(0);
        var ff = (UMT5Block.FeedForwardLayer) b.layer.get(1);
        String x = e.add(h, attention(sa.SelfAttention, t5Norm(sa.layer_norm, h, model.config.layerNormEpsilon()),
                additive, buckets));
        return e.add(x, feedForward(ff.DenseReluDense, t5Norm(ff.layer_norm, x, model.config.layerNormEpsilon())));
    }

    private String attention(UMT5Attention a, String x, String additive, String buckets) {
        long heads = model.config.numHeads(), dkv = model.config.dKv();
        String q = e.linear(a.q, x);
        if (erg != null && ergTargets.contains(e.path(a.q))) q = e.mul(q, erg);
        q = heads(q, heads, dkv);
        String k = heads(e.linear(a.k, x), heads, dkv);
        String v = heads(e.linear(a.v, x), heads, dkv);
        String scores = e.g.op("MatMul", q, e.transpose(k, 0, 1, 3, 2));                         // [B, H, L, L]
        String bias = e.unsqueeze(e.transpose(e.g.op("Gather",
                e.weightF32(e.path(a.relative_attention_bias) + ".weight", a.relative_attention_bias.weight.value()),
                buckets), 2, 0, 1), 0);                                                          // [1, H, L, L]
        scores = e.add(scores, e.add(bias, additive));
        String w = e.g.op("Softmax", Attrs.of().i("axis", -1), scores);
        String out = e.reshape(e.transpose(e.g.op("MatMul", w, v), 0, 2, 1, 3), 0, 0, heads * dkv);
        return e.linear(a.o, out);
    }

    private String heads(String x, long heads, long dkv) {
        return e.transpose(e.reshape(x, 0, 0, heads, dkv), 0, 2, 1, 3);
    }

    private String feedForward(UMT5DenseGatedActDense ff, String h) {
        String x = ff.wi == null ? e.mul(geluNew(e.linear(ff.wi_0, h)), e.linear(ff.wi_1, h)) : geluNew(e.linear(ff.wi, h));
        return e.linear(ff.wo, x);
    }

    /** transformers' NewGELUActivation, in the original's op order. */
    private String geluNew(String x) {
        if (!"gelu_new".equals(activation())) {
            return "relu".equals(activation()) ? e.relu(x)
                    : e.g.op("Gelu", x);
        }
        String cube = e.g.op("Pow", x, e.g.scalar(3.0));
        String inner = e.scale(e.add(e.scale(cube, 0.044715), x), Math.sqrt(2.0 / Math.PI));
        return e.mul(e.scale(x, 0.5), e.add(e.g.op("Tanh", inner), e.g.scalar(1.0)));
    }

    private String activation() { return model.config.denseActFn(); }

    /** T5's norm: weight · x · rsqrt(mean(x²) + eps). */
    private String t5Norm(UMT5LayerNorm n, String x, double eps) {
        return e.mul(e.weightF32(e.path(n) + ".weight", n.weight.value()), e.rmsNormalize(x, -1, eps));
    }
}

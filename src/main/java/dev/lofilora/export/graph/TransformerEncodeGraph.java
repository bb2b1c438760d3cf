package dev.lofilora.export.graph;

import dev.lofilora.export.onnx.Attrs;
import dev.lofilora.export.onnx.OnnxType;
import dev.lofilora.model.lyric.ConformerEncoder;
import dev.lofilora.model.lyric.ConformerEncoderLayer;
import dev.lofilora.model.lyric.EspnetRelPositionalEncoding;
import dev.lofilora.model.lyric.RelPositionMultiHeadedAttention;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.nn.LayerNorm;
import dev.lofilora.tensor.Devices;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Set;

/**
 * ACE-Step's {@code encode} (research/acestep.md §2.2, §2.6) as one ONNX graph: speaker and genre projections, the
 * lyric embedding, the Conformer lyric encoder (relative-position attention with ESPnet's rel_shift, pre-norm layers,
 * no convolution module) and {@code lyric_proj}, concatenated as {@code [speaker | text | lyrics]} with their mask.
 *
 * <p>Inputs: {@code encoder_text_hidden_states} [B, L, text_dim], {@code text_attention_mask} [B, L] (float),
 * {@code speaker_embeds} [B, speaker_dim], {@code lyric_token_idx} [B, N] (int64), {@code lyric_mask} [B, N] (float)
 * and, when the lyric encoder has any ERG-lyric layer, {@code erg_scale} [] (the factor on those layers'
 * {@code linear_q}). Outputs: {@code encoder_hidden_states} [B, S, D] and {@code encoder_attention_mask} [B, S],
 * S = 1 + L + N. The relative position table is stored for 5000 positions each side (the reference's
 * {@code max_len}), so N ≤ 5000.
 */
public final class TransformerEncodeGraph {
    public static final String ERG_INPUT = TransformerDecodeGraph.ERG_INPUT;

    private final Emitter e;
    private final ACEStepTransformer2DModel model;
    private final Set<String> ergTargets;
    private String erg;

    private TransformerEncodeGraph(Emitter e, ACEStepTransformer2DModel model, Set<String> ergTargets) {
        this.e = e;
        this.model = model;
        this.ergTargets = ergTargets;
    }

    /** Emits the graph into {@code e} and declares its inputs and outputs. */
    public static void build(Emitter e, ACEStepTransformer2DModel model, Set<String> ergTargets) {
        new TransformerEncodeGraph(e, model, ergTargets).build();
    }

    private void build() {
        AceStepConfig c = model.config;
        long d = c.width();
        String text = e.g.input("encoder_text_hidden_states", OnnxType.FLOAT, "B", "L", (long) c.textEmbeddingDim());
        String textMask = e.g.input("text_attention_mask", OnnxType.FLOAT, "B", "L");
        String speaker = e.g.input("speaker_embeds", OnnxType.FLOAT, "B", (long) c.speakerEmbeddingDim());
        String ids = e.g.input("lyric_token_idx", OnnxType.INT64, "B", "N");
        String lyricMask = e.g.input("lyric_mask", OnnxType.FLOAT, "B", "N");
        if (!ergTargets.isEmpty()) erg = e.g.input(ERG_INPUT, OnnxType.FLOAT);

        String spk = e.unsqueeze(e.linear(model.speaker_embedder, speaker), 1);                  // [B, 1, D]
        String genre = e.linear(model.genre_embedder, text);                                   // [B, L, D]
        String emb = e.g.op("Gather", e.weight(e.path(model.lyric_embs) + ".weight",
                model.lyric_embs.weight.value()), ids);                                        // [B, N, lyric_hidden]
        String lyric;
        try (var s = e.g.scope("lyric_encoder")) {
            lyric = conformer(model.lyric_encoder, emb, lyricMask, ids);
        }
        lyric = e.linear(model.lyric_proj, lyric);                                             // [B, N, D]
        String states = e.concat(1, spk, genre, lyric);                                        // [B, S, D]
        String ones = e.g.op("Expand", e.g.scalar(1.0), e.concat(0, e.dims(speaker, 0, 1), e.g.ints(1))); // [B, 1]
        String mask = e.concat(1, ones, textMask, lyricMask);                                  // [B, S]
        e.g.output(states, "encoder_hidden_states", OnnxType.FLOAT, "B", "S", d);
        e.g.output(mask, "encoder_attention_mask", OnnxType.FLOAT, "B", "S");
    }

    private String conformer(ConformerEncoder enc, String xs, String mask, String ids) {
        String keyPadding = e.unsqueeze(e.g.op("Equal", mask, e.g.scalar(0.0)), 1, 2);      // [B, 1, 1, N] bool
        String x = e.layerNorm(e.path(enc.embed.norm), enc.embed.norm.weight.value(), enc.embed.norm.bias.value(),
                enc.embed.norm.eps, e.linear(enc.embed.linear, xs));
        x = e.scale(x, Math.sqrt(enc.config.outputSize()));                                    // ×√d
        int max = EspnetRelPositionalEncoding.DEFAULT_MAX_LEN;
        Tensor table = enc.embed.posEnc.positionEncoding(max, Devices.cpu(), ScalarType.Float);  // [1, 2M−1, d]
        String pe = e.weightF32(e.path(enc.embed.posEnc) + ".pe", table);
        String n = e.dims(ids, 1, 2);
        String posEmb = e.slice(pe, 1, e.g.op("Sub", e.g.ints(max), n),
                e.g.op("Add", e.g.ints(max - 1), n));                                          // [1, 2N−1, d]
        for (int j = 0; j < enc.encoders.size(); j++) {
            ConformerEncoderLayer layer = enc.encoders.get(j);
            try (var s = e.g.scope("encoders." + j)) {
                String att = attention(layer.selfAttn, norm(layer.normMha, x), keyPadding, posEmb, n);
                x = e.add(x, att);
                String h = e.silu(e.linear(layer.feedForward.w1, norm(layer.normFf, x)));
                x = e.add(x, e.linear(layer.feedForward.w2, h));
            }
        }
        return norm(enc.afterNorm, x);
    }

    private String norm(LayerNorm ln, String x) {
        return e.layerNorm(e.path(ln), ln.weight.value(), ln.bias.value(), ln.eps, x);
    }

    private String attention(RelPositionMultiHeadedAttention a, String x, String keyPadding, String posEmb, String n) {
        long h = a.heads, dk = a.headDim;
        String q = e.linear(a.linearQ, x);
        if (erg != null && ergTargets.contains(e.path(a.linearQ))) q = e.mul(q, erg);
        q = e.reshape(q, 0, 0, h, dk);                                                         // [B, N, h, dk]
        String k = e.transpose(e.reshape(e.linear(a.linearK, x), 0, 0, h, dk), 0, 2, 1, 3);  // [B, h, N, dk]
        String v = e.transpose(e.reshape(e.linear(a.linearV, x), 0, 0, h, dk), 0, 2, 1, 3);
        String p = e.transpose(e.reshape(e.linear(a.linearPos, posEmb), 0, -1, h, dk), 0, 2, 1, 3); // [1, h, 2N−1, dk]
        String path = e.path(a);
        String qu = e.transpose(e.add(q, e.weightF32(path + ".pos_bias_u", a.posBiasU.value())), 0, 2, 1, 3);
        String qv = e.transpose(e.add(q, e.weightF32(path + ".pos_bias_v", a.posBiasV.value())), 0, 2, 1, 3);
        String ac = e.g.op("MatMul", qu, e.transpose(k, 0, 1, 3, 2));                         // [B, h, N, N]
        String bd = relShift(e.g.op("MatMul", qv, e.transpose(p, 0, 1, 3, 2)), n);            // [B, h, N, N]
        String scores = e.g.op("Div", e.add(ac, bd), e.g.scalar(Math.sqrt(dk)));
        String masked = e.g.op("Where", keyPadding, e.g.scalar(Double.NEGATIVE_INFINITY), scores);
        String attn = e.g.op("Where", keyPadding, e.g.scalar(0.0), e.g.op("Softmax", Attrs.of().i("axis", -1), masked));
        String ctx = e.reshape(e.transpose(e.g.op("MatMul", attn, v), 0, 2, 1, 3), 0, 0, h * dk); // [B, N, d]
        return e.linear(a.linearOut, ctx);
    }

    /** ESPnet's rel_shift of [B, h, N, 2N−1] scores → [B, h, N, N] (identity for N = 1, as the reference skips it). */
    private String relShift(String x, String n) {
        String padded = e.g.op("Pad", x, e.g.ints(0, 0, 0, 1, 0, 0, 0, 0), e.g.scalar(0.0));  // [B, h, N, 2N]
        String tall = e.reshapeTo(padded, e.concat(0, e.g.ints(0, 0, -1), n));                 // [B, h, 2N, N]
        String cut = e.slice(tall, 2, 1, Long.MAX_VALUE);                                      // [B, h, 2N−1, N]
        String back = e.reshapeTo(cut, e.concat(0, e.g.ints(0, 0), n, e.g.ints(-1)));         // [B, h, N, 2N−1]
        return e.slice(back, 3, e.g.ints(0), n);
    }
}

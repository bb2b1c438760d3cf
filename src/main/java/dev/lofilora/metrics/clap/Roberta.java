package dev.lofilora.metrics.clap;

import dev.lofilora.nn.Capture;
import dev.lofilora.nn.Embedding;
import dev.lofilora.nn.F;
import dev.lofilora.nn.LayerNorm;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * transformers' {@code RobertaModel} (modeling_roberta.py, the 4.9–4.11 era CLAP was trained with) in eval, encoder
 * only: embeddings (word + absolute position + token type 0, LayerNorm), post-LN layers with exact-GELU FFNs, and the
 * pooler {@code tanh(dense(h[:, 0]))} CLAP takes as the text feature. Position ids follow
 * {@code create_position_ids_from_input_ids}: {@code cumsum(mask)·mask + pad_id} with mask = (id ≠ pad), so real
 * tokens start at 2 and pads sit at 1. Padded keys get the additive −10000 of {@code get_extended_attention_mask}.
 */
public final class Roberta extends Module {
    public final Embeddings embeddings;
    public final Encoder encoder;
    public final Pooler pooler;
    private final RobertaConfig config;

    public static final class Embeddings extends Module {
        public final Embedding word_embeddings;
        public final Embedding position_embeddings;
        public final Embedding token_type_embeddings;
        public final LayerNorm LayerNorm;

        Embeddings(RobertaConfig c) {
            word_embeddings = module("word_embeddings", new Embedding(c.vocabSize(), c.hiddenSize()));
            position_embeddings = module("position_embeddings", new Embedding(c.maxPositionEmbeddings(), c.hiddenSize()));
            token_type_embeddings = module("token_type_embeddings", new Embedding(c.typeVocabSize(), c.hiddenSize()));
            LayerNorm = module("LayerNorm", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
            // The era's checkpoints also hold a persistent position_ids buffer (0..513); positions are computed from
            // the ids here, so it is not part of this tree (ClapModel.UNUSED_KEYS), and files without it load too.
        }
    }

    public static final class Encoder extends Module {
        public final ModuleList<Layer> layer;

        Encoder(RobertaConfig c) {
            layer = module("layer", new ModuleList<>());
            for (int i = 0; i < c.numHiddenLayers(); i++) layer.add(new Layer(c));
        }
    }

    /** {@code RobertaLayer}: attention (self + output) → intermediate → output. */
    public static final class Layer extends Module {
        public final Attention attention;
        public final Dense intermediate;
        public final DenseNorm output;

        Layer(RobertaConfig c) {
            attention = module("attention", new Attention(c));
            intermediate = module("intermediate", new Dense(c.hiddenSize(), c.intermediateSize()));
            output = module("output", new DenseNorm(c.intermediateSize(), c.hiddenSize(), c.layerNormEps()));
        }

        Tensor forward(Tensor x, Tensor additiveMask) {
            Tensor a = attention.output.forward(attention.self.forward(x, additiveMask), x);
            Tensor h = torch.gelu(intermediate.dense.forward(a));
            return output.forward(h, a);
        }
    }

    public static final class Attention extends Module {
        public final SelfAttention self;
        public final DenseNorm output;

        Attention(RobertaConfig c) {
            self = module("self", new SelfAttention(c));
            output = module("output", new DenseNorm(c.hiddenSize(), c.hiddenSize(), c.layerNormEps()));
        }
    }

    public static final class SelfAttention extends Module {
        public final Linear query;
        public final Linear key;
        public final Linear value;
        private final int heads;

        SelfAttention(RobertaConfig c) {
            heads = c.numAttentionHeads();
            query = module("query", new Linear(c.hiddenSize(), c.hiddenSize(), true));
            key = module("key", new Linear(c.hiddenSize(), c.hiddenSize(), true));
            value = module("value", new Linear(c.hiddenSize(), c.hiddenSize(), true));
        }

        /** x [B, L, H], additiveMask [B, 1, 1, L] → context [B, L, H]. */
        Tensor forward(Tensor x, Tensor additiveMask) {
            long b = x.size(0), l = x.size(1), h = x.size(2), d = h / heads;
            Tensor q = query.forward(x).view(b, l, heads, d).permute(0, 2, 1, 3);           // [B, h, L, d]
            Tensor k = key.forward(x).view(b, l, heads, d).permute(0, 2, 1, 3);
            Tensor v = value.forward(x).view(b, l, heads, d).permute(0, 2, 1, 3);
            Tensor scores = q.matmul(k.transpose(-1, -2)).div(new Scalar(Math.sqrt(d))).add(additiveMask);
            Tensor ctx = F.softmax(scores, -1).matmul(v);                                     // [B, h, L, d]
            return ctx.permute(0, 2, 1, 3).contiguous().view(b, l, h);
        }
    }

    /** {@code dense} only (RobertaIntermediate; GELU applied by the layer). */
    public static final class Dense extends Module {
        public final Linear dense;

        Dense(int in, int out) { dense = module("dense", new Linear(in, out, true)); }
    }

    /** {@code LayerNorm(dense(x) + residual)} (RobertaSelfOutput / RobertaOutput). */
    public static final class DenseNorm extends Module {
        public final Linear dense;
        public final LayerNorm LayerNorm;

        DenseNorm(int in, int out, double eps) {
            dense = module("dense", new Linear(in, out, true));
            LayerNorm = module("LayerNorm", new LayerNorm(out, eps));
        }

        Tensor forward(Tensor x, Tensor residual) {
            return LayerNorm.forward(dense.forward(x).add(residual));
        }
    }

    public static final class Pooler extends Module {
        public final Linear dense;

        Pooler(int hidden) { dense = module("dense", new Linear(hidden, hidden, true)); }
    }

    public Roberta(RobertaConfig config) {
        this.config = config;
        embeddings = module("embeddings", new Embeddings(config));
        encoder = module("encoder", new Encoder(config));
        pooler = module("pooler", new Pooler(config.hiddenSize()));
    }

    public RobertaConfig config() { return config; }

    /** ids and mask [B, L] int64 → pooler output [B, H]; records the golden's intermediates. */
    public Tensor forward(Tensor inputIds, Tensor attentionMask, Capture capture) {
        Tensor ids = inputIds.to(ScalarType.Long);
        Tensor notPad = ids.ne(new Scalar(config.padTokenId())).to(ScalarType.Long);
        Tensor positions = torch.cumsum(notPad, 1).mul(notPad).add(new Scalar(config.padTokenId())); // [B, L]
        if (capture.active()) capture.put("position_ids", positions);
        Tensor x = embeddings.word_embeddings.forward(ids)
                .add(embeddings.token_type_embeddings.forward(torch.zeros_like(ids)))
                .add(embeddings.position_embeddings.forward(positions));
        x = embeddings.LayerNorm.forward(x);                                                  // [B, L, H]
        if (capture.active()) capture.put("embedding_output", x);
        Tensor additive = torch.ones_like(attentionMask).sub(attentionMask).to(x.scalar_type())
                .mul(new Scalar(-10000.0)).unsqueeze(1).unsqueeze(2);                        // [B, 1, 1, L]
        for (Layer layer : encoder.layer.items()) x = layer.forward(x, additive);
        if (capture.active()) capture.put("last_hidden_state", x);
        Tensor pooled = torch.tanh(pooler.dense.forward(x.select(1, 0)));                    // [B, H]
        if (capture.active()) capture.put("pooler_output", pooled);
        return pooled;
    }
}

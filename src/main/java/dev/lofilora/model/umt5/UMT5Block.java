package dev.lofilora.model.umt5;

import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import dev.lofilora.nn.Scoped;
import org.bytedeco.pytorch.Tensor;

/** One encoder block: {@code layer.0} self-attention, {@code layer.1} feed-forward, each pre-norm with a residual. */
public final class UMT5Block extends Module {
    /** {@code UMT5LayerSelfAttention}. */
    public static final class SelfAttentionLayer extends Module {
        public final UMT5Attention SelfAttention;
        public final UMT5LayerNorm layer_norm;

        SelfAttentionLayer(Umt5Config c) {
            SelfAttention = module("SelfAttention", new UMT5Attention(c));
            layer_norm = module("layer_norm", new UMT5LayerNorm(c.dModel(), c.layerNormEpsilon()));
        }
    }

    /** {@code UMT5LayerFF}. */
    public static final class FeedForwardLayer extends Module {
        public final UMT5DenseGatedActDense DenseReluDense;
        public final UMT5LayerNorm layer_norm;

        FeedForwardLayer(Umt5Config c) {
            DenseReluDense = module("DenseReluDense", new UMT5DenseGatedActDense(c));
            layer_norm = module("layer_norm", new UMT5LayerNorm(c.dModel(), c.layerNormEpsilon()));
        }
    }

    public final ModuleList<Module> layer;
    private final SelfAttentionLayer attention;
    private final FeedForwardLayer feedForward;

    public UMT5Block(Umt5Config c) {
        layer = module("layer", new ModuleList<>());
        attention = (SelfAttentionLayer) layer.add(new SelfAttentionLayer(c));
        feedForward = (FeedForwardLayer) layer.add(new FeedForwardLayer(c));
    }

    /** h [B, L, D] → [B, L, D]. */
    public Tensor forward(Tensor h, Tensor additiveMask, Tensor buckets) {
        return Scoped.run(() -> {
            Tensor x = h.add(attention.SelfAttention.forward(attention.layer_norm.forward(h), additiveMask, buckets));
            return x.add(feedForward.DenseReluDense.forward(feedForward.layer_norm.forward(x)));
        });
    }
}

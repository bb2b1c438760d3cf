package dev.lofilora.model.umt5;

import dev.lofilora.nn.Embedding;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * UMT5 self-attention with this layer's own relative-position bias (UMT5, unlike T5, has a bias table in every
 * layer). No 1/√d scaling (Mesh-TensorFlow initialisation absorbs it); softmax in float32 (golden codecs README,
 * fact 6).
 */
public final class UMT5Attention extends Module {
    private final Umt5Config config;
    public final Linear q;
    public final Linear k;
    public final Linear v;
    public final Linear o;
    public final Embedding relative_attention_bias;

    public UMT5Attention(Umt5Config c) {
        this.config = c;
        long inner = (long) c.numHeads() * c.dKv();
        q = module("q", new Linear(c.dModel(), inner, false));
        k = module("k", new Linear(c.dModel(), inner, false));
        v = module("v", new Linear(c.dModel(), inner, false));
        o = module("o", new Linear(inner, c.dModel(), false));
        relative_attention_bias = module("relative_attention_bias",
                new Embedding(c.relativeAttentionNumBuckets(), c.numHeads()));
    }

    /**
     * h [B, L, D], additive mask [B, 1, 1, L] ({@code (1 − mask)·finfo(f32).min}), buckets [L, L] → [B, L, D].
     */
    public Tensor forward(Tensor h, Tensor additiveMask, Tensor buckets) {
        long b = h.size(0), len = h.size(1);
        Tensor qs = heads(q.forward(h), b);                                      // [B, H, L, d]
        Tensor ks = heads(k.forward(h), b);
        Tensor vs = heads(v.forward(h), b);
        Tensor scores = torch.matmul(qs, ks.transpose(3, 2));                    // [B, H, L, L]
        Tensor bias = relative_attention_bias.forward(buckets)                   // [L, L, H]
                .permute(2, 0, 1).unsqueeze(0);                                  // [1, H, L, L]
        scores = scores.add(bias.add(additiveMask));
        Tensor weights = torch.softmax(scores.to(ScalarType.Float), -1, new ScalarTypeOptional())
                .to(scores.scalar_type());
        Tensor out = torch.matmul(weights, vs).transpose(1, 2).contiguous().view(b, len, -1); // [B, L, H·d]
        return o.forward(out);
    }

    private Tensor heads(Tensor x, long b) {
        return x.view(b, -1, config.numHeads(), config.dKv()).transpose(1, 2);
    }

    /**
     * {@code _relative_position_bucket(k − q)} for the bidirectional encoder, [q, k] int64: half the buckets per
     * direction, exact below {@code buckets/4}, logarithmic up to {@code max_distance}; the log is taken in float32
     * and truncated, as the original.
     */
    public static Tensor buckets(long length, int numBuckets, int maxDistance, org.bytedeco.pytorch.Device device) {
        TensorOptions i64 = new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Long))
                .device(new org.bytedeco.pytorch.DeviceOptional(device));
        Tensor pos = torch.arange(new Scalar(length), i64);
        Tensor rel = pos.unsqueeze(0).sub(pos.unsqueeze(1));                     // [q, k] = k − q
        long half = numBuckets / 2;
        Tensor out = rel.gt(new Scalar(0)).to(ScalarType.Long).mul(new Scalar(half));
        Tensor abs = rel.abs();
        long maxExact = half / 2;
        Tensor small = abs.lt(new Scalar(maxExact));
        Tensor logRatio = abs.to(ScalarType.Float).div(new Scalar((double) maxExact)).log()
                .div(new Scalar(Math.log((double) maxDistance / maxExact))).mul(new Scalar((double) (half - maxExact)));
        Tensor large = logRatio.to(ScalarType.Long).add(new Scalar(maxExact))
                .clamp_max(new Scalar(half - 1));
        return out.add(torch.where(small, abs, large));
    }
}

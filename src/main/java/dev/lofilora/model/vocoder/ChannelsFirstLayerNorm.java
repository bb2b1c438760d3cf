package dev.lofilora.model.vocoder;

import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * ACE-Step's {@code LayerNorm(data_format="channels_first")}: normalises over dim 1 written out as
 * {@code (x − u) / sqrt(var + eps)} then {@code weight[:, None]·x + bias[:, None]} — not {@code F.layer_norm}, so the
 * rounding follows the original (golden codecs README, fact 5).
 */
public final class ChannelsFirstLayerNorm extends Module {
    private final double eps;
    public final Parameter weight;
    public final Parameter bias;

    public ChannelsFirstLayerNorm(long channels, double eps) {
        this.eps = eps;
        this.weight = parameter("weight", channels);
        this.bias = parameter("bias", channels);
    }

    /** x [B, C, T] → [B, C, T]. */
    public Tensor forward(Tensor x) {
        Tensor u = x.mean(new long[] {1}, true, new ScalarTypeOptional());                    // [B, 1, T]
        Tensor d = x.sub(u);
        Tensor s = d.pow(new Scalar(2)).mean(new long[] {1}, true, new ScalarTypeOptional()); // [B, 1, T]
        Tensor n = d.div(s.add(new Scalar(eps)).sqrt());
        return weight.value().unsqueeze(1).mul(n).add(bias.value().unsqueeze(1));
    }
}

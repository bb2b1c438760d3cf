package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code torch.nn.utils.weight_norm(nn.Conv1d(...))} as its state dict stores it: {@code weight_g [out, 1, 1]},
 * {@code weight_v [out, in, k]}, {@code bias [out]}; the effective weight is {@code v · g / ‖v‖} with the norm over
 * every dim but 0. Zero padding, optional dilation.
 */
public final class WeightNormConv1d extends Module {
    public final long stride;
    public final long padding;
    public final long dilation;
    public final Parameter weight_g;
    public final Parameter weight_v;
    public final Parameter bias;

    public WeightNormConv1d(long in, long out, long kernel, long stride, long padding, long dilation, boolean bias) {
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.weight_g = parameter("weight_g", out, 1, 1);
        this.weight_v = parameter("weight_v", out, in, kernel);
        this.bias = bias ? parameter("bias", out) : null;
    }

    /** The effective weight {@code v · (g / ‖v‖)} [out, in, k]. */
    public Tensor weight() {
        return weightNorm(weight_v.value(), weight_g.value());
    }

    /** x [N, in, L] → [N, out, L']. */
    public Tensor forward(Tensor x) {
        return torch.conv1d(x, weight(), F.opt(bias == null ? null : bias.value()), new long[] {stride},
                new long[] {padding}, new long[] {dilation}, 1);
    }

    /** torch's {@code _weight_norm(v, g, dim=0)}: v · (g / norm_except_dim(v, 2, 0)). */
    static Tensor weightNorm(Tensor v, Tensor g) {
        return v.mul(g.div(torch.norm_except_dim(v, 2, 0)));
    }
}

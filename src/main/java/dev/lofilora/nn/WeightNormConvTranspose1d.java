package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code weight_norm(nn.ConvTranspose1d(...))}: {@code weight_g [in, 1, 1]}, {@code weight_v [in, out, k]},
 * {@code bias [out]}. A transposed conv's weight has the <em>input</em> channel first, so weight norm's dim 0 (and
 * the norm over the other dims) is per input channel.
 */
public final class WeightNormConvTranspose1d extends Module {
    public final long stride;
    public final long padding;
    public final Parameter weight_g;
    public final Parameter weight_v;
    public final Parameter bias;

    public WeightNormConvTranspose1d(long in, long out, long kernel, long stride, long padding) {
        this.stride = stride;
        this.padding = padding;
        this.weight_g = parameter("weight_g", in, 1, 1);
        this.weight_v = parameter("weight_v", in, out, kernel);
        this.bias = parameter("bias", out);
    }

    /** The effective weight {@code v · (g / ‖v‖)} [in, out, k] (norm per input channel). */
    public Tensor weight() {
        return WeightNormConv1d.weightNorm(weight_v.value(), weight_g.value());
    }

    /** x [N, in, L] → [N, out, (L − 1)·stride − 2·padding + k]. */
    public Tensor forward(Tensor x) {
        Tensor w = weight();
        return torch.conv_transpose1d(x, w, F.opt(bias.value()), new long[] {stride}, new long[] {padding},
                new long[] {0}, 1, 1);
    }
}

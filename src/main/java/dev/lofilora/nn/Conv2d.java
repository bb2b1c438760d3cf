package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;

/** torch.nn.Conv2d: {@code weight [out, in/groups, kh, kw]}, optional bias; zero padding. */
public final class Conv2d extends Module {
    public final long[] stride;
    public final long[] padding;
    public final long groups;
    public final Parameter weight;
    public final Parameter bias;

    public Conv2d(long in, long out, long[] kernel, long[] stride, long[] padding, long groups, boolean bias) {
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.groups = groups;
        this.weight = parameter("weight", out, in / groups, kernel[0], kernel[1]);
        this.bias = bias ? parameter("bias", out) : null;
    }

    /** x [N, in, H, W] → [N, out, H', W']. */
    public Tensor forward(Tensor x) {
        return F.conv2d(x, weight.value(), bias == null ? null : bias.value(), stride, padding, groups);
    }
}

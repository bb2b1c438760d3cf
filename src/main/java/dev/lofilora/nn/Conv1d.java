package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;

/** torch.nn.Conv1d: {@code weight [out, in/groups, k]}, optional bias; zero padding. */
public final class Conv1d extends Module {
    public final long stride;
    public final long padding;
    public final long groups;
    public final Parameter weight;
    public final Parameter bias;

    public Conv1d(long in, long out, long kernel, long stride, long padding, long groups, boolean bias) {
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        this.weight = parameter("weight", out, in / groups, kernel);
        this.bias = bias ? parameter("bias", out) : null;
    }

    /** x [N, in, L] → [N, out, L']. */
    public Tensor forward(Tensor x) {
        return F.conv1d(x, weight.value(), bias == null ? null : bias.value(), stride, padding, groups);
    }
}

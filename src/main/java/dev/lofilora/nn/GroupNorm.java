package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;

/** torch.nn.GroupNorm with affine weight and bias; statistics over (C/groups × all spatial positions). */
public final class GroupNorm extends Module {
    public final long groups;
    public final double eps;
    public final Parameter weight;
    public final Parameter bias;

    public GroupNorm(long groups, long channels, double eps) {
        this.groups = groups;
        this.eps = eps;
        this.weight = parameter("weight", channels);
        this.bias = parameter("bias", channels);
    }

    /** x [N, C, *]. */
    public Tensor forward(Tensor x) {
        return F.groupNorm(x, groups, weight.value(), bias.value(), eps);
    }
}

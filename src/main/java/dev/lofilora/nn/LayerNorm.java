package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;

/** torch.nn.LayerNorm over the last dim, with affine weight and bias. */
public final class LayerNorm extends Module {
    public final long dim;
    public final double eps;
    public final Parameter weight;
    public final Parameter bias;

    public LayerNorm(long dim, double eps) {
        this.dim = dim;
        this.eps = eps;
        this.weight = parameter("weight", dim);
        this.bias = parameter("bias", dim);
    }

    public Tensor forward(Tensor x) {
        return F.layerNorm(x, new long[] {dim}, weight.value(), bias.value(), eps);
    }
}

package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;

/** torch.nn.Linear: {@code weight [out, in]}, optional {@code bias [out]}. */
public class Linear extends Module {
    public final long inFeatures;
    public final long outFeatures;
    public final Parameter weight;
    public final Parameter bias;

    public Linear(long inFeatures, long outFeatures, boolean bias) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = parameter("weight", outFeatures, inFeatures);
        this.bias = bias ? parameter("bias", outFeatures) : null;
    }

    /** x [..., in] → [..., out]. */
    public Tensor forward(Tensor x) {
        return F.linear(x, weight.value(), bias == null ? null : bias.value());
    }
}

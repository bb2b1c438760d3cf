package dev.lofilora.model.umt5;

import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** T5's RMS norm: no mean subtraction, no bias; variance in float32; {@code weight · x · rsqrt(var + eps)}. */
public final class UMT5LayerNorm extends Module {
    private final double eps;
    public final Parameter weight;

    public UMT5LayerNorm(long dim, double eps) {
        this.eps = eps;
        this.weight = parameter("weight", dim);
    }

    /** x [..., D] → [..., D]. */
    public Tensor forward(Tensor x) {
        Tensor var = x.to(ScalarType.Float).pow(new Scalar(2)).mean(new long[] {-1}, true, new ScalarTypeOptional());
        return weight.value().mul(x.mul(var.add(new Scalar(eps)).rsqrt()));
    }
}

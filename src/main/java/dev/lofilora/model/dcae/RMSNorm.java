package dev.lofilora.model.dcae;

import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * diffusers {@code RMSNorm(dim, eps, elementwise_affine=True, bias=True)} over the last dim (v0.33.1): variance in
 * float32, {@code x · rsqrt(var + eps) · weight + bias}. The DC-AE applies it over channels
 * ({@link #forwardChannels}: moves dim 1 last and back).
 */
public final class RMSNorm extends Module {
    private final double eps;
    public final Parameter weight;
    public final Parameter bias;

    public RMSNorm(long dim, double eps) {
        this.eps = eps;
        this.weight = parameter("weight", dim);
        this.bias = parameter("bias", dim);
    }

    /** x [..., C] → [..., C]. */
    public Tensor forward(Tensor x) {
        Tensor var = x.to(ScalarType.Float).pow(new Scalar(2))
                .mean(new long[] {-1}, true, new ScalarTypeOptional());        // [..., 1] fp32
        return x.mul(var.add(new Scalar(eps)).rsqrt()).mul(weight.value()).add(bias.value());
    }

    /**
     * x [B, C, H, W] normalised over C: the original moves C last and back; reducing over dim 1 in place gives the
     * same maths without two strided copies per norm.
     */
    public Tensor forwardChannels(Tensor x) {
        Tensor var = x.to(ScalarType.Float).pow(new Scalar(2))
                .mean(new long[] {1}, true, new ScalarTypeOptional());                   // [B, 1, H, W] fp32
        return x.mul(var.add(new Scalar(eps)).rsqrt()).mul(weight.value().view(1, -1, 1, 1))
                .add(bias.value().view(1, -1, 1, 1));
    }
}

package dev.lofilora.model.transformer;

import dev.lofilora.nn.F;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** The two RMSNorm flavours of the transformer (research/acestep.md §2.8). */
final class RmsNorms {
    private RmsNorms() {}

    /**
     * diffusers {@code RMSNorm(elementwise_affine=False)} (v0.33.1): variance in fp32, {@code x · rsqrt(var + eps)}
     * (an fp32 product for low-precision x), cast back to x's dtype. Used by the blocks' norm1/norm2.
     */
    static Tensor diffusers(Tensor x, double eps) {
        Tensor var = x.to(ScalarType.Float).pow(Ops.s(2))
                .mean(new long[] {-1}, true, new ScalarTypeOptional());        // [..., 1] fp32
        Tensor y = x.mul(var.add(Ops.s(eps)).rsqrt());
        return Ops.sameType(y, x.scalar_type()) ? y : y.to(x.scalar_type());
    }

    /** torch {@code nn.RMSNorm(elementwise_affine=False)}: ATen rms_norm (final layer). */
    static Tensor aten(Tensor x, double eps) {
        return F.rmsNorm(x, eps);
    }
}

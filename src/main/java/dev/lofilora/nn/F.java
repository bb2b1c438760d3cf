package dev.lofilora.nn;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Functional ops with the optional arguments filled in, so model code reads like the maths. Thin: each method is
 * one libtorch call.
 */
public final class F {
    private F() {}

    static {
        // NNPACK is one of libtorch's CPU convolution back-ends; on CPUs it does not support, libtorch logs "Could not
        // initialize NNPACK! Reason: Unsupported hardware." at every convolution. The default back-end (oneDNN or
        // the native one) is used anyway, so turn it off before the first convolution: same results, no warnings.
        torch.globalContext().setUserEnabledNNPACK(false);
    }

    public static TensorOptional opt(Tensor t) {
        return t == null ? new TensorOptional() : new TensorOptional(t);
    }

    /** y = x·Wᵀ + b. x [..., in], w [out, in], b [out] or null. */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        return torch.linear(x, w, opt(b));
    }

    /** LayerNorm over the last {@code normalized.length} dims. */
    public static Tensor layerNorm(Tensor x, long[] normalized, Tensor w, Tensor b, double eps) {
        return torch.layer_norm(x, normalized, opt(w), opt(b), eps, false);
    }

    /** GroupNorm; x [N, C, *]. */
    public static Tensor groupNorm(Tensor x, long groups, Tensor w, Tensor b, double eps) {
        return torch.group_norm(x, groups, opt(w), opt(b), eps, false);
    }

    /** ATen rms_norm over the last dim without weight: x·rsqrt(mean(x²)+eps), computed in the op-math type. */
    public static Tensor rmsNorm(Tensor x, double eps) {
        long last = x.size(-1);
        return torch.rms_norm(x, new long[] {last}, new TensorOptional(), new DoubleOptional(eps));
    }

    /** x [N, Cin, L]; w [Cout, Cin/groups, k]. */
    public static Tensor conv1d(Tensor x, Tensor w, Tensor b, long stride, long padding, long groups) {
        return torch.conv1d(x, w, opt(b), new long[] {stride}, new long[] {padding}, new long[] {1}, groups);
    }

    /** x [N, Cin, H, W]; w [Cout, Cin/groups, kh, kw]. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, long[] stride, long[] padding, long groups) {
        return torch.conv2d(x, w, opt(b), stride, padding, new long[] {1, 1}, groups);
    }

    public static Tensor silu(Tensor x) { return torch.silu(x); }

    public static Tensor relu(Tensor x) { return torch.relu(x); }

    public static Tensor softmax(Tensor x, long dim) { return torch.softmax(x, dim, new ScalarTypeOptional()); }

    /** Softmax attention with an additive float mask (0 / −inf), default scale 1/√d, no dropout. */
    public static Tensor sdpa(Tensor q, Tensor k, Tensor v, Tensor additiveMask) {
        return torch.scaled_dot_product_attention(q, k, v, opt(additiveMask), 0.0, false, new DoubleOptional(), false);
    }

    public static Scalar scalar(double v) { return new Scalar(v); }
}

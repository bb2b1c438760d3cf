package dev.lofilora.infer.guidance;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Adaptive projected guidance, ACE-Step's default ({@code apg_forward} in {@code acestep/apg_guidance.py} at d612523):
 * <pre>
 *   diff = cond − uncond;  momentum buffer: avg ← diff − 0.75·avg;  diff = avg
 *   diff ·= min(1, 2.5 / ‖diff‖)          (norm per (b, c) over the last two axes, H × T)
 *   diff = diff_orthogonal + eta·diff_parallel   (projection onto cond, computed in float64)
 *   out  = cond + (g − 1)·diff
 * </pre>
 * with ACE-Step's arguments eta 0, norm threshold 2.5. The buffer is shared by every guided iteration of one
 * generation.
 */
public final class Apg implements GuidanceRule, AutoCloseable {
    /** The axes APG normalises and projects over: H and T of [B, C, H, T]. */
    static final long[] DIMS = {-1, -2};
    public static final double DEFAULT_ETA = 0.0;
    public static final double DEFAULT_NORM_THRESHOLD = 2.5;

    private final MomentumBuffer buffer;
    private final double eta;
    private final double normThreshold;

    /** APG with ACE-Step's defaults and {@code buffer} (null: no momentum). */
    public Apg(MomentumBuffer buffer) {
        this(buffer, DEFAULT_ETA, DEFAULT_NORM_THRESHOLD);
    }

    public Apg(MomentumBuffer buffer, double eta, double normThreshold) {
        this.buffer = buffer;
        this.eta = eta;
        this.normThreshold = normThreshold;
    }

    /** The momentum buffer, or null. */
    public MomentumBuffer buffer() { return buffer; }

    @Override
    public Tensor apply(Tensor cond, Tensor uncond, double scale, int i) {
        Tensor diff = cond.sub(uncond);
        if (buffer != null) {
            buffer.update(diff);
            diff = buffer.runningAverage();
        }
        if (normThreshold > 0) {
            Tensor ones = torch.ones_like(diff);
            Tensor norm = torch.linalg_vector_norm(diff, new Scalar(2), DIMS, true, new ScalarTypeOptional()); // [B, C, 1, 1]
            // Python's `2.5 / norm` is norm.reciprocal() * 2.5 (torch's __rtruediv__).
            Tensor factor = torch.minimum(ones, norm.reciprocal().mul(new Scalar(normThreshold)));
            diff = diff.mul(factor);
        }
        Tensor[] parallelOrthogonal = project(diff, cond);
        Tensor update = parallelOrthogonal[1].add(parallelOrthogonal[0].mul(new Scalar(eta)));
        return cond.add(update.mul(new Scalar(scale - 1)));
    }

    /**
     * {@code project(v0, v1)}: v0's components parallel and orthogonal to v1 (normalised over H, T per (b, c)),
     * computed in float64 and cast back to v0's dtype (float64 → bf16 goes through float32: two roundings, as torch).
     */
    static Tensor[] project(Tensor v0, Tensor v1) {
        ScalarType dtype = v0.scalar_type();
        Tensor a = v0.to(ScalarType.Double);
        Tensor b = v1.to(ScalarType.Double);
        // F.normalize(v1, dim=dims): v1 / max(‖v1‖, 1e-12)
        Tensor denom = torch.linalg_vector_norm(b, new Scalar(2.0), DIMS, true, new ScalarTypeOptional())
                .clamp_min(new Scalar(1e-12)).expand_as(b);
        b = b.div(denom);
        Tensor parallel = a.mul(b).sum(DIMS, true, new ScalarTypeOptional()).mul(b);   // [B, C, H, T]
        Tensor orthogonal = a.sub(parallel);
        return new Tensor[] {parallel.to(dtype), orthogonal.to(dtype)};
    }

    @Override
    public void close() {
        if (buffer != null) buffer.close();
    }
}

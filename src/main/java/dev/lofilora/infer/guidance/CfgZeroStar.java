package dev.lofilora.infer.guidance;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * CFG-Zero* ({@code cfg_zero_star}): the unconditional prediction is first scaled by the per-sample optimum
 * α = ⟨cond, uncond⟩ / (‖uncond‖² + 1e-8), then {@code uncond·α + g·(cond − uncond·α)}; and for loop indices
 * {@code i ≤ zero_steps} (the absolute index, so only when the guidance window starts that early) the output is zero
 * ({@code cond · 0.0}).
 */
public final class CfgZeroStar implements GuidanceRule {
    /** ACE-Step's {@code zero_steps}. */
    public static final int DEFAULT_ZERO_STEPS = 1;

    private final int zeroSteps;
    private final boolean useZeroInit;

    public CfgZeroStar(int zeroSteps, boolean useZeroInit) {
        this.zeroSteps = zeroSteps;
        this.useZeroInit = useZeroInit;
    }

    @Override
    public Tensor apply(Tensor cond, Tensor uncond, double scale, int i) {
        long b = cond.size(0);
        Tensor positive = cond.view(b, -1);                                                   // [B, N]
        Tensor negative = uncond.view(b, -1);
        Tensor dot = positive.mul(negative).sum(new long[] {1}, true, new ScalarTypeOptional());        // [B, 1]
        Tensor squaredNorm = negative.pow(new Scalar(2)).sum(new long[] {1}, true, new ScalarTypeOptional())
                .add(new Scalar(1e-8));
        Tensor alpha = dot.div(squaredNorm).view(b, 1, 1, 1);                                  // [B, 1, 1, 1]
        if (i <= zeroSteps && useZeroInit) return cond.mul(new Scalar(0.0));
        Tensor scaledUncond = uncond.mul(alpha);
        return scaledUncond.add(cond.sub(scaledUncond).mul(new Scalar(scale)));
    }
}

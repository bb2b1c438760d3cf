package dev.lofilora.infer.sampler;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * ACE-Step's "mean shift" of an update {@code dx} (Euler and Heun {@code step}, research/acestep.md §5.2): the
 * deviation from the mean is scaled by ω′ while the mean itself is kept, {@code dx' = (dx − m)·ω′ + m} with
 * {@code m = mean(dx)} over the whole batch tensor, and ω′ = 0.9 + 0.2/(1 + e^{−0.1ω}) from the user's
 * {@code omega_scale} (ω = 0 gives exactly 1, ω = 10 gives 1.0462117…).
 */
public final class OmegaShift {
    private OmegaShift() {}

    /** ω′: the original's {@code logistic_function(omega, L=0.9, U=1.1, x_0=0, k=0.1)} in float64. */
    public static double rescale(double omega) {
        double lower = 0.9, upper = 1.1, x0 = 0.0, k = 0.1;
        return lower + (upper - lower) / (1 + StrictMath.exp(-k * (omega - x0)));
    }

    /**
     * {@code (dx − dx.mean())·ω′ + dx.mean()} in {@code dx}'s dtype; ω′ multiplies as a Python number does (not
     * rounded to bf16 on the CPU: golden README rule R2), and the bf16 mean rounds once (rule R1) — libtorch ≥ 2.1's
     * own CPU behaviour, so the ops are simply issued in the original's order.
     */
    public static Tensor apply(Tensor dx, double omegaRescaled) {
        Tensor m = dx.mean();                                       // 0-dim, dx's dtype
        return dx.sub(m).mul(new Scalar(omegaRescaled)).add(m);
    }
}

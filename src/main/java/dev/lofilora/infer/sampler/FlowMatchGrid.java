package dev.lofilora.infer.sampler;

/**
 * The σ arithmetic of ACE-Step's three flow-matching schedulers ({@code acestep/schedulers/*.py} at d612523), done in
 * Java with the precision of each original statement: the constructor's float32 tensor grid, {@code set_timesteps(N)}'s
 * float64 numpy path and {@code set_timesteps(sigmas=…)}'s float32 numpy path. Java's float and double operations are
 * IEEE round-to-nearest one at a time (no fused multiply-add), as numpy's and torch's element-wise CPU kernels, so
 * these match the original bit for bit.
 *
 * <p>The quirk kept on purpose (research/acestep.md §5.2): {@code set_timesteps} shifts a grid whose end points were
 * already shifted by the constructor, so σ is shifted twice (the smallest σ is 0.00893, not 0.00299), and a custom σ
 * list (the {@code oss_steps} path) is shifted a third time.
 */
public final class FlowMatchGrid {
    /** {@code num_train_timesteps} of every ACE-Step scheduler. */
    public static final int NUM_TRAIN_TIMESTEPS = 1000;
    /** {@code shift} of every ACE-Step scheduler. */
    public static final double SHIFT = 3.0;

    private final int numTrainTimesteps;
    private final double shift;
    private final float[] trainingSigmas;

    /** The constructor's grid for {@code (num_train_timesteps, shift)}; sigma_max of the constructor is 1.0. */
    public FlowMatchGrid(int numTrainTimesteps, double shift) {
        if (numTrainTimesteps < 2) throw new IllegalArgumentException("num_train_timesteps must be ≥ 2");
        if (!(shift > 0)) throw new IllegalArgumentException("shift must be > 0");
        this.numTrainTimesteps = numTrainTimesteps;
        this.shift = shift;
        // np.linspace(1, 1000, 1000, dtype=float32)[::-1] / 1000, then shift·σ/(1 + (shift−1)·σ): float32 tensor ops.
        double[] t = linspace(1.0, numTrainTimesteps, numTrainTimesteps);
        float s = (float) shift, sm1 = (float) (shift - 1);
        trainingSigmas = new float[numTrainTimesteps];
        for (int i = 0; i < numTrainTimesteps; i++) {
            float sigma = (float) t[numTrainTimesteps - 1 - i] / (float) numTrainTimesteps;
            trainingSigmas[i] = s * sigma / (1f + sm1 * sigma);
        }
    }

    /** ACE-Step's {@code (1000, shift 3.0)}. */
    public static FlowMatchGrid aceStep() {
        return new FlowMatchGrid(NUM_TRAIN_TIMESTEPS, SHIFT);
    }

    public int numTrainTimesteps() { return numTrainTimesteps; }

    public double shift() { return shift; }

    /** The constructor's σ grid (descending, float32), a copy. */
    public float[] trainingSigmas() { return trainingSigmas.clone(); }

    /** The constructor's timesteps: σ·num_train_timesteps in float32. */
    public float[] trainingTimesteps() { return times(trainingSigmas); }

    /** {@code self.sigmas[0].item()} (1.0). */
    public double sigmaMax() { return trainingSigmas[0]; }

    /** {@code self.sigmas[-1].item()} (0.0029940120875835 for ACE-Step). */
    public double sigmaMin() { return trainingSigmas[trainingSigmas.length - 1]; }

    /**
     * {@code set_timesteps(n)} without custom σ: {@code np.linspace(σ_max·1000, σ_min·1000, n) / 1000} in float64,
     * shifted again in float64, then cast to float32. No trailing 0.
     */
    public float[] inferenceSigmas(int n) {
        if (n < 1) throw new IllegalArgumentException("the number of inference steps must be ≥ 1, got " + n);
        double[] t = linspace(sigmaMax() * numTrainTimesteps, sigmaMin() * numTrainTimesteps, n);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double s = t[i] / numTrainTimesteps;
            out[i] = (float) (shift * s / (1 + (shift - 1) * s));
        }
        return out;
    }

    /** {@code set_timesteps(sigmas=…)} with a float32 numpy array: the shift applied in float32. No trailing 0. */
    public float[] shiftCustom(float[] sigmas) {
        float s = (float) shift, sm1 = (float) (shift - 1);
        float[] out = new float[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) out[i] = s * sigmas[i] / (1f + sm1 * sigmas[i]);
        return out;
    }

    /** {@code sigmas * num_train_timesteps} in float32. */
    public float[] times(float[] sigmas) {
        float[] out = new float[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) out[i] = sigmas[i] * (float) numTrainTimesteps;
        return out;
    }

    /** {@code sigmas} with a trailing 0 ({@code torch.cat([sigmas, zeros(1)])}). */
    static float[] withTrailingZero(float[] sigmas) {
        float[] out = java.util.Arrays.copyOf(sigmas, sigmas.length + 1);
        out[sigmas.length] = 0f;
        return out;
    }

    /**
     * numpy's {@code linspace(start, stop, num)} in float64, operation for operation: {@code i·step + start} with
     * {@code step = (stop − start)/(num − 1)}, the last element set to {@code stop}; one element is {@code start}.
     */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        if (num == 1) {
            y[0] = start;
            return y;
        }
        double delta = stop - start;
        int div = num - 1;
        double step = delta / div;
        for (int i = 0; i < num; i++) {
            // numpy divides then multiplies when the step underflows to 0; the same values either way for ACE-Step.
            y[i] = step == 0 ? (double) i / div * delta + start : i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }
}

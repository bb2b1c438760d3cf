package dev.lofilora.infer.sampler;

import org.bytedeco.pytorch.Tensor;

/**
 * A sampler's schedule and update rule, as the denoising loop sees it: the timesteps to visit (one model evaluation
 * each) and a {@code step} that turns the model output at one timestep into the next latent. ACE-Step v1's three
 * flow-matching schedulers implement it ({@link EulerScheduler}, {@link HeunScheduler}, {@link PingPongScheduler});
 * another sampler (ACE-Step 1.5's) plugs in by implementing it too.
 *
 * <p>Stateful: {@code step} must be called once per timestep, in order (Heun keeps its predictor between calls).
 * Not thread-safe.
 */
public interface Scheduler extends AutoCloseable {
    /** The timesteps the loop iterates, in order (float32 values, σ·1000). */
    float[] timesteps();

    /**
     * The step count {@code retrieve_timesteps} reports, which the guidance window is computed from: N for Heun
     * although it iterates 2N−1 timesteps (research/acestep.md §5; golden README quirk 3).
     */
    int numInferenceSteps();

    /**
     * One update. {@code sample} and {@code modelOutput} are [B, C, H, T] in the pipeline dtype; the result is in
     * {@code modelOutput}'s dtype, as the original's {@code prev_sample.to(model_output.dtype)}.
     *
     * @param timestep the timestep of this call (an element of {@link #timesteps()})
     * @param omega    ACE-Step's {@code omega_scale} (ignored by schedulers without the mean shift)
     * @param noise    fresh noise for stochastic schedulers (PingPong); others never call it
     */
    Tensor step(Tensor modelOutput, float timestep, Tensor sample, double omega, NoiseSource noise);

    /** Releases the scheduler's tensors (its σ table and any stored state). */
    @Override
    void close();
}

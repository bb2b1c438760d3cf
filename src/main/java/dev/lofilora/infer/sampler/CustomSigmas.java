package dev.lofilora.infer.sampler;

/**
 * A scheduler whose {@code set_timesteps} accepts a custom σ list, which {@code oss_steps} needs (Euler and PingPong;
 * Heun's {@code set_timesteps} has no {@code sigmas} parameter, so the original raises {@code ValueError} there).
 */
public interface CustomSigmas {
    /** {@code set_timesteps(sigmas=…)}: the σ (float32) are shifted once more; one timestep per σ. */
    void setSigmas(float[] sigmas);
}

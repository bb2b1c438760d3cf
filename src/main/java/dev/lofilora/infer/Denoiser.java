package dev.lofilora.infer;

import org.bytedeco.pytorch.Tensor;

/**
 * The model as the denoising loop calls it: one velocity prediction for a latent at a timestep under one of the
 * condition encodings. {@link TransformerDenoiser} runs the ACE-Step transformer (its {@code decode}, with the ERG
 * hooks); a conformance run replays stored outputs.
 */
@FunctionalInterface
public interface Denoiser {
    /**
     * @param condition which encoding to decode with
     * @param latents   [B, C, H, T] in the pipeline dtype
     * @param timestep  [B] float32 (the loop's timestep expanded over the batch)
     * @param iteration the loop index i
     * @return the velocity [B, C, H, T] in the pipeline dtype
     */
    Tensor predict(Condition condition, Tensor latents, Tensor timestep, int iteration);
}

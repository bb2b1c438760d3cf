package dev.lofilora.infer;

import org.bytedeco.pytorch.Tensor;

/**
 * What one iteration of the denoising loop did; the tensors are valid only during the
 * {@link DenoisingLoop.Listener} callback (they live in the iteration's memory scope).
 *
 * @param i         loop index
 * @param iterations the loop's length
 * @param timestep  the timestep t of this iteration
 * @param guided    whether guidance ran ({@code start ≤ i < end} and guidance on)
 * @param scale     the scale the guidance rule received: NaN when not guided and for double condition (which
 *                  takes none), as the golden's {@code loop.*.scale}
 * @param noisePred the prediction the scheduler stepped with
 * @param latents   the latent after the step
 */
public record LoopStep(int i, int iterations, float timestep, boolean guided, double scale, Tensor noisePred,
                       Tensor latents) {}

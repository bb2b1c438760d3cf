package dev.lofilora.train;

import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import org.bytedeco.pytorch.Tensor;

import java.util.List;
import java.util.Map;

/**
 * What a training step optimises, given the model's output: how the clean latent is noised, and the losses. Pluggable
 * (interface) so a later model version brings its own objective; {@link AceStepV1Objective} is ACE-Step v1's.
 */
public interface TrainingObjective {
    /** The model's input at noise level σ: x0, noise [B, C, H, T] fp32, sigmas [B] fp32 → [B, C, H, T] fp32. */
    Tensor noisyInput(Tensor x0, Tensor noise, Tensor sigmas);

    /**
     * The losses.
     *
     * @param output    the model's output (sample [B, C, H, T] in the model dtype; SSL projections when asked for)
     * @param noisy     what {@link #noisyInput} returned
     * @param x0        the clean latent [B, C, H, T] fp32
     * @param sigmas    [B] fp32
     * @param mask      latent frame mask [B, T] fp32
     * @param ssl       REPA targets per head (heads in the model's {@code ssl_names} order); empty → no REPA term
     */
    LossTerms losses(ACEStepTransformer2DModel.Output output, Tensor noisy, Tensor x0, Tensor sigmas, Tensor mask,
                     Map<String, List<Tensor>> ssl);
}

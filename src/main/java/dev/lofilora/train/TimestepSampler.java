package dev.lofilora.train;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

/**
 * Draws the noise level of each item of a training batch. Pluggable so that another model's schedule (ACE-Step 1.5)
 * is a new implementation, not a change to the trainer.
 */
public interface TimestepSampler {
    /** σ and model timestep for {@code batch} items, both [B] fp32 on the CPU, drawn from {@code cpu}. */
    Tensor[] sample(int batch, Generator cpu);
}

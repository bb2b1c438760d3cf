package dev.lofilora.train;

import org.bytedeco.pytorch.Tensor;

/**
 * The random part of one flow-matching step: the noise [B, C, H, T], the noise levels σ [B] and the model timesteps
 * t = σ·1000 [B] (fp32). Training draws them ({@link TimestepSampler} and a seeded generator); conformance reads them
 * from a golden folder.
 */
public record SampledNoise(Tensor noise, Tensor sigmas, Tensor timesteps) implements AutoCloseable {
    @Override
    public void close() {
        noise.close();
        sigmas.close();
        timesteps.close();
    }
}

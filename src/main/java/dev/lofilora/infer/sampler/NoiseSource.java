package dev.lofilora.infer.sampler;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Where a stochastic scheduler's noise comes from. The original draws
 * {@code torch.empty_like(sample_f32).normal_(generator=g)}; {@link #of(Generator)} does the same with a libtorch
 * generator (on the CPU, libtorch's generator gives Python's numbers for the same seed), and a conformance run
 * replays stored noise instead.
 */
@FunctionalInterface
public interface NoiseSource {
    /** Standard normal noise shaped, typed and placed like {@code like}. */
    Tensor next(Tensor like);

    /** Draws from {@code generator}, as the original ({@code empty_like(like).normal_(generator=g)}). */
    static NoiseSource of(Generator generator) {
        return like -> torch.empty_like(like).normal_(0.0, 1.0, new GeneratorOptional(generator));
    }

    /** For deterministic schedulers: any call is a programming error. */
    NoiseSource NONE = like -> {
        throw new IllegalStateException("this scheduler needs a noise source");
    };
}

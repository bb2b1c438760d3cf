package dev.lofilora.infer.guidance;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** Classifier-free guidance ({@code cfg_forward}): {@code uncond + g·(cond − uncond)}. */
public final class Cfg implements GuidanceRule {
    @Override
    public Tensor apply(Tensor cond, Tensor uncond, double scale, int i) {
        return uncond.add(cond.sub(uncond).mul(new Scalar(scale)));
    }
}

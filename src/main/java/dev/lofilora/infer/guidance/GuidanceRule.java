package dev.lofilora.infer.guidance;

import org.bytedeco.pytorch.Tensor;

/**
 * A classifier-free guidance rule of {@code acestep/apg_guidance.py}: combines the conditional and unconditional
 * velocity predictions of one loop iteration into the prediction the scheduler steps with. Works in the dtype of
 * its inputs (the pipeline dtype), as the original. A rule may keep state across iterations (APG's momentum), so
 * make one per generation ({@link CfgType#newRule}).
 */
public interface GuidanceRule {
    /**
     * @param cond   conditional prediction [B, C, H, T]
     * @param uncond unconditional prediction, same shape and dtype
     * @param scale  the guidance scale of this iteration (after any decay)
     * @param i      the absolute loop index (CFG-Zero*'s zero-init compares it with {@code zero_steps})
     */
    Tensor apply(Tensor cond, Tensor uncond, double scale, int i);
}

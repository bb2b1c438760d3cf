package dev.lofilora.infer.guidance;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Double-condition guidance ({@code cfg_double_condition_forward}), used whenever {@code guidance_scale_text > 1}
 * and {@code guidance_scale_lyric > 1} (it then overrides {@code cfg_type} and ignores the decayed scale):
 * {@code (1 − g_t)·uncond + (g_t − g_l)·text_only + g_l·cond}, the coefficients as Python doubles. It needs a third
 * prediction per guided step, with the lyrics removed.
 */
public final class DoubleCondition {
    private final double scaleText;
    private final double scaleLyric;

    public DoubleCondition(double scaleText, double scaleLyric) {
        this.scaleText = scaleText;
        this.scaleLyric = scaleLyric;
    }

    /** Whether ACE-Step uses it for these scales (both above 1). */
    public static boolean enabled(double scaleText, double scaleLyric) {
        return scaleText > 1.0 && scaleLyric > 1.0;
    }

    public Tensor apply(Tensor cond, Tensor uncond, Tensor textOnly) {
        return uncond.mul(new Scalar(1 - scaleText))
                .add(textOnly.mul(new Scalar(scaleText - scaleLyric)))
                .add(cond.mul(new Scalar(scaleLyric)));
    }
}

package dev.lofilora.infer.guidance;

import dev.lofilora.common.LofiException;

/**
 * ACE-Step's guidance arguments and the arithmetic {@code text2music_diffusion_process} does with them
 * (pipeline_ace_step.py at d612523: flags lines 852–870, window 1070–1071, decay 1204–1216), in Python floats.
 *
 * @param guidanceScale         g; guidance is off entirely for g ∈ {0, 1} (double condition included)
 * @param guidanceInterval      gi: the guided iterations are {@code [int(n·(1−gi)/2), int(n·(gi/2+0.5)))}
 * @param guidanceIntervalDecay how far the scale falls linearly across the window (0: constant)
 * @param minGuidanceScale      where a full decay ends
 * @param guidanceScaleText     double condition's g_t (on when both it and g_l exceed 1)
 * @param guidanceScaleLyric    double condition's g_l
 * @param cfgType               the rule when double condition is off
 * @param zeroSteps             CFG-Zero*'s zero-init bound (i ≤ zero_steps)
 * @param useZeroInit           CFG-Zero*'s zero-init switch
 */
public record GuidanceSettings(double guidanceScale, double guidanceInterval, double guidanceIntervalDecay,
                               double minGuidanceScale, double guidanceScaleText, double guidanceScaleLyric,
                               CfgType cfgType, int zeroSteps, boolean useZeroInit) {
    public GuidanceSettings {
        if (cfgType == null) throw new IllegalArgumentException("cfgType is required");
        for (double v : new double[] {guidanceScale, guidanceInterval, guidanceIntervalDecay, minGuidanceScale,
                guidanceScaleText, guidanceScaleLyric}) {
            if (!Double.isFinite(v)) throw new LofiException("a guidance setting is not a finite number: " + v,
                    "give finite numbers");
        }
    }

    /** ACE-Step's {@code __call__} and UI defaults: APG, g 15, interval 0.5, no decay, min 3, no double condition. */
    public static GuidanceSettings aceStepDefaults() {
        return new GuidanceSettings(15.0, 0.5, 0.0, 3.0, 0.0, 0.0, CfgType.APG, CfgZeroStar.DEFAULT_ZERO_STEPS, true);
    }

    public GuidanceSettings withScale(double g) {
        return new GuidanceSettings(g, guidanceInterval, guidanceIntervalDecay, minGuidanceScale, guidanceScaleText,
                guidanceScaleLyric, cfgType, zeroSteps, useZeroInit);
    }

    public GuidanceSettings withType(CfgType type) {
        return new GuidanceSettings(guidanceScale, guidanceInterval, guidanceIntervalDecay, minGuidanceScale,
                guidanceScaleText, guidanceScaleLyric, type, zeroSteps, useZeroInit);
    }

    /** {@code do_classifier_free_guidance}: false for g = 0 or g = 1. */
    public boolean doClassifierFreeGuidance() {
        return !(guidanceScale == 0.0 || guidanceScale == 1.0);
    }

    /** {@code do_double_condition_guidance}: g_t > 1 and g_l > 1 (it needs guidance on to take effect). */
    public boolean doDoubleCondition() {
        return DoubleCondition.enabled(guidanceScaleText, guidanceScaleLyric);
    }

    /** The guidance window for {@code numInferenceSteps} as {@code retrieve_timesteps} reports it (N for Heun). */
    public GuidanceWindow window(int numInferenceSteps) {
        int start = (int) (numInferenceSteps * ((1 - guidanceInterval) / 2));
        int end = (int) (numInferenceSteps * (guidanceInterval / 2 + 0.5));
        return new GuidanceWindow(start, end);
    }

    /** Whether loop iteration {@code i} is guided: inside the window and guidance on. */
    public boolean guided(int i, GuidanceWindow window) {
        return window.contains(i) && doClassifierFreeGuidance();
    }

    /**
     * {@code current_guidance_scale} at iteration {@code i}: {@code g − (g − g_min)·progress·decay} with
     * {@code progress = (i − start)/(end − start − 1)} when decay > 0, else g. Throws where the original divides by
     * zero (a one-iteration window with decay > 0); {@link #check} finds that before a run starts.
     */
    public double scaleAt(int i, GuidanceWindow window) {
        if (!(guidanceIntervalDecay > 0)) return guidanceScale;
        int denominator = window.end() - window.start() - 1;
        if (denominator == 0) throw zeroDivision(window);
        double progress = (double) (i - window.start()) / denominator;
        return guidanceScale - (guidanceScale - minGuidanceScale) * progress * guidanceIntervalDecay;
    }

    /**
     * Refuses settings that make the original raise {@code ZeroDivisionError} in a loop of {@code iterations}
     * iterations: some iteration is guided, decay > 0 and the window holds one step.
     */
    public void check(int numInferenceSteps, int iterations) {
        GuidanceWindow w = window(numInferenceSteps);
        if (!(guidanceIntervalDecay > 0) || w.end() - w.start() - 1 != 0) return;
        for (int i = 0; i < iterations; i++) if (guided(i, w)) throw zeroDivision(w);
    }

    private LofiException zeroDivision(GuidanceWindow w) {
        return new LofiException("the guidance window " + w + " holds one step and guidance_interval_decay is "
                + guidanceIntervalDecay + ": the decay's progress (i − start)/(end − start − 1) divides by zero "
                + "(ACE-Step raises ZeroDivisionError here)",
                "use more steps, a wider guidance interval, or guidance_interval_decay 0");
    }
}

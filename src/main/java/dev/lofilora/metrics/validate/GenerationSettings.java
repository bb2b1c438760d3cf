package dev.lofilora.metrics.validate;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.infer.SamplingSettings;
import dev.lofilora.infer.guidance.GuidanceSettings;
import dev.lofilora.infer.sampler.SchedulerType;
import dev.lofilora.metrics.JsonFields;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code generation} section of {@code config/validation.json}: how {@code lofi validate --run} renders the
 * validation prompt set for each checkpoint. Absent fields take ACE-Step's own {@code __call__} defaults (Euler, 60
 * steps, ω 10, APG 15), so the clips scored are those a user gets from {@code lofi generate} with the adapter.
 *
 * @param clipsPerStyle prompts per style of the validation split ({@link PromptSet})
 * @param promptSeed    seed of the prompt draw and, +i, of clip i's initial noise
 * @param scheduler     euler, heun or pingpong
 * @param inferSteps    sampling steps
 * @param omegaScale    ω
 * @param guidanceScale APG guidance scale
 * @param loraScale     the adapter's strength (1.0 = as trained)
 * @param bf16          transformer and sampler in bfloat16 (ACE-Step's GPU default); float32 otherwise
 */
public record GenerationSettings(int clipsPerStyle, long promptSeed, String scheduler, int inferSteps,
                                 double omegaScale, double guidanceScale, double loraScale, boolean bf16) {
    public GenerationSettings {
        if (clipsPerStyle < 1 || inferSteps < 1) {
            throw new LofiException(Path.of("config", ValidationSettings.FILE), "generation.clips_per_style and "
                    + "generation.infer_steps must be at least 1", "fix the values");
        }
    }

    public static GenerationSettings load(ConfigFiles configs) {
        Path src = configs.describe(ValidationSettings.FILE);
        JsonFields f = new JsonFields(configs.readJson(ValidationSettings.FILE), src).child("generation");
        try {
            return new GenerationSettings(f.integer("clips_per_style", 4), (long) f.number("prompt_seed", 20261207),
                    f.text("scheduler", "euler"), f.integer("infer_steps", 60), f.number("omega_scale", 10),
                    f.number("guidance_scale", 15), f.number("lora_scale", 1.0), f.bool("bf16", false));
        } catch (LofiException e) {
            throw new LofiException(src, e.problem(), e.fix());
        }
    }

    /** A copy with command-line overrides (null keeps a value). */
    public GenerationSettings with(Integer clips, Integer steps) {
        return new GenerationSettings(clips == null ? clipsPerStyle : clips, promptSeed, scheduler,
                steps == null ? inferSteps : steps, omegaScale, guidanceScale, loraScale, bf16);
    }

    /** The sampler settings for {@link dev.lofilora.infer.GenerateJob}; checked as lofi generate checks them. */
    public SamplingSettings sampling() {
        GuidanceSettings d = GuidanceSettings.aceStepDefaults();
        GuidanceSettings g = new GuidanceSettings(guidanceScale, d.guidanceInterval(), d.guidanceIntervalDecay(),
                d.minGuidanceScale(), d.guidanceScaleText(), d.guidanceScaleLyric(), d.cfgType(), d.zeroSteps(),
                d.useZeroInit());
        SamplingSettings s = new SamplingSettings(SchedulerType.parse(scheduler), inferSteps, List.of(), omegaScale, g);
        s.check();
        return s;
    }
}

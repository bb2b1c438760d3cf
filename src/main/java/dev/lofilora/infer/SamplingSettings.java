package dev.lofilora.infer;

import dev.lofilora.common.LofiException;
import dev.lofilora.infer.guidance.GuidanceSettings;
import dev.lofilora.infer.sampler.FlowMatchGrid;
import dev.lofilora.infer.sampler.FlowMatchScheduler;
import dev.lofilora.infer.sampler.OssSteps;
import dev.lofilora.infer.sampler.SchedulerType;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.List;

/**
 * How to sample: ACE-Step's {@code scheduler_type}, {@code infer_step}, {@code oss_steps}, {@code omega_scale} and the
 * guidance arguments. {@link #newScheduler} builds the scheduler as {@code text2music_diffusion_process} does;
 * {@link #check()} refuses, before any work, every combination the original would raise on.
 *
 * @param scheduler  the scheduler type
 * @param inferSteps the step count N (replaced by max(oss_steps) when those are given, as the original)
 * @param ossSteps   1-based indices into a schedule of max(oss_steps) steps, or empty
 * @param omegaScale ω of the mean shift (Euler and Heun)
 * @param guidance   the guidance arguments
 */
public record SamplingSettings(SchedulerType scheduler, int inferSteps, List<Integer> ossSteps, double omegaScale,
                               GuidanceSettings guidance) {
    public SamplingSettings {
        if (scheduler == null || guidance == null) throw new IllegalArgumentException("scheduler and guidance required");
        ossSteps = ossSteps == null ? List.of() : List.copyOf(ossSteps);
        if (!Double.isFinite(omegaScale)) throw new LofiException("omega_scale is " + omegaScale, "give a finite number");
    }

    /** ACE-Step's {@code __call__} defaults: Euler, 60 steps, no oss_steps, ω 10, APG 15 on the middle half. */
    public static SamplingSettings aceStepDefaults() {
        return new SamplingSettings(SchedulerType.EULER, 60, List.of(), 10.0, GuidanceSettings.aceStepDefaults());
    }

    /**
     * The scheduler with its timesteps set: {@code set_timesteps(N)}, or the {@code oss_steps} remapping in
     * {@code pipelineDtype}. Its σ table lives on {@code device}.
     */
    public FlowMatchScheduler newScheduler(Device device, ScalarType pipelineDtype) {
        checkSteps();
        FlowMatchScheduler s = scheduler.create(FlowMatchGrid.aceStep(), device);
        try {
            if (ossSteps.isEmpty()) s.setTimesteps(inferSteps);
            else OssSteps.apply(s, ossSteps, pipelineDtype);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Throws a {@link dev.lofilora.common.LofiException} for settings the original rejects or raises on: no steps,
     * {@code oss_steps} with Heun ({@code ValueError}), a one-step guidance window with decay ({@code ZeroDivisionError}).
     */
    public void check() {
        try (FlowMatchScheduler s = newScheduler(dev.lofilora.tensor.Devices.cpu(), ScalarType.Float)) {
            guidance.check(s.numInferenceSteps(), s.timesteps().length);
        }
    }

    private void checkSteps() {
        if (ossSteps.isEmpty()) {
            if (inferSteps < 1) throw new LofiException("the step count is " + inferSteps, "use at least 1 step");
        } else {
            OssSteps.check(scheduler, ossSteps);
        }
    }
}

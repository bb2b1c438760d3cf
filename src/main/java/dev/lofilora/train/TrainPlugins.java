package dev.lofilora.train;

import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The replaceable parts of a training run, for embedders, tests and later model versions. {@link #DEFAULT} is ACE-Step
 * v1's trainer: its objective, logit-normal timestep sampling and Gaussian noise, no gradient hook.
 *
 * @param objective     the loss for a model config (null: {@link AceStepV1Objective} with the settings' ssl_coeff)
 * @param sampler       noise levels (null: {@link LogitNormalIndexSampler} from the settings)
 * @param noise         the noise of a batch (null: standard normal from the step's generator)
 * @param gradientHook  called after each optimiser step's backward passes, before clipping and the update — where a
 *                      data-parallel run all-reduces the gradients
 * @param checkpointHook called before each checkpoint file is written (fault injection in tests)
 * @param messages      run-log lines, also shown by the CLI (REPA status, resume, skipped steps, checkpoints)
 */
public record TrainPlugins(Function<AceStepConfig, TrainingObjective> objective, TimestepSampler sampler,
                           NoiseSource noise, GradientHook gradientHook, CheckpointStore.WriteHook checkpointHook,
                           Consumer<String> messages) {
    public static final TrainPlugins DEFAULT = new TrainPlugins(null, null, null, null, null, null);

    /** The noise added to a batch's latent. */
    @FunctionalInterface
    public interface NoiseSource {
        /** Noise like {@code batch.latents()} [B, C, H, T] fp32 (CPU), drawn from {@code gen} when random. */
        Tensor noise(TrainBatch batch, Generator gen);
    }

    /** Between backward and the optimiser step. */
    @FunctionalInterface
    public interface GradientHook {
        void afterBackward(List<Parameter> params, long step);

        /**
         * After {@link #afterBackward}: the step's scalars (losses, each process's share of the global batch mean,
         * and a stop vote) summed over the processes of a data-parallel run; a one-process run returns them as they
         * are.
         */
        default double[] sumScalars(double[] values) { return values; }
    }

    public TrainPlugins withSampler(TimestepSampler s) { return new TrainPlugins(objective, s, noise, gradientHook, checkpointHook, messages); }

    public TrainPlugins withNoise(NoiseSource n) { return new TrainPlugins(objective, sampler, n, gradientHook, checkpointHook, messages); }

    public TrainPlugins withGradientHook(GradientHook h) { return new TrainPlugins(objective, sampler, noise, h, checkpointHook, messages); }

    public TrainPlugins withCheckpointHook(CheckpointStore.WriteHook h) { return new TrainPlugins(objective, sampler, noise, gradientHook, h, messages); }

    public TrainPlugins withMessages(Consumer<String> m) { return new TrainPlugins(objective, sampler, noise, gradientHook, checkpointHook, m); }

    public TrainPlugins withObjective(Function<AceStepConfig, TrainingObjective> o) { return new TrainPlugins(o, sampler, noise, gradientHook, checkpointHook, messages); }
}

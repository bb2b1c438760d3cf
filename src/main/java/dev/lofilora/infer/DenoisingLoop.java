package dev.lofilora.infer;

import dev.lofilora.infer.guidance.DoubleCondition;
import dev.lofilora.infer.guidance.GuidanceRule;
import dev.lofilora.infer.guidance.GuidanceSettings;
import dev.lofilora.infer.guidance.GuidanceWindow;
import dev.lofilora.infer.sampler.NoiseSource;
import dev.lofilora.infer.sampler.Scheduler;
import dev.lofilora.tensor.TensorSlot;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The denoising loop of ACE-Step's {@code text2music_diffusion_process} (pipeline_ace_step.py lines 1187–1330 at
 * d612523), text2music path: for every timestep of the scheduler (2N−1 for Heun), inside the guidance window decode
 * the conditional, (double condition: text-only) and unconditional predictions and combine them with the guidance
 * rule; outside it decode the conditional one only; then {@code scheduler.step}. One guidance rule (one APG momentum
 * buffer) serves the whole loop. Each iteration runs in its own memory scope; only the latent survives it.
 */
public final class DenoisingLoop {
    /** Sees every iteration (progress bars, conformance capture). */
    @FunctionalInterface
    public interface Listener {
        void iteration(LoopStep step);

        Listener NONE = step -> {};
    }

    private final Scheduler scheduler;
    private final GuidanceSettings guidance;
    private final double omega;

    /**
     * @param scheduler a scheduler with its timesteps set (it is stepped, so use one per run)
     * @param guidance  the guidance arguments
     * @param omega     ACE-Step's {@code omega_scale}
     */
    public DenoisingLoop(Scheduler scheduler, GuidanceSettings guidance, double omega) {
        this.scheduler = scheduler;
        this.guidance = guidance;
        this.omega = omega;
        guidance.check(scheduler.numInferenceSteps(), scheduler.timesteps().length);
    }

    /** The guided iterations' window, from the step count {@code retrieve_timesteps} reports. */
    public GuidanceWindow window() {
        return guidance.window(scheduler.numInferenceSteps());
    }

    /**
     * Runs the loop from {@code initLatents} [B, C, H, T] (pipeline dtype) and returns the final latent (a new tensor
     * owned by the caller's scope).
     *
     * @param noise noise for a stochastic scheduler (the original uses the first batch item's generator)
     */
    public Tensor run(Tensor initLatents, Denoiser model, NoiseSource noise, Listener listener) {
        float[] timesteps = scheduler.timesteps();
        GuidanceWindow window = window();
        boolean doDouble = guidance.doDoubleCondition();
        DoubleCondition doubleCondition = new DoubleCondition(guidance.guidanceScaleText(),
                guidance.guidanceScaleLyric());
        GuidanceRule rule = guidance.cfgType().newRule(guidance.zeroSteps(), guidance.useZeroInit());
        long batch = initLatents.size(0);
        try (TensorSlot latents = new TensorSlot(); TensorSlot times = new TensorSlot()) {
            latents.set(initLatents);
            times.set(Tensors.fromFloatArray(timesteps, timesteps.length).to(initLatents.device(), ScalarType.Float));
            for (int i = 0; i < timesteps.length; i++) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor x = latents.get();
                    Tensor timestep = times.get().select(0, i).expand(batch);                // [B] float32
                    boolean guided = guidance.guided(i, window);
                    double scaleUsed = Double.NaN;
                    Tensor noisePred;
                    if (guided) {
                        double scale = guidance.scaleAt(i, window);
                        // The original's order of decodes: conditional, text-only, unconditional.
                        Tensor cond = model.predict(Condition.COND, x, timestep, i);
                        Tensor textOnly = doDouble ? model.predict(Condition.NO_LYRIC, x, timestep, i) : null;
                        Tensor uncond = model.predict(Condition.NULL, x, timestep, i);
                        if (doDouble) {
                            noisePred = doubleCondition.apply(cond, uncond, textOnly);
                        } else {
                            noisePred = rule.apply(cond, uncond, scale, i);
                            scaleUsed = scale;
                        }
                    } else {
                        noisePred = model.predict(Condition.COND, x, timestep, i);
                    }
                    Tensor next = scheduler.step(noisePred, timesteps[i], x, omega, noise);
                    latents.set(next);
                    listener.iteration(new LoopStep(i, timesteps.length, timesteps[i], guided, scaleUsed, noisePred,
                            next));
                }
            }
            return new Tensor(latents.get());
        } finally {
            if (rule instanceof AutoCloseable c) closeQuietly(c);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

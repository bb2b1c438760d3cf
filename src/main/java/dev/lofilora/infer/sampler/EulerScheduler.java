package dev.lofilora.infer.sampler;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/**
 * ACE-Step's {@code FlowMatchEulerDiscreteScheduler} (the default; {@code scheduling_flow_match_euler_discrete.py}
 * at d612523): {@code x ← x + ((σ_next − σ)·v − m)·ω′ + m}, the Euler step of the velocity ODE with the
 * {@link OmegaShift mean shift}.
 */
public final class EulerScheduler extends FlowMatchScheduler implements CustomSigmas {
    /** A scheduler {@code (num_train_timesteps, shift)} whose σ table lives on {@code device}. */
    public EulerScheduler(FlowMatchGrid grid, Device device) {
        super(grid, device);
    }

    /** {@code set_timesteps(n)}. */
    @Override
    public void setTimesteps(int n) {
        installPlain(n);
    }

    @Override
    public void setSigmas(float[] sigmas) {
        installCustom(sigmas);
    }

    @Override
    public Tensor step(Tensor modelOutput, float timestep, Tensor sample, double omega, NoiseSource noise) {
        double omegaRescaled = OmegaShift.rescale(omega);
        initStepIndex(timestep);
        Tensor x = toFloat(sample);                                           // upcast, as the original
        // (σ_next − σ) is a 0-dim float32 tensor and the FIRST operand, so in bf16 it is rounded to bf16 before the
        // product (golden README, quirk 5): dx is in the model-output dtype.
        Tensor dx = sigma(stepIndex + 1).sub(sigma(stepIndex)).mul(modelOutput);   // [B, C, H, T]
        Tensor prev = x.add(OmegaShift.apply(dx, omegaRescaled));           // float32 + model dtype → float32
        stepIndex++;
        return prev.to(modelOutput.scalar_type());
    }
}

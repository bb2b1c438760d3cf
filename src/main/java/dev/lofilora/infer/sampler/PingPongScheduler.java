package dev.lofilora.infer.sampler;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * ACE-Step's {@code FlowMatchPingPongScheduler} ({@code scheduling_flow_match_pingpong.py} at d612523), a stochastic
 * sampler: predict the clean latent {@code x0 = x − σ·v}, then re-noise it to the next level with fresh noise,
 * {@code x ← (1 − σ_next)·x0 + σ_next·ε}. ω is ignored.
 */
public final class PingPongScheduler extends FlowMatchScheduler implements CustomSigmas {
    public PingPongScheduler(FlowMatchGrid grid, Device device) {
        super(grid, device);
    }

    /** {@code set_timesteps(n)} (the same σ as Euler's). */
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
        initStepIndex(timestep);
        Tensor x = toFloat(sample);
        Tensor sigma = sigma(stepIndex), sigmaNext = sigma(stepIndex + 1);
        // σ is the first operand: rounded to the model dtype before the product (golden README, bfloat16 section).
        Tensor denoised = x.sub(sigma.mul(modelOutput));                       // float32
        Tensor eps = noise.next(x);                                             // float32, drawn like the sample
        Tensor prev = torch.rsub(sigmaNext, new Scalar(1)).mul(denoised).add(sigmaNext.mul(eps));
        stepIndex++;
        return prev.to(modelOutput.scalar_type());
    }
}

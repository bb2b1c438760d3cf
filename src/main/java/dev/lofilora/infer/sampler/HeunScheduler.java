package dev.lofilora.infer.sampler;

import dev.lofilora.tensor.TensorSlot;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * ACE-Step's {@code FlowMatchHeunDiscreteScheduler} ({@code scheduling_flow_match_heun_discrete.py} at d612523):
 * Heun's second-order method on the velocity ODE, two model evaluations per step. Every timestep after the first is
 * visited twice (2N−1 calls): an even call takes an Euler predictor step and stores its derivative, the following
 * call averages it with the derivative at the predicted point and redoes the step from the stored sample. The last
 * call (σ_next = 0) stays first order. The same {@link OmegaShift mean shift} is applied to {@code d·dt}, in float32.
 * {@code s_churn} is 0 in ACE-Step, so no noise is added.
 */
public final class HeunScheduler extends FlowMatchScheduler {
    private final TensorSlot prevDerivative = new TensorSlot();
    private final TensorSlot dt = new TensorSlot();
    private final TensorSlot storedSample = new TensorSlot();

    public HeunScheduler(FlowMatchGrid grid, Device device) {
        super(grid, device);
    }

    /**
     * {@code set_timesteps(n)}: Euler's σ with every timestep after the first duplicated
     * ({@code [t0, t1, t1, …, t_{N−1}, t_{N−1}]}) and σ expanded to match ({@code [s0, s1, s1, …, s_{N−1}, s_{N−1}, 0]}).
     * {@link #numInferenceSteps()} stays N, as {@code retrieve_timesteps} reports it.
     */
    @Override
    public void setTimesteps(int n) {
        float[] s = grid.inferenceSigmas(n);
        float[] t = grid.times(s);
        float[] timesteps = new float[2 * n - 1];
        float[] sigmas = new float[2 * n];
        timesteps[0] = t[0];
        sigmas[0] = s[0];
        for (int i = 1; i < n; i++) {
            timesteps[2 * i - 1] = timesteps[2 * i] = t[i];
            sigmas[2 * i - 1] = sigmas[2 * i] = s[i];
        }
        sigmas[2 * n - 1] = 0f;
        install(timesteps, sigmas, n);
    }

    /** {@code state_in_first_order}: no predictor step is pending. */
    public boolean inFirstOrder() {
        return !dt.isSet();
    }

    @Override
    public Tensor step(Tensor modelOutput, float timestep, Tensor sample, double omega, NoiseSource noise) {
        double omegaRescaled = OmegaShift.rescale(omega);
        initStepIndex(timestep);
        Tensor x = toFloat(sample);
        boolean first = inFirstOrder();
        Tensor sigma = first ? sigma(stepIndex) : sigma(stepIndex - 1);
        Tensor sigmaNext = first ? sigma(stepIndex + 1) : sigma(stepIndex);
        // s_churn = 0 gives γ = 0: σ̂ = σ·(γ + 1) = σ and no noise.
        Tensor sigmaHat = sigma.mul(new Scalar(0.0 + 1));
        Tensor derivative, stepDt, from;
        if (first) {
            // v·σ: σ is the SECOND operand, not rounded to bf16 on the CPU (golden README rule R3).
            Tensor denoised = x.sub(modelOutput.mul(sigma));
            derivative = x.sub(denoised).div(sigmaHat);                          // float32
            stepDt = sigmaNext.sub(sigmaHat);
            prevDerivative.set(derivative);
            dt.set(stepDt);
            storedSample.set(x);
            from = x;
        } else {
            Tensor denoised = x.sub(modelOutput.mul(sigmaNext));
            Tensor d = x.sub(denoised).div(sigmaNext);
            derivative = prevDerivative.get().add(d).mul(new Scalar(0.5));     // 0.5·(d_prev + d)
            stepDt = dt.get();
            from = storedSample.get();
            // Read before clearing: clearing releases the slots' references.
            Tensor prev = from.add(OmegaShift.apply(derivative.mul(stepDt), omegaRescaled));
            resetState();
            stepIndex++;
            return prev.to(modelOutput.scalar_type());
        }
        Tensor prev = from.add(OmegaShift.apply(derivative.mul(stepDt), omegaRescaled));
        stepIndex++;
        return prev.to(modelOutput.scalar_type());
    }

    @Override
    protected void resetState() {
        prevDerivative.close();
        dt.close();
        storedSample.close();
    }
}

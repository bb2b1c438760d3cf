package dev.lofilora.train;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * ACE-Step v1's {@code get_timestep} (research/acestep.md §3.7): u ~ N(mean, std) on the CPU generator,
 * {@code idx = clamp(trunc(sigmoid(u)·1000), 0, 999)}, and t, σ read from the constructor tables of
 * {@code FlowMatchEulerDiscreteScheduler(1000, shift)}: raw {@code s_i = (1000−i)/1000}, shifted
 * {@code σ_i = shift·s_i / (1 + (shift−1)·s_i)}, {@code t_i = σ_i·1000}, all fp32 — logit-normal over the index, with
 * the shift applied afterwards. Same ops, same generator calls: seeded like the original, it returns the original's
 * timesteps bit for bit (the golden's {@code loss.timesteps}).
 */
public final class LogitNormalIndexSampler implements TimestepSampler {
    private final int trainSteps;
    private final double mean;
    private final double std;
    private final Tensor sigmas;     // [trainSteps] fp32
    private final Tensor timesteps;  // [trainSteps] fp32

    public LogitNormalIndexSampler(int trainSteps, double shift, double mean, double std) {
        this.trainSteps = trainSteps;
        this.mean = mean;
        this.std = std;
        TensorOptions f32 = new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Float));
        // np.linspace(1, N, N, dtype=float32)[::-1] / N, then shift·s / (1 + (shift−1)·s), in fp32.
        Tensor s = torch.linspace(new Scalar(1), new Scalar(trainSteps), trainSteps, f32).flip(0)
                .div(new Scalar(trainSteps));
        Tensor shifted = s.mul(new Scalar(shift)).div(s.mul(new Scalar(shift - 1)).add(new Scalar(1.0)));
        this.sigmas = keep(shifted);
        this.timesteps = keep(shifted.mul(new Scalar(trainSteps)));
    }

    /** ACE-Step's defaults: 1000 steps, shift 3, logit mean 0, std 1. */
    public static LogitNormalIndexSampler acestep() {
        return new LogitNormalIndexSampler(1000, 3.0, 0.0, 1.0);
    }

    private static Tensor keep(Tensor t) {
        t.retainReference(); // a table: must outlive any scope open while the sampler is built
        return t;
    }

    @Override
    public Tensor[] sample(int batch, Generator cpu) {
        Tensor u = torch.normal(mean, std, new long[] {batch}, new GeneratorOptional(cpu),
                new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Float)));             // [B]
        Tensor idx = torch.sigmoid(u).mul(new Scalar(trainSteps)).to(ScalarType.Long)
                .clamp(new org.bytedeco.pytorch.ScalarOptional(new Scalar(0)),
                        new org.bytedeco.pytorch.ScalarOptional(new Scalar(trainSteps - 1)));    // [B]
        return new Tensor[] {sigmas.index_select(0, idx), timesteps.index_select(0, idx)};
    }

    /** The shifted σ table [trainSteps] (index 0 = noisiest). */
    public Tensor sigmaTable() { return sigmas; }
}

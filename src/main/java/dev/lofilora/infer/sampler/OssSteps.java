package dev.lofilora.infer.sampler;

import dev.lofilora.common.LofiException;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;
import java.util.List;

/**
 * ACE-Step's {@code oss_steps} ("optimal steps": a subset of a longer schedule), as
 * {@code text2music_diffusion_process} computes it (pipeline_ace_step.py lines 897–919 at d612523):
 * <ol>
 *   <li>{@code set_timesteps(max(oss))};</li>
 *   <li>{@code new_timesteps[k] = timesteps[oss[k] − 1]}, stored in a tensor of the <b>pipeline dtype</b> (bf16 rounds
 *       973.63 to 972);</li>
 *   <li>{@code sigmas = (new_timesteps / 1000).float()} — in bf16 the division rounds again;</li>
 *   <li>{@code set_timesteps(sigmas=…)}, which shifts those σ a third time.</li>
 * </ol>
 * Heun's {@code set_timesteps} takes no σ, so the original raises {@code ValueError}; this class refuses it up front.
 */
public final class OssSteps {
    private OssSteps() {}

    /**
     * What the remapping computed on the way (kept for conformance).
     *
     * @param newTimesteps the picked timesteps in the pipeline dtype [K]
     * @param sigmasIn     the σ handed to {@code set_timesteps(sigmas=…)}, before its shift
     */
    public record Remap(Tensor newTimesteps, float[] sigmasIn) {}

    /** Checks an {@code oss_steps} list for {@code type}: non-empty, every entry ≥ 1, and a scheduler that takes σ. */
    public static void check(SchedulerType type, List<Integer> oss) {
        checkEntries(oss);
        if (!type.acceptsCustomSigmas()) {
            throw new LofiException("oss_steps cannot be used with the " + type.id() + " scheduler: it remaps the "
                    + "schedule through set_timesteps(sigmas=...), which " + type.id() + " does not have (ACE-Step "
                    + "raises ValueError here)", "use --scheduler euler or pingpong with oss_steps, or drop oss_steps");
        }
    }

    private static void checkEntries(List<Integer> oss) {
        if (oss.isEmpty()) throw new LofiException("oss_steps is empty", "give at least one step index, or none at all");
        for (int k : oss) {
            if (k < 1) {
                throw new LofiException("oss_steps holds " + k + "; every entry is a 1-based index into a schedule of "
                        + "max(oss_steps) steps", "use positive step indices such as 16,29,52,96");
            }
        }
    }

    /**
     * Sets {@code scheduler}'s timesteps from {@code oss}; returns the intermediates.
     *
     * @param pipelineDtype the pipeline's dtype (bf16 by default in ACE-Step), in which the picked timesteps are stored
     */
    public static Remap apply(FlowMatchScheduler scheduler, List<Integer> oss, ScalarType pipelineDtype) {
        if (!(scheduler instanceof CustomSigmas custom)) {
            throw new LofiException("oss_steps cannot be used with " + scheduler.getClass().getSimpleName()
                    + ": its set_timesteps takes no custom sigmas (ACE-Step raises ValueError here)",
                    "use the euler or pingpong scheduler with oss_steps");
        }
        checkEntries(oss);
        int max = oss.stream().mapToInt(Integer::intValue).max().orElseThrow();
        scheduler.setTimesteps(max);
        float[] t = scheduler.timesteps();
        float[] picked = new float[oss.size()];
        for (int k = 0; k < picked.length; k++) picked[k] = t[oss.get(k) - 1];
        // torch.zeros(K, dtype=self.dtype)[k] = timesteps[...]: each float32 value cast into the pipeline dtype.
        Tensor newTimesteps = Tensors.fromFloatArray(picked, picked.length).to(scheduler.device, pipelineDtype);
        float[] sigmasIn = Tensors.toFloatArray(newTimesteps.div(new Scalar(1000)).to(ScalarType.Float));
        custom.setSigmas(sigmasIn);
        return new Remap(newTimesteps, Arrays.copyOf(sigmasIn, sigmasIn.length));
    }
}

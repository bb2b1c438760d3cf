package dev.lofilora.infer.sampler;

import dev.lofilora.tensor.TensorSlot;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;

/**
 * ACE-Step's flow-matching schedulers ({@link SchedulerType}). What the three share: the constructor grid, the σ table {@code self.sigmas} (float32, on the
 * pipeline's device, as the original moves it there in {@code set_timesteps}), the timesteps, and the step index that
 * the first {@code step} call looks up from its timestep ({@code index_for_timestep}).
 */
public abstract class FlowMatchScheduler implements Scheduler {
    protected final FlowMatchGrid grid;
    protected final Device device;
    private float[] sigmaValues;
    private float[] timesteps;
    private int numInferenceSteps;
    private final TensorSlot sigmas = new TensorSlot();
    /** {@code self._step_index}; −1 for None. */
    protected int stepIndex = -1;

    FlowMatchScheduler(FlowMatchGrid grid, Device device) {
        this.grid = grid;
        this.device = device;
    }

    /** {@code set_timesteps(n)} ({@code retrieve_timesteps(scheduler, n)}): the schedule of {@code n} steps. */
    public abstract void setTimesteps(int n);

    /** The grid this scheduler was built with. */
    public final FlowMatchGrid grid() { return grid; }

    /** Installs a schedule ({@code self.timesteps}, {@code self.sigmas}) and resets the step index. */
    protected final void install(float[] timesteps, float[] sigmas, int numInferenceSteps) {
        this.timesteps = timesteps;
        this.sigmaValues = sigmas;
        this.numInferenceSteps = numInferenceSteps;
        this.sigmas.set(Tensors.fromFloatArray(sigmas, sigmas.length).to(device, ScalarType.Float));
        stepIndex = -1;
        resetState();
    }

    /** {@code set_timesteps(n)} of Euler and PingPong: σ shifted twice, a trailing 0, N steps. */
    protected final void installPlain(int n) {
        float[] s = grid.inferenceSigmas(n);
        install(grid.times(s), FlowMatchGrid.withTrailingZero(s), n);
    }

    /**
     * {@code set_timesteps(sigmas=…)} of Euler and PingPong: the given σ shifted once more (in float32), a trailing 0;
     * {@code retrieve_timesteps} then reports {@code len(timesteps)} steps.
     */
    protected final void installCustom(float[] sigmas) {
        if (sigmas.length == 0) throw new IllegalArgumentException("a custom σ schedule needs at least one σ");
        float[] s = grid.shiftCustom(sigmas);
        install(grid.times(s), FlowMatchGrid.withTrailingZero(s), s.length);
    }

    /** Clears state a subclass keeps between calls. */
    protected void resetState() {}

    @Override
    public final float[] timesteps() {
        requireSchedule();
        return timesteps.clone();
    }

    /** {@code self.sigmas} (with the trailing 0), a copy. */
    public final float[] sigmas() {
        requireSchedule();
        return sigmaValues.clone();
    }

    @Override
    public final int numInferenceSteps() {
        requireSchedule();
        return numInferenceSteps;
    }

    /** The σ table entry {@code i} as a 0-dim float32 tensor on the device ({@code self.sigmas[i]}). */
    protected final Tensor sigma(int i) {
        return sigmas.get().select(0, i);
    }

    /** On the first call: the step index of {@code timestep} ({@code _init_step_index}). */
    protected final void initStepIndex(float timestep) {
        requireSchedule();
        if (stepIndex >= 0) return;
        // index_for_timestep: the second match when the timestep occurs more than once, else the first.
        int first = -1, second = -1;
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] == timestep) {
                if (first < 0) first = i;
                else if (second < 0) second = i;
            }
        }
        if (first < 0) {
            throw new IllegalArgumentException("timestep " + timestep + " is not in the schedule "
                    + Arrays.toString(timesteps));
        }
        stepIndex = second >= 0 ? second : first;
    }

    /** {@code sample.to(torch.float32)}: the same tensor when it already is float32. */
    protected static Tensor toFloat(Tensor t) {
        return t.scalar_type().value == ScalarType.Float.value ? t : t.to(ScalarType.Float);
    }

    static TensorOptions options(ScalarType dtype, Device device) {
        return new TensorOptions().dtype(new ScalarTypeOptional(dtype)).device(new DeviceOptional(device));
    }

    private void requireSchedule() {
        if (timesteps == null) throw new IllegalStateException("set_timesteps has not been called");
    }

    @Override
    public void close() {
        resetState();
        sigmas.close();
    }
}

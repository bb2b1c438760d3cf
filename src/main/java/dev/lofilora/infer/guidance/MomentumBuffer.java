package dev.lofilora.infer.guidance;

import dev.lofilora.tensor.TensorSlot;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * APG's {@code MomentumBuffer}: {@code running_average ← update + momentum·running_average}, starting from the Python
 * number 0 (so the first update adds {@code −0.75·0 = −0.0}). ACE-Step makes one per generation and updates it only on
 * guided iterations. The running average survives per-step memory scopes; {@link #close()} frees it.
 */
public final class MomentumBuffer implements AutoCloseable {
    /** ACE-Step's momentum. */
    public static final double DEFAULT_MOMENTUM = -0.75;

    private final double momentum;
    private final TensorSlot runningAverage = new TensorSlot();

    public MomentumBuffer() {
        this(DEFAULT_MOMENTUM);
    }

    public MomentumBuffer(double momentum) {
        this.momentum = momentum;
    }

    public double momentum() { return momentum; }

    /** {@code update(update_value)}. */
    public void update(Tensor value) {
        Tensor next = runningAverage.isSet()
                ? value.add(runningAverage.get().mul(new Scalar(momentum)))   // update + momentum·avg (tensor × number)
                : value.add(new Scalar(momentum * 0));                          // update + (momentum·0), a Python float
        runningAverage.set(next);
    }

    /** The running average, or null before the first update (the original's int 0). */
    public Tensor runningAverage() { return runningAverage.get(); }

    @Override
    public void close() { runningAverage.close(); }
}

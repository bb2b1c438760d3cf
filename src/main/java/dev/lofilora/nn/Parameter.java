package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * A named tensor slot of a {@link Module}. Layers keep a {@code Parameter} field and read {@link #value()} in their
 * forward, so {@link Module#to} and {@link Module#materialize} can swap the tensor (new device or dtype) without
 * leaving stale handles in the layer — the problem JavaCPP's own {@code register_parameter} has (its returned
 * reference dangles; javacpp_stack.md §1). Whoever keeps a parameter across such a swap (an optimiser) holds the
 * {@code Parameter}, never the tensor.
 *
 * <p>The slot owns one reference to its tensor ({@code retainReference}), so a tensor created while a
 * {@link org.bytedeco.javacpp.PointerScope} is open (a per-step scope around a training loop, a scope around model
 * loading) is not freed when that scope closes; {@link Module#close()} drops the slot's reference.
 */
public final class Parameter {
    private Tensor value;
    private final boolean persistent;

    Parameter(Tensor value, boolean persistent) {
        value.retainReference();
        this.value = value;
        this.persistent = persistent;
    }

    /** The current tensor; never null. */
    public Tensor value() { return value; }

    /** False for buffers that are not part of the state dict (computed tables). */
    public boolean persistent() { return persistent; }

    /** Whether autograd tracks this tensor (LoRA weights; frozen weights do not). */
    public boolean requiresGrad() { return value.requires_grad(); }

    /**
     * Replaces the tensor, keeping its {@code requires_grad} flag (a device or dtype move must not silently freeze a
     * trainable weight). The old handle is released; its storage lives on while other tensors share it.
     */
    void set(Tensor next) {
        if (next == value) return;
        boolean grad = value.requires_grad();
        next.retainReference();
        if (grad && !next.requires_grad()) next.set_requires_grad(true);
        Tensor old = value;
        value = next;
        old.close();
    }

    public long[] shape() { return value.sizes().vec().get(); }
}

package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * A named tensor slot of a {@link Module}. Layers keep a {@code Parameter} field and read {@link #value()} in their
 * forward, so {@link Module#to} and {@link Module#materialize} can swap the tensor (new device or dtype) without
 * leaving stale handles in the layer — the problem JavaCPP's own {@code register_parameter} has (its returned
 * reference dangles; javacpp_stack.md §1).
 */
public final class Parameter {
    private Tensor value;
    private final boolean persistent;

    Parameter(Tensor value, boolean persistent) {
        this.value = value;
        this.persistent = persistent;
    }

    /** The current tensor; never null. */
    public Tensor value() { return value; }

    /** False for buffers that are not part of the state dict (computed tables). */
    public boolean persistent() { return persistent; }

    /** Replaces the tensor (the old handle is released; its storage lives on while other tensors share it). */
    void set(Tensor next) {
        if (next == value) return;
        Tensor old = value;
        value = next;
        old.close();
    }

    public long[] shape() { return value.sizes().vec().get(); }
}

package dev.lofilora.tensor;

import org.bytedeco.pytorch.Tensor;

/**
 * One tensor kept across {@link org.bytedeco.javacpp.PointerScope}s: state that a per-step scope must not free
 * (a sampler's stored derivative, a guidance momentum buffer). {@link #set} keeps its own handle on the tensor (a
 * second {@code at::Tensor} on the same TensorImpl, referenced once more so that the scope open at the time cannot
 * free it) and releases the handle it held before; the caller's handle is never touched, so the caller may close it
 * or let its scope free it. The storage lives while any handle does. Not thread-safe.
 */
public final class TensorSlot implements AutoCloseable {
    private Tensor value;

    /** The held tensor, or null. */
    public Tensor get() { return value; }

    /** Whether a tensor is held. */
    public boolean isSet() { return value != null; }

    /** Holds {@code next} (may be null) instead of the current tensor. */
    public void set(Tensor next) {
        Tensor own = null;
        if (next != null) {
            own = new Tensor(next);
            own.retainReference(); // +1 on top of the current scope's reference, if any: the slot's own
        }
        Tensor old = value;
        value = own;
        if (old != null) old.releaseReference();
    }

    /** Drops the held tensor. */
    @Override
    public void close() { set(null); }
}

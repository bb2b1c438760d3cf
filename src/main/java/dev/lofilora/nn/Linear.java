package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;

import java.util.function.UnaryOperator;

/**
 * torch.nn.Linear: {@code weight [out, in]}, optional {@code bias [out]}, an optional {@link LinearAdapter} slot
 * (LoRA) whose modules become this layer's children, and an optional output hook applied last.
 */
public class Linear extends Module {
    public final long inFeatures;
    public final long outFeatures;
    public final Parameter weight;
    public final Parameter bias;
    private LinearAdapter adapter;
    private UnaryOperator<Tensor> outputHook;

    public Linear(long inFeatures, long outFeatures, boolean bias) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = parameter("weight", outFeatures, inFeatures);
        this.bias = bias ? parameter("bias", outFeatures) : null;
    }

    /** x [..., in] → [..., out] (plus the adapter's contribution when one is attached, then the output hook). */
    public Tensor forward(Tensor x) {
        Tensor y = F.linear(x, weight.value(), bias == null ? null : bias.value());
        if (adapter != null) y = adapter.apply(x, y);
        return outputHook == null ? y : outputHook.apply(y);
    }

    /** The attached adapter, or null. */
    public LinearAdapter adapter() { return adapter; }

    /**
     * Attaches {@code a} and registers its modules as children. Throws {@link IllegalStateException} when an adapter
     * is already attached (one adapter per layer, as a single PEFT adapter).
     */
    public void attach(LinearAdapter a) {
        if (adapter != null) throw new IllegalStateException("an adapter is already attached");
        a.modules().forEach(this::module);
        adapter = a;
    }

    /** Detaches the adapter (its modules leave the tree; the caller owns and closes them); returns it, or null. */
    public LinearAdapter detach() {
        LinearAdapter a = adapter;
        if (a != null) a.modules().keySet().forEach(this::removeModule);
        adapter = null;
        return a;
    }

    /**
     * Sets a hook on this layer's output, applied last in {@link #forward}, after any adapter (PyTorch's
     * {@code register_forward_hook} returning a value, on the whole PEFT-wrapped layer; ACE-Step's ERG scales query
     * outputs this way); null removes it. Returns the hook it replaced. One hook at a time.
     */
    public UnaryOperator<Tensor> setOutputHook(UnaryOperator<Tensor> hook) {
        UnaryOperator<Tensor> old = outputHook;
        outputHook = hook;
        return old;
    }

    /** The current output hook, or null. */
    public UnaryOperator<Tensor> outputHook() { return outputHook; }
}

package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * torch.nn.Linear: {@code weight [out, in]}, optional {@code bias [out]}, and an optional {@link LinearAdapter} slot
 * (LoRA) whose modules become this layer's children.
 */
public class Linear extends Module {
    public final long inFeatures;
    public final long outFeatures;
    public final Parameter weight;
    public final Parameter bias;
    private LinearAdapter adapter;

    public Linear(long inFeatures, long outFeatures, boolean bias) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = parameter("weight", outFeatures, inFeatures);
        this.bias = bias ? parameter("bias", outFeatures) : null;
    }

    /** x [..., in] → [..., out] (plus the adapter's contribution when one is attached). */
    public Tensor forward(Tensor x) {
        Tensor y = F.linear(x, weight.value(), bias == null ? null : bias.value());
        return adapter == null ? y : adapter.apply(x, y);
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
}

package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;

import java.util.function.UnaryOperator;

/** torch.nn.Linear: {@code weight [out, in]}, optional {@code bias [out]}. */
public class Linear extends Module {
    public final long inFeatures;
    public final long outFeatures;
    public final Parameter weight;
    public final Parameter bias;
    private UnaryOperator<Tensor> outputHook;

    public Linear(long inFeatures, long outFeatures, boolean bias) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = parameter("weight", outFeatures, inFeatures);
        this.bias = bias ? parameter("bias", outFeatures) : null;
    }

    /** x [..., in] → [..., out]. */
    public Tensor forward(Tensor x) {
        Tensor y = F.linear(x, weight.value(), bias == null ? null : bias.value());
        return outputHook == null ? y : outputHook.apply(y);
    }

    /**
     * Sets a hook on this layer's output, applied last in {@link #forward} (PyTorch's {@code register_forward_hook}
     * returning a value; ACE-Step's ERG scales query outputs this way); null removes it. Returns the hook it
     * replaced. One hook at a time.
     */
    public UnaryOperator<Tensor> setOutputHook(UnaryOperator<Tensor> hook) {
        UnaryOperator<Tensor> old = outputHook;
        outputHook = hook;
        return old;
    }

    /** The current output hook, or null. */
    public UnaryOperator<Tensor> outputHook() { return outputHook; }
}

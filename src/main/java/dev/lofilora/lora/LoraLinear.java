package dev.lofilora.lora;

import dev.lofilora.nn.Linear;
import dev.lofilora.nn.LinearAdapter;
import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PEFT's {@code lora.Linear} forward, unmerged (research/acestep.md §3.3): {@code y = base(x) + lora_B(lora_A(
 * dropout(x))) · scaling}, with {@code lora_A = Linear(in, r)} [r, in] and {@code lora_B = Linear(r, out)} [out, r],
 * no biases. As PEFT does, the input is cast to the adapter's dtype (fp32 adapters over a bf16 base) and the sum is
 * cast back to the base output's dtype. Dropout is active only in train mode.
 */
public final class LoraLinear implements LinearAdapter {
    public final Linear lora_A;
    public final Linear lora_B;
    private final Linear base;
    private final double dropout;
    private double scaling;
    private boolean enabled = true;

    LoraLinear(Linear base, int r, double scaling, double dropout) {
        this.base = base;
        this.lora_A = new Linear(base.inFeatures, r, false);
        this.lora_B = new Linear(r, base.outFeatures, false);
        this.scaling = scaling;
        this.dropout = dropout;
    }

    /** The wrapped layer. */
    public Linear base() { return base; }

    public double scaling() { return scaling; }

    /** Sets the output scale (PEFT's {@code set_scale}); the training scale is the config's {@code alpha/√r}. */
    public void setScaling(double s) { this.scaling = s; }

    /** Turns the adapter's contribution off (the layer then computes its base output only) or back on. */
    public void setEnabled(boolean on) { this.enabled = on; }

    @Override
    public Map<String, Module> modules() {
        Map<String, Module> m = new LinkedHashMap<>();
        m.put("lora_A", lora_A);
        m.put("lora_B", lora_B);
        return m;
    }

    @Override
    public Tensor apply(Tensor x, Tensor baseOut) {
        if (!enabled) return baseOut;
        var adapterType = lora_A.weight.value().scalar_type();
        Tensor in = x.scalar_type().value == adapterType.value ? x : x.to(adapterType);     // [..., in]
        if (dropout > 0 && lora_A.isTraining()) in = dev.lofilora.nn.BatchDropout.apply(in, dropout, true);
        Tensor delta = lora_B.forward(lora_A.forward(in)).mul(new Scalar(scaling));         // [..., out]
        Tensor y = baseOut.add(delta);
        return y.scalar_type().value == baseOut.scalar_type().value ? y : y.to(baseOut.scalar_type());
    }

    void close() {
        lora_A.close();
        lora_B.close();
    }
}

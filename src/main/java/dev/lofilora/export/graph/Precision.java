package dev.lofilora.export.graph;

import java.util.Locale;

/**
 * How one exported part stores and computes its weights (research onnx_export.md §2C and §4 "Suggested tiers").
 *
 * <ul>
 *   <li>{@link #FP32}: everything in float32.</li>
 *   <li>{@link #FP16}: linear layers (and the 1×1 convolutions that are linears) compute in float16 (input cast to
 *       float16, float32 out, bias added in float32); other large weights are stored in float16 and cast back.</li>
 *   <li>{@link #FP16_STORED}: every large weight stored in float16 and cast to float32 on load, all maths in float32 —
 *       "store fp16, compute fp32", for parts whose activations do not fit float16 (UMT5's feed-forward, the audio
 *       components).</li>
 *   <li>{@link #INT8}: linear layers as {@code quantize_dynamic} makes them (per-channel symmetric int8 weights,
 *       activations quantised at run time by {@code DynamicQuantizeLinear}, {@code MatMulInteger}); other large
 *       weights stored in float16.</li>
 *   <li>{@link #INT4}: linear layers as {@code com.microsoft.MatMulNBits} 4-bit blocks of 128 (float32 compute,
 *       accuracy level 0); other large weights stored in float16.</li>
 * </ul>
 * In every mode the norms, the linear-attention core (eps 1e-15 underflows float16, its sums over frames overflow it),
 * RoPE, the timestep sinusoid and the position tables stay float32.
 */
public enum Precision {
    FP32("fp32"), FP16("fp16"), FP16_STORED("fp16 weights, fp32 compute"), INT8("int8"), INT4("int4");

    private final String description;

    Precision(String description) {
        this.description = description;
    }

    /** What the manifest says. */
    public String description() { return description; }

    /** Whether large non-linear weights are stored in float16. */
    public boolean fp16Storage() { return this != FP32; }

    public String id() { return name().toLowerCase(Locale.ROOT); }
}

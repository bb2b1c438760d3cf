package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * Something added to a {@link Linear}'s output without replacing the layer (a LoRA adapter): the model keeps its
 * {@code public final Linear} fields and every private alias of them, and still runs the adapter. Its modules are
 * registered as children of the Linear, so their parameters are named like PEFT's
 * ({@code <layer path>.lora_A.weight}). Implementations live above {@code nn} (package {@code lora}).
 */
public interface LinearAdapter {
    /** Children registered under the Linear, in order (PEFT: {@code lora_A}, then {@code lora_B}). */
    Map<String, Module> modules();

    /**
     * The adapted output. {@code x} [..., in] is the Linear's input, {@code base} [..., out] its plain output (in the
     * base weights' dtype); the result has {@code base}'s shape and dtype.
     */
    Tensor apply(Tensor x, Tensor base);
}

package dev.lofilora.model.conformance;

import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.conformance.SuiteResult;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.tensor.TensorSource;

import java.nio.file.Path;

/**
 * More of an acestep golden folder, computed by a package above {@code model} (LoRA, the training loss and its
 * gradients live in {@code lora} and {@code train}). Extensions are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.lofilora.model.conformance.AceStepSuiteExtension}) and run after the base forward, on
 * the same loaded model.
 */
public interface AceStepSuiteExtension {
    /** Whether this extension computes {@code key} of expected file {@code group} (the base suite then does not skip it). */
    boolean covers(String group, String key);

    /**
     * Computes the covered tensors the folder expects and puts them into {@code result} (or skips them with a reason).
     * {@code model} is loaded in fp32 and in eval mode, and may be modified (an adapter attached); {@code inputs} is the
     * folder's {@code inputs.safetensors}. Tensors are freed by the runner's scope after comparison.
     */
    void compute(Path folder, ConformanceContext ctx, ACEStepTransformer2DModel model, TensorSource inputs,
                 SuiteResult.Builder result);
}

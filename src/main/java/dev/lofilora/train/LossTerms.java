package dev.lofilora.train;

import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * The losses of one step as 0-dim fp32 tensors (still attached to the graph until backward): the total that is
 * backpropagated, the denoising part, and one REPA term per SSL head name (empty when REPA is off).
 */
public record LossTerms(Tensor total, Tensor denoising, Map<String, Tensor> projection) {
    public LossTerms {
        projection = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(projection));
    }
}

package dev.lofilora.export.graph;

/**
 * Choices within the quantised tiers.
 *
 * @param int4Symmetric 4-bit blocks without zero points (scale = the larger-magnitude extreme / −8); ONNX Runtime's
 *                      quantiser defaults to asymmetric
 * @param int8Signed    int8 symmetric weights (quantize_dynamic's QInt8 default) instead of uint8 asymmetric ones:
 *                      for CPUs with VNNI and for the CUDA execution provider; on AVX2 without VNNI ONNX Runtime's
 *                      u8·s8 kernel saturates ({@link dev.lofilora.export.quant.Int8PerChannel})
 */
public record QuantOptions(boolean int4Symmetric, boolean int8Signed) {
    /** ONNX Runtime's 4-bit default (asymmetric) and uint8 weights. */
    public static final QuantOptions DEFAULT = new QuantOptions(false, false);
}

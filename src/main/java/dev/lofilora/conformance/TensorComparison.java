package dev.lofilora.conformance;

/**
 * One computed tensor against its expected one. Errors are in float64: {@code maxAbs} = max|computed − expected|,
 * {@code maxRel} = maxAbs / max|expected| (0 when both are 0, infinite when only the expected tensor is all zeros);
 * both are NaN when the shapes differ or a value is NaN.
 *
 * @param name          display name: {@code [component/][group/]key} ("outputs/sample", "dcae/encoder_output")
 * @param component     the component folder ("" for a single acestep folder)
 * @param group         the expected file without {@code .safetensors}
 * @param key           the key in that file
 * @param shape         the computed shape
 * @param expectedShape the expected shape
 * @param dtype         the expected dtype (safetensors name)
 * @param atol          the absolute tolerance (0 for integer outputs, which must match exactly)
 * @param exact         whether exact equality was required (integer or bool outputs)
 * @param passed        whether it is within tolerance
 * @param message       why it failed ("" when passed)
 */
public record TensorComparison(String name, String component, String group, String key, long[] shape,
                               long[] expectedShape, String dtype, double maxAbs, double maxRel, double atol,
                               boolean exact, boolean passed, String message) {}

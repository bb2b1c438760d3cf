/**
 * ONNX export and ONNX Runtime inference (DESIGN.md §2, {@code lofi export-onnx}, {@code lofi generate --engine onnx}).
 *
 * <ul>
 *   <li>{@code export.onnx}: the ONNX writer — protobuf's wire format by hand and external data streamed to disk;</li>
 *   <li>{@code export.graph}: one graph builder per exported part, walking the {@code model} module trees the way
 *       their {@code forward} runs, in a {@link dev.lofilora.export.graph.Precision};</li>
 *   <li>{@code export.quant}: ONNX Runtime's quantisers' arithmetic (MatMulNBits RTN, quantize_dynamic per-channel
 *       int8) and float16 rounding;</li>
 *   <li>{@code export.ort}: ONNX Runtime sessions on libtorch tensors and the {@code onnx} generation engine;</li>
 *   <li>{@code export}: tiers, the export job, its manifest and folder layout.</li>
 * </ul>
 *
 * <p>Package arrows: {@code export} uses {@code nn}, {@code model} and {@code tensor} as DESIGN §2 says, {@code lora}
 * (to fold an adapter in before exporting, with {@code lofi merge}'s arithmetic) and {@code infer}. The last is an added
 * arrow: the ONNX engine implements {@code infer}'s {@link dev.lofilora.infer.GenerationBackend} so that generation
 * runs the one text2music flow of {@code infer} (sampler classes, guidance, ERG, decode windows) instead of a copy,
 * and the export reads the ERG layer ranges from {@link dev.lofilora.infer.ErgHooks}. {@code infer} does not depend on
 * {@code export}: it finds the engine through {@link java.util.ServiceLoader}, so there is no cycle.
 */
package dev.lofilora.export;

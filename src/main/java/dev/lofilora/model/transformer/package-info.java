/**
 * ACE-Step v1's diffusion transformer ({@code ACEStepTransformer2DModel}, research/acestep.md §2) on libtorch.
 *
 * <ul>
 *   <li>{@link dev.lofilora.model.transformer.AceStepConfig} — {@code config.json}, repository and hub field sets.</li>
 *   <li>{@link dev.lofilora.model.transformer.ACEStepTransformer2DModel} — the module tree with the checkpoint's
 *       names; {@code encode} (conditions, once per generation), {@code decode} (each diffusion step),
 *       {@code forward}; intermediates through a {@link dev.lofilora.nn.Capture}.</li>
 *   <li>{@link dev.lofilora.model.transformer.AceStepTransformerLoader} — a transformer folder into a chosen device
 *       and dtype, strictly by name, without a second copy in memory.</li>
 *   <li>{@link dev.lofilora.model.transformer.ModelInspection} — what a folder holds, from headers only
 *       ({@code lofi inspect-model}).</li>
 * </ul>
 *
 * <p>Numerics follow the original on purpose, quirks included (each marked where it happens): RoPE's interleaved
 * pairs over half-split tables, linear attention in fp32 with a ones-row normaliser (eps 1e-15), SDPA cross-attention
 * whose fully masked rows give 0, GroupNorm and the depthwise conv letting padded frames reach valid ones, adaLN order
 * shift/scale/gate, and the final layer driven by the embedded timestep rather than {@code temb}.
 */
package dev.lofilora.model.transformer;

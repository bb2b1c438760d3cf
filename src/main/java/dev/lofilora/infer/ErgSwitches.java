package dev.lofilora.infer;

/**
 * ACE-Step's entropy-rectifying guidance switches ({@code use_erg_tag}, {@code use_erg_lyric},
 * {@code use_erg_diffusion}; all on by default; research/acestep.md §5.1, §5.3). Each weakens the unconditional
 * branch by multiplying the outputs of some attention query projections by {@link ErgHooks#TAU} (0.01) instead of
 * zeroing the condition:
 * <ul>
 *   <li>tag: UMT5 encoder blocks 8–9 while the prompt is encoded a second time (the null text);</li>
 *   <li>lyric: {@code lyric_encoder.encoders[4, 5].self_attn.linear_q} while the null (and text-only) condition is
 *       encoded, which then keeps the real lyric ids;</li>
 *   <li>diffusion: {@code transformer_blocks[15..19].attn.to_q} and {@code .cross_attn.to_q} during the unconditional
 *       decode.</li>
 * </ul>
 */
public record ErgSwitches(boolean tag, boolean lyric, boolean diffusion) {
    /** ACE-Step's defaults: all three on. */
    public static final ErgSwitches ALL = new ErgSwitches(true, true, true);
    /** All off: the null condition is zeros, as without ERG. */
    public static final ErgSwitches NONE = new ErgSwitches(false, false, false);
}

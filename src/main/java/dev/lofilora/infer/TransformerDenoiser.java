package dev.lofilora.infer;

import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.tensor.TensorSlot;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * The ACE-Step transformer as the loop's {@link Denoiser}: the condition encodings are computed once, as
 * {@code text2music_diffusion_process} does (pipeline_ace_step.py lines 1075–1185 at d612523), and each prediction
 * is one {@code decode}:
 * <ul>
 *   <li>conditional: {@code encode(text, mask, speaker, lyrics, lyric_mask)};</li>
 *   <li>null: without ERG-lyric {@code encode(0·text, mask, 0·speaker, 0·lyric_ids, lyric_mask)}; with it the ERG-tag
 *       null text (or zeros), a zero speaker and the <b>real</b> lyrics, encoded with the lyric hooks;</li>
 *   <li>text-only (double condition only): the text, a zero speaker and zero lyric ids — or with ERG-lyric the real
 *       lyrics under the hooks;</li>
 *   <li>every decode uses the conditional encode's mask, and the unconditional decode carries the ERG-diffusion
 *       hooks when that switch is on.</li>
 * </ul>
 * Not thread-safe (the hooks live on the model's layers while a call runs).
 */
public final class TransformerDenoiser implements Denoiser, AutoCloseable {
    /** What one encode did, in the golden manifest's terms (for tests and reports). */
    public record EncodeInfo(Condition kind, boolean textIsZero, boolean textIsGivenNull, boolean speakerIsZero,
                             boolean lyricIdsAreZero, List<String> ergHooked) {}

    /** Sees each decode and the layers hooked during it. */
    @FunctionalInterface
    public interface DecodeListener {
        void decoded(Condition kind, int iteration, List<String> ergHooked);

        DecodeListener NONE = (kind, iteration, hooked) -> {};
    }

    private final DiffusionModel model;
    private final ErgSwitches erg;
    private final TensorSlot condStates = new TensorSlot();
    private final TensorSlot nullStates = new TensorSlot();
    private final TensorSlot noLyricStates = new TensorSlot();
    private final TensorSlot mask = new TensorSlot();
    private final List<EncodeInfo> encodes = new ArrayList<>();
    private DecodeListener decodeListener = DecodeListener.NONE;

    /**
     * Encodes the conditions for one generation.
     *
     * @param textOnly also encode the text-only condition (double-condition guidance)
     */
    public TransformerDenoiser(ACEStepTransformer2DModel model, Conditioning c, ErgSwitches erg, boolean textOnly) {
        this(new TorchDiffusionModel(model), c, erg, textOnly);
    }

    /** As above, on any {@link DiffusionModel} (libtorch or ONNX Runtime). */
    public TransformerDenoiser(DiffusionModel model, Conditioning c, ErgSwitches erg, boolean textOnly) {
        this.model = model;
        this.erg = erg;
        Tensor zeroSpeaker = torch.zeros_like(c.speakerEmbeds());
        Tensor zeroLyrics = torch.zeros_like(c.lyricIds());
        ACEStepTransformer2DModel.Encoded cond = encode(Condition.COND, c.textStates(), false, c, c.speakerEmbeds(),
                c.lyricIds(), false);
        condStates.set(cond.hiddenStates());
        mask.set(cond.mask());
        if (erg.lyric()) {
            // P(null speaker, weaker text, weaker lyrics): the ERG-tag null text (else zeros) and the real lyrics.
            boolean given = c.nullTextStates() != null;
            Tensor text = given ? c.nullTextStates() : torch.zeros_like(c.textStates());
            nullStates.set(encode(Condition.NULL, text, given, c, zeroSpeaker, c.lyricIds(), true).hiddenStates());
        } else {
            // P(null speaker, null text, null lyrics)
            nullStates.set(encode(Condition.NULL, torch.zeros_like(c.textStates()), false, c, zeroSpeaker, zeroLyrics,
                    false).hiddenStates());
        }
        if (textOnly) {
            // P(null speaker, text, weaker lyrics) with ERG-lyric, else P(null speaker, text, no lyrics)
            noLyricStates.set(encode(Condition.NO_LYRIC, c.textStates(), false, c, zeroSpeaker,
                    erg.lyric() ? c.lyricIds() : zeroLyrics, erg.lyric()).hiddenStates());
        }
    }

    private ACEStepTransformer2DModel.Encoded encode(Condition kind, Tensor text, boolean textGiven, Conditioning c,
                                                     Tensor speaker, Tensor lyricIds, boolean lyricHooks) {
        ACEStepTransformer2DModel.Encoded e = model.encode(text, c.textMask(), speaker, lyricIds, c.lyricMask(),
                lyricHooks);
        encodes.add(new EncodeInfo(kind, isZero(text), textGiven, isZero(speaker), isZero(lyricIds),
                lyricHooks ? model.ergLyricTargets() : List.of()));
        return e;
    }

    private static boolean isZero(Tensor t) {
        return !t.ne(new org.bytedeco.pytorch.Scalar(0)).any().item_bool();
    }

    /** The encodes done, in order. */
    public List<EncodeInfo> encodes() { return List.copyOf(encodes); }

    /** Sets who sees each decode (tests and reports). */
    public TransformerDenoiser onDecode(DecodeListener listener) {
        this.decodeListener = listener == null ? DecodeListener.NONE : listener;
        return this;
    }

    @Override
    public Tensor predict(Condition condition, Tensor latents, Tensor timestep, int iteration) {
        TensorSlot states = switch (condition) {
            case COND -> condStates;
            case NULL -> nullStates;
            case NO_LYRIC -> noLyricStates;
        };
        if (!states.isSet()) throw new IllegalStateException(condition.id() + " condition was not encoded");
        // attention_mask = ones(B, T) in the pipeline dtype, as the original.
        Tensor frameMask = torch.ones(new long[] {latents.size(0), latents.size(-1)}, new TensorOptions()
                .dtype(new ScalarTypeOptional(model.dtype())).device(new DeviceOptional(latents.device())));
        ACEStepTransformer2DModel.Encoded encoded = new ACEStepTransformer2DModel.Encoded(states.get(), mask.get());
        boolean hook = condition == Condition.NULL && erg.diffusion();
        Tensor sample = model.decode(latents, frameMask, encoded, timestep, hook);
        decodeListener.decoded(condition, iteration, hook ? model.ergDiffusionTargets() : List.of());
        return sample;
    }

    @Override
    public void close() {
        condStates.close();
        nullStates.close();
        noLyricStates.close();
        mask.close();
    }
}

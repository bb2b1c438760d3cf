package dev.lofilora.infer;

import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.List;

/**
 * The ACE-Step transformer as {@link TransformerDenoiser} calls it — {@code encode} once per condition, {@code decode}
 * per step, each optionally under ACE-Step's ERG hooks — whatever runs it: the libtorch module
 * ({@link TorchDiffusionModel}) or an exported graph pair in ONNX Runtime ({@code export.ort.OnnxEngine}).
 */
public interface DiffusionModel {
    AceStepConfig config();

    /** The dtype latents and the frame mask are given in (the model's). */
    ScalarType dtype();

    /** The lyric-encoder layers the ERG-lyric hook scales (those the model has, possibly none). */
    List<String> ergLyricTargets();

    /** The query projections the ERG-diffusion hook scales (those the model has, possibly none). */
    List<String> ergDiffusionTargets();

    /**
     * {@code encode} (research/acestep.md §2.2); with {@code ergLyric} the {@link #ergLyricTargets()} outputs are
     * multiplied by {@link ErgHooks#TAU}.
     */
    ACEStepTransformer2DModel.Encoded encode(Tensor text, Tensor textMask, Tensor speaker, Tensor lyricIds,
                                             Tensor lyricMask, boolean ergLyric);

    /**
     * One {@code decode} with {@code output_length = T}; with {@code ergDiffusion} the {@link #ergDiffusionTargets()}
     * outputs are multiplied by {@link ErgHooks#TAU}. Returns the velocity [B, C, H, T].
     */
    Tensor decode(Tensor latents, Tensor frameMask, ACEStepTransformer2DModel.Encoded encoded, Tensor timestep,
                  boolean ergDiffusion);
}

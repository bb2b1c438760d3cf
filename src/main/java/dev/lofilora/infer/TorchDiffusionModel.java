package dev.lofilora.infer;

import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.nn.Capture;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.List;

/** The libtorch {@link ACEStepTransformer2DModel} as a {@link DiffusionModel}, the ERG hooks installed per call. */
public final class TorchDiffusionModel implements DiffusionModel {
    private final ACEStepTransformer2DModel model;

    public TorchDiffusionModel(ACEStepTransformer2DModel model) {
        this.model = model;
    }

    public ACEStepTransformer2DModel model() { return model; }

    @Override
    public AceStepConfig config() { return model.config; }

    @Override
    public ScalarType dtype() { return model.dtype(); }

    @Override
    public List<String> ergLyricTargets() { return ErgHooks.lyricTargets(model); }

    @Override
    public List<String> ergDiffusionTargets() { return ErgHooks.diffusionTargets(model); }

    @Override
    public ACEStepTransformer2DModel.Encoded encode(Tensor text, Tensor textMask, Tensor speaker, Tensor lyricIds,
                                                    Tensor lyricMask, boolean ergLyric) {
        List<String> targets = ergLyric ? ergLyricTargets() : List.of();
        try (ErgHooks hooks = targets.isEmpty() ? ErgHooks.none() : ErgHooks.install(model, targets)) {
            return model.encode(text, textMask, speaker, lyricIds, lyricMask, Capture.NONE);
        }
    }

    @Override
    public Tensor decode(Tensor latents, Tensor frameMask, ACEStepTransformer2DModel.Encoded encoded, Tensor timestep,
                         boolean ergDiffusion) {
        try (ErgHooks hooks = ergDiffusion ? ErgHooks.install(model, ergDiffusionTargets()) : ErgHooks.none()) {
            return model.decode(latents, frameMask, encoded, timestep, false, latents.size(-1), Capture.NONE).sample();
        }
    }
}

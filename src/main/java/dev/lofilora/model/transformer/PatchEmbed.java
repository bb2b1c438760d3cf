package dev.lofilora.model.transformer;

import dev.lofilora.nn.Conv2d;
import dev.lofilora.nn.GroupNorm;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code PatchEmbed} (research/acestep.md §2.3 step 3): {@code early_conv_layers} = Conv2d(C→256·C, kernel = stride =
 * patch) → GroupNorm(32, 256·C, eps 1e-6) → Conv2d(256·C→D, 1×1), then flatten(2) and transpose. The GroupNorm
 * statistics run over all frames, so padded frames influence valid ones — kept on purpose.
 */
public final class PatchEmbed extends Module {
    public final ModuleList<Module> early_conv_layers;
    private final Conv2d conv0;
    private final GroupNorm norm;
    private final Conv2d conv2;

    public PatchEmbed(int inChannels, int embedDim, int patchH, int patchW) {
        int hidden = inChannels * AceStepConfig.PATCH_HIDDEN_PER_CHANNEL;
        long[] patch = {patchH, patchW};
        conv0 = new Conv2d(inChannels, hidden, patch, patch, new long[] {0, 0}, 1, true);
        norm = new GroupNorm(32, hidden, 1e-6);
        conv2 = new Conv2d(hidden, embedDim, new long[] {1, 1}, new long[] {1, 1}, new long[] {0, 0}, 1, true);
        early_conv_layers = module("early_conv_layers", ModuleList.of(conv0, norm, conv2));
    }

    /** latent [B, C, H, W] → [B, (H/ph)·(W/pw), D]. */
    public Tensor forward(Tensor latent) {
        Tensor x = conv2.forward(norm.forward(conv0.forward(latent)));   // [B, D, H', W']
        return x.flatten(2, -1).transpose(1, 2);                          // [B, H'·W', D]
    }
}

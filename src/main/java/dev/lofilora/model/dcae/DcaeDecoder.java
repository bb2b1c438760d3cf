package dev.lofilora.model.dcae;

import dev.lofilora.nn.Conv2d;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * diffusers DC-AE {@code Decoder}: conv_in plus the input shortcut (each latent channel repeated
 * {@code block_out[-1]/latent} times), the stages from the deepest up (each: an upsample block except for the
 * deepest, then its blocks), then RMSNorm over channels → activation (ReLU) → conv_out.
 */
public final class DcaeDecoder extends Module {
    private final long inRepeats;
    private final boolean inShortcut;
    private final String convAct;
    public final Conv2d conv_in;
    public final ModuleList<ModuleList<Module>> up_blocks;
    public final RMSNorm norm_out;
    public final Conv2d conv_out;

    public DcaeDecoder(DcaeConfig c) {
        var out = c.decoderBlockOutChannels();
        int n = out.size();
        long[] k3 = {3, 3};
        long[] one = {1, 1};
        conv_in = module("conv_in", new Conv2d(c.latentChannels(), out.get(n - 1), k3, one, one, 1, true));
        up_blocks = module("up_blocks", new ModuleList<>());
        for (int i = 0; i < n; i++) {
            ModuleList<Module> stage = new ModuleList<>();
            int layers = c.decoderLayersPerBlock().get(i);
            if (i < n - 1 && layers > 0) {
                stage.add(new DCUpBlock2d(out.get(i + 1), out.get(i), c.upsampleBlockType().equals("interpolate")));
            }
            for (int j = 0; j < layers; j++) {
                stage.add(Blocks.block(c.decoderBlockTypes().get(i), out.get(i), c.attentionHeadDim(),
                        c.decoderActFns().get(i), c.decoderQkvMultiscales().get(i)));
            }
            up_blocks.add(stage);
        }
        norm_out = module("norm_out", new RMSNorm(out.get(0), 1e-5));
        conv_out = module("conv_out", new Conv2d(out.get(0), c.inChannels(), k3, one, one, 1, true));
        inShortcut = c.decoderInShortcut();
        inRepeats = out.get(n - 1) / c.latentChannels();
        convAct = c.decoderConvActFn();
    }

    /** raw latent [B, latent, h, w] → normalised mel [B, in, f·h, f·w]. */
    public Tensor forward(Tensor z) {
        Tensor h = conv_in.forward(z);
        if (inShortcut) h = h.add(z.repeat_interleave(inRepeats, new LongOptional(1), new LongOptional()));
        for (int i = up_blocks.size() - 1; i >= 0; i--) {
            for (Module m : up_blocks.get(i).items()) h = Blocks.forward(m, h);
        }
        return conv_out.forward(Activations.apply(convAct, norm_out.forwardChannels(h)));
    }
}

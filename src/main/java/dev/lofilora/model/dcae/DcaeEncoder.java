package dev.lofilora.model.dcae;

import dev.lofilora.nn.Conv2d;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * diffusers DC-AE {@code Encoder}: conv_in, per stage its blocks then (except the last) a downsample block, and
 * conv_out plus the output shortcut (the mean of groups of {@code block_out[-1]/latent} channels).
 */
public final class DcaeEncoder extends Module {
    private final long outGroup;
    private final boolean outShortcut;
    public final Conv2d conv_in;
    public final ModuleList<ModuleList<Module>> down_blocks;
    public final Conv2d conv_out;

    public DcaeEncoder(DcaeConfig c) {
        var out = c.encoderBlockOutChannels();
        long[] k3 = {3, 3};
        long[] one = {1, 1};
        conv_in = module("conv_in", new Conv2d(c.inChannels(), out.get(0), k3, one, one, 1, true));
        down_blocks = module("down_blocks", new ModuleList<>());
        for (int i = 0; i < out.size(); i++) {
            ModuleList<Module> stage = new ModuleList<>();
            int layers = c.encoderLayersPerBlock().get(i);
            for (int j = 0; j < layers; j++) {
                stage.add(Blocks.block(c.encoderBlockTypes().get(i), out.get(i), c.attentionHeadDim(), "silu",
                        c.encoderQkvMultiscales().get(i)));
            }
            if (i < out.size() - 1 && layers > 0) {
                stage.add(new DCDownBlock2d(out.get(i), out.get(i + 1), c.downsampleBlockType().equals("pixel_unshuffle")));
            }
            down_blocks.add(stage);
        }
        conv_out = module("conv_out", new Conv2d(out.get(out.size() - 1), c.latentChannels(), k3, one, one, 1, true));
        outShortcut = c.encoderOutShortcut();
        outGroup = out.get(out.size() - 1) / c.latentChannels();
    }

    /** mel [B, in, 128, F] → raw latent [B, latent, 128/f, F/f]. */
    public Tensor forward(Tensor x) {
        Tensor h = conv_in.forward(x);
        for (ModuleList<Module> stage : down_blocks.items()) {
            for (Module m : stage.items()) h = Blocks.forward(m, h);
        }
        Tensor y = conv_out.forward(h);
        if (!outShortcut) return y;
        return y.add(h.unflatten(1, -1, outGroup).mean(new long[] {2}, false, new ScalarTypeOptional()));
    }
}

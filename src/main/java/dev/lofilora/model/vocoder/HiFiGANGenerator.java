package dev.lofilora.model.vocoder;

import dev.lofilora.nn.F;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import dev.lofilora.nn.Scoped;
import dev.lofilora.nn.WeightNormConv1d;
import dev.lofilora.nn.WeightNormConvTranspose1d;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The vocoder's HiFi-GAN head ({@code use_template=False}): weight-normed pre conv, per stage SiLU → transposed conv
 * (padding (k − u)/2) → the mean of the stage's resblocks, then SiLU → post conv → tanh. Stage i has
 * {@code upsample_initial_channel / 2^(i+1)} channels.
 */
public final class HiFiGANGenerator extends Module {
    public final WeightNormConv1d conv_pre;
    public final ModuleList<WeightNormConvTranspose1d> ups;
    public final ModuleList<ResBlock1> resblocks;
    public final WeightNormConv1d conv_post;
    private final int numKernels;

    public HiFiGANGenerator(VocoderConfig c) {
        int init = c.upsampleInitialChannel();
        conv_pre = module("conv_pre", new WeightNormConv1d(c.numMels(), init, c.preConvKernelSize(), 1,
                (c.preConvKernelSize() - 1) / 2, 1, true));
        ups = module("ups", new ModuleList<>());
        for (int i = 0; i < c.upsampleRates().size(); i++) {
            int u = c.upsampleRates().get(i);
            int k = c.upsampleKernelSizes().get(i);
            ups.add(new WeightNormConvTranspose1d(init >> i, init >> (i + 1), k, u, (k - u) / 2));
        }
        resblocks = module("resblocks", new ModuleList<>());
        numKernels = c.resblockKernelSizes().size();
        for (int i = 0; i < ups.size(); i++) {
            for (int j = 0; j < numKernels; j++) {
                resblocks.add(new ResBlock1(init >> (i + 1), c.resblockKernelSizes().get(j),
                        c.resblockDilationSizes().get(j)));
            }
        }
        conv_post = module("conv_post", new WeightNormConv1d(init >> ups.size(), 1, c.postConvKernelSize(), 1,
                (c.postConvKernelSize() - 1) / 2, 1, true));
    }

    /** features [B, num_mels, F] → wav [B, 1, F·hop] in [−1, 1]. */
    public Tensor forward(Tensor x) {
        x = conv_pre.forward(x);
        for (int i = 0; i < ups.size(); i++) {
            Tensor in = x;
            int stage = i;
            x = Scoped.run(() -> {
                Tensor up = ups.get(stage).forward(F.silu(in));                           // [B, C/2, T·u]
                Tensor xs = null;
                for (int j = 0; j < numKernels; j++) {
                    Tensor r = resblocks.get(stage * numKernels + j).forward(up);
                    xs = xs == null ? r : xs.add(r);
                }
                return xs.div(new Scalar((double) numKernels));
            });
        }
        return conv_post.forward(F.silu(x)).tanh();
    }
}

package dev.lofilora.model.dcae;

import dev.lofilora.nn.Conv2d;
import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * DC-AE downsampling by 2: a 3×3 conv (stride 2 for "Conv"; stride 1 then pixel-unshuffle for "pixel_unshuffle")
 * plus the shortcut {@code pixel_unshuffle(x, 2)} averaged over groups of {@code 4·in/out} channels.
 */
public final class DCDownBlock2d extends Module {
    private final boolean pixelUnshuffle;
    private final long groupSize;
    public final Conv2d conv;

    public DCDownBlock2d(int in, int out, boolean pixelUnshuffle) {
        this.pixelUnshuffle = pixelUnshuffle;
        this.groupSize = 4L * in / out;
        long stride = pixelUnshuffle ? 1 : 2;
        conv = module("conv", new Conv2d(in, pixelUnshuffle ? out / 4 : out, new long[] {3, 3},
                new long[] {stride, stride}, new long[] {1, 1}, 1, true));
    }

    /** x [B, in, H, W] → [B, out, H/2, W/2]. */
    public Tensor forward(Tensor x) {
        Tensor y = conv.forward(x);
        if (pixelUnshuffle) y = torch.pixel_unshuffle(y, 2);
        Tensor shortcut = torch.pixel_unshuffle(x, 2).unflatten(1, -1, groupSize)       // [B, out, g, H/2, W/2]
                .mean(new long[] {2}, false, new ScalarTypeOptional());
        return y.add(shortcut);
    }
}

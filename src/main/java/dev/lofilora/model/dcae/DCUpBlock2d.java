package dev.lofilora.model.dcae;

import dev.lofilora.nn.Conv2d;
import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * DC-AE upsampling by 2: nearest ×2 then a 3×3 conv ("interpolate"), or a conv to 4× channels then pixel-shuffle
 * ("pixel_shuffle"); plus the shortcut {@code pixel_shuffle(repeat_interleave(x, 4·out/in, dim 1), 2)}.
 */
public final class DCUpBlock2d extends Module {
    private final boolean interpolate;
    private final long repeats;
    public final Conv2d conv;

    public DCUpBlock2d(int in, int out, boolean interpolate) {
        this.interpolate = interpolate;
        this.repeats = 4L * out / in;
        long[] one = {1, 1};
        conv = module("conv", new Conv2d(in, interpolate ? out : 4L * out, new long[] {3, 3}, one, one, 1, true));
    }

    /** x [B, in, H, W] → [B, out, 2H, 2W]. */
    public Tensor forward(Tensor x) {
        Tensor y = interpolate
                ? conv.forward(torch.upsample_nearest2d(x, 2 * x.size(2), 2 * x.size(3)))
                : torch.pixel_shuffle(conv.forward(x), 2);
        Tensor shortcut = torch.pixel_shuffle(x.repeat_interleave(repeats, new LongOptional(1), new LongOptional()), 2);
        return y.add(shortcut);
    }
}

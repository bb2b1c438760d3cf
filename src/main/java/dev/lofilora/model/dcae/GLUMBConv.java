package dev.lofilora.model.dcae;

import dev.lofilora.nn.Conv2d;
import dev.lofilora.nn.F;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.Scoped;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * Sana's 2-D {@code GLUMBConv} (expand 4, RMSNorm, residual): 1×1 conv → SiLU → depthwise 3×3 → split → x·SiLU(gate)
 * → 1×1 conv (no bias) → RMSNorm over channels → + input.
 */
public final class GLUMBConv extends Module {
    public final Conv2d conv_inverted;
    public final Conv2d conv_depth;
    public final Conv2d conv_point;
    public final RMSNorm norm;

    public GLUMBConv(int channels) {
        int hidden = 4 * channels;
        long[] one = {1, 1};
        conv_inverted = module("conv_inverted", new Conv2d(channels, 2L * hidden, one, one, new long[] {0, 0}, 1, true));
        conv_depth = module("conv_depth", new Conv2d(2L * hidden, 2L * hidden, new long[] {3, 3}, one, one,
                2L * hidden, true));
        conv_point = module("conv_point", new Conv2d(hidden, channels, one, one, new long[] {0, 0}, 1, false));
        norm = module("norm", new RMSNorm(channels, 1e-5));
    }

    /** x [B, C, H, W] → [B, C, H, W]. */
    public Tensor forward(Tensor x) {
        return Scoped.run(() -> {
            Tensor h = conv_depth.forward(F.silu(conv_inverted.forward(x)));             // [B, 8C, H, W]
            TensorVector halves = h.chunk(2, 1);
            Tensor y = conv_point.forward(halves.get(0).mul(F.silu(halves.get(1))));     // [B, C, H, W]
            return norm.forwardChannels(y).add(x);
        });
    }
}

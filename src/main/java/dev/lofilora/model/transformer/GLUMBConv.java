package dev.lofilora.model.transformer;

import dev.lofilora.nn.Conv1d;
import dev.lofilora.nn.F;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.NoParams;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * A block's {@code ff} (research/acestep.md §2.4): 1×1 conv (bias) + SiLU → depthwise k=3 conv (bias, zero "same"
 * padding: it mixes neighbouring frames, padded ones included) → split channels → x·SiLU(gate) → 1×1 conv (no bias).
 */
public final class GLUMBConv extends Module {
    /** ACE-Step's {@code ConvLayer}: a {@code conv} child and an optional activation. */
    public static final class ConvLayer extends Module {
        public final Conv1d conv;
        private final boolean silu;

        ConvLayer(long in, long out, long kernel, long groups, boolean bias, boolean silu) {
            conv = module("conv", new Conv1d(in, out, kernel, 1, kernel / 2, groups, bias));
            this.silu = silu;
            if (silu) module("act", new NoParams("silu"));
        }

        public Tensor forward(Tensor x) {
            Tensor y = conv.forward(x);
            return silu ? F.silu(y) : y;
        }
    }

    public final ConvLayer inverted_conv;
    public final ConvLayer depth_conv;
    public final ConvLayer point_conv;

    public GLUMBConv(int dim, int hidden) {
        module("glu_act", new NoParams("silu"));
        inverted_conv = module("inverted_conv", new ConvLayer(dim, 2L * hidden, 1, 1, true, true));
        depth_conv = module("depth_conv", new ConvLayer(2L * hidden, 2L * hidden, 3, 2L * hidden, true, false));
        point_conv = module("point_conv", new ConvLayer(hidden, dim, 1, 1, false, false));
    }

    /** x [B, T, D] → [B, T, D]. */
    public Tensor forward(Tensor x) {
        Tensor h = depth_conv.forward(inverted_conv.forward(x.transpose(1, 2)));   // [B, 2h, T]
        TensorVector halves = h.chunk(2, 1);
        Tensor y = halves.get(0).mul(F.silu(halves.get(1)));                        // [B, h, T]
        return point_conv.forward(y).transpose(1, 2);                               // [B, T, D]
    }
}

package dev.lofilora.model.dcae;

import dev.lofilora.nn.Conv2d;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.Scoped;
import org.bytedeco.pytorch.Tensor;

/** DC-AE {@code ResBlock}: 3×3 conv (bias) → activation → 3×3 conv (no bias) → RMSNorm over channels → + x. */
public final class ResBlock extends Module {
    private static final long[] K3 = {3, 3};
    private static final long[] ONE = {1, 1};

    private final String act;
    public final Conv2d conv1;
    public final Conv2d conv2;
    public final RMSNorm norm;

    public ResBlock(int in, int out, String act) {
        this.act = act;
        conv1 = module("conv1", new Conv2d(in, in, K3, ONE, ONE, 1, true));
        conv2 = module("conv2", new Conv2d(in, out, K3, ONE, ONE, 1, false));
        norm = module("norm", new RMSNorm(out, 1e-5));
    }

    /** x [B, C, H, W] → [B, C, H, W]. */
    public Tensor forward(Tensor x) {
        return Scoped.run(() -> norm.forwardChannels(conv2.forward(Activations.apply(act, conv1.forward(x)))).add(x));
    }
}

package dev.lofilora.model.vocoder;

import dev.lofilora.nn.Conv1d;
import dev.lofilora.nn.LayerNorm;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import dev.lofilora.nn.Scoped;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One ConvNeXt block of the vocoder backbone: depthwise conv → (channels-last) LayerNorm eps 1e-6 → Linear ×4 →
 * exact (erf) GELU → Linear → layer scale {@code gamma} → residual. Drop path is inactive at inference.
 */
public final class ConvNeXtBlock extends Module {
    public final Conv1d dwconv;
    public final LayerNorm norm;
    public final Linear pwconv1;
    public final Linear pwconv2;
    public final Parameter gamma;

    public ConvNeXtBlock(int dim, int kernelSize) {
        dwconv = module("dwconv", new Conv1d(dim, dim, kernelSize, 1, (kernelSize - 1) / 2, dim, true));
        norm = module("norm", new LayerNorm(dim, 1e-6));
        pwconv1 = module("pwconv1", new Linear(dim, 4L * dim, true));
        pwconv2 = module("pwconv2", new Linear(4L * dim, dim, true));
        gamma = parameter("gamma", dim);
    }

    /** x [B, C, T] → the block's branch [B, C, T], without the residual. */
    public Tensor branch(Tensor x) {
        return Scoped.run(() -> {
            Tensor h = dwconv.forward(x).permute(0, 2, 1);                 // [B, T, C]
            h = pwconv2.forward(torch.gelu(pwconv1.forward(norm.forward(h)))); // [B, T, C]
            return gamma.value().mul(h).permute(0, 2, 1);                  // [B, C, T]
        });
    }

    /** x [B, C, T] → x + branch(x). */
    public Tensor forward(Tensor x) {
        return x.add(branch(x));
    }
}

package dev.lofilora.model.dcae;

import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/** DC-AE {@code EfficientViTBlock}: multiscale linear attention (residual) then GLUMBConv (residual). */
public final class EfficientViTBlock extends Module {
    public final SanaMultiscaleLinearAttention attn;
    public final GLUMBConv conv_out;

    public EfficientViTBlock(int channels, int headDim, List<Integer> qkvMultiscales) {
        attn = module("attn", new SanaMultiscaleLinearAttention(channels, headDim, qkvMultiscales));
        conv_out = module("conv_out", new GLUMBConv(channels));
    }

    /** x [B, C, H, W] → [B, C, H, W]. */
    public Tensor forward(Tensor x) {
        return conv_out.forward(attn.forward(x));
    }
}

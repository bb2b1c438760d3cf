package dev.lofilora.model.dcae;

import dev.lofilora.nn.Conv2d;
import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Tensor;

/** The multiscale branch of Sana's linear attention: depthwise k×k conv then a grouped 1×1 conv (3·heads groups). */
public final class SanaMultiscaleAttentionProjection extends Module {
    public final Conv2d proj_in;
    public final Conv2d proj_out;

    public SanaMultiscaleAttentionProjection(int innerDim, int heads, int kernel) {
        int channels = 3 * innerDim;
        proj_in = module("proj_in", new Conv2d(channels, channels, new long[] {kernel, kernel}, new long[] {1, 1},
                new long[] {kernel / 2, kernel / 2}, channels, false));
        proj_out = module("proj_out", new Conv2d(channels, channels, new long[] {1, 1}, new long[] {1, 1},
                new long[] {0, 0}, 3L * heads, false));
    }

    /** qkv [B, 3·inner, H, W] → [B, 3·inner, H, W]. */
    public Tensor forward(Tensor qkv) {
        return proj_out.forward(proj_in.forward(qkv));
    }
}

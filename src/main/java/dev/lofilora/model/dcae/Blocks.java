package dev.lofilora.model.dcae;

import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/** diffusers {@code get_block} and the dispatch of a stage's heterogeneous members (package-private). */
final class Blocks {
    private Blocks() {}

    static Module block(String type, int channels, int headDim, String act, List<Integer> qkvMultiscales) {
        return switch (type) {
            case "ResBlock" -> new ResBlock(channels, channels, act);
            case "EfficientViTBlock" -> new EfficientViTBlock(channels, headDim, qkvMultiscales);
            default -> throw new IllegalArgumentException("block type " + type);
        };
    }

    static Tensor forward(Module m, Tensor x) {
        if (m instanceof ResBlock r) return r.forward(x);
        if (m instanceof EfficientViTBlock e) return e.forward(x);
        if (m instanceof DCDownBlock2d d) return d.forward(x);
        if (m instanceof DCUpBlock2d u) return u.forward(x);
        throw new IllegalStateException("unexpected DC-AE member " + m.getClass().getSimpleName());
    }
}

package dev.lofilora.metrics.clap;

import dev.lofilora.nn.F;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.NoParams;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** CLAP's {@code audio_projection} / {@code text_projection}: {@code nn.Sequential(Linear, ReLU, Linear)} (keys 0, 2). */
final class Projection extends Module {
    private final Linear first;
    private final Linear second;

    Projection(long in, long joint) {
        first = module("0", new Linear(in, joint, true));
        module("1", new NoParams("relu"));
        second = module("2", new Linear(joint, joint, true));
    }

    /** x [B, in] → [B, joint]. */
    Tensor forward(Tensor x) {
        return second.forward(F.relu(first.forward(x)));
    }

    /** {@code F.normalize(x, dim=-1)}: x / max(‖x‖₂, 1e-12). */
    static Tensor normalize(Tensor x) {
        Tensor norm = torch.linalg_vector_norm(x, new org.bytedeco.pytorch.Scalar(2.0), new long[] {-1}, true,
                new ScalarTypeOptional());
        return x.div(norm.clamp_min(new org.bytedeco.pytorch.Scalar(1e-12)));
    }
}

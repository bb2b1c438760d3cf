package dev.lofilora.model.transformer;

import dev.lofilora.nn.F;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.NoParams;
import org.bytedeco.pytorch.Tensor;

/** diffusers {@code TimestepEmbedding(in, dim)}: {@code linear_1} → SiLU → {@code linear_2}. */
public final class TimestepEmbedding extends Module {
    public final Linear linear_1;
    public final Linear linear_2;

    public TimestepEmbedding(int in, int dim) {
        linear_1 = module("linear_1", new Linear(in, dim, true));
        module("act", new NoParams("silu"));
        linear_2 = module("linear_2", new Linear(dim, dim, true));
    }

    /** x [B, in] → [B, dim]. */
    public Tensor forward(Tensor x) {
        return linear_2.forward(F.silu(linear_1.forward(x)));
    }
}

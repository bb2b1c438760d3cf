package dev.lofilora.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** torch.nn.Embedding: {@code weight [num, dim]}. */
public final class Embedding extends Module {
    public final Parameter weight;

    public Embedding(long num, long dim) {
        this.weight = parameter("weight", num, dim);
    }

    /** ids [...] (int64) → [..., dim]. */
    public Tensor forward(Tensor ids) {
        return torch.embedding(weight.value(), ids);
    }
}

package dev.lofilora.model.lyric;

import dev.lofilora.nn.BatchDropout;
import dev.lofilora.nn.F;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The position-wise FFN: {@code w_2(Dropout(SiLU(w_1 x)))}. Keys: {@code w_1.weight/bias}, {@code w_2.weight/bias}. */
public final class PositionwiseFeedForward extends Module {
    public final Linear w1;
    public final Linear w2;
    private final double dropoutRate;

    public PositionwiseFeedForward(int dim, int hiddenUnits, double dropoutRate) {
        this.w1 = module("w_1", new Linear(dim, hiddenUnits, true));
        this.w2 = module("w_2", new Linear(hiddenUnits, dim, true));
        this.dropoutRate = dropoutRate;
    }

    /** x [B, N, d] → [B, N, d]. */
    public Tensor forward(Tensor x) {
        Tensor h = F.silu(w1.forward(x));                      // [B, N, units]
        return w2.forward(BatchDropout.apply(h, dropoutRate, isTraining()));
    }
}

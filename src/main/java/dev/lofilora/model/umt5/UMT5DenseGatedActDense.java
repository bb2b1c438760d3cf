package dev.lofilora.model.umt5;

import dev.lofilora.nn.F;
import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The UMT5 feed-forward: gated ({@code wo(act(wi_0(h)) · wi_1(h))}, umt5-base) or plain ({@code wo(act(wi(h)))}).
 * {@code gelu_new} is written out as transformers' {@code NewGELUActivation} (the tanh form) so the rounding follows.
 */
public final class UMT5DenseGatedActDense extends Module {
    private final String act;
    public final Linear wi_0;
    public final Linear wi_1;
    public final Linear wi;
    public final Linear wo;

    public UMT5DenseGatedActDense(Umt5Config c) {
        this.act = c.denseActFn();
        if (c.gated()) {
            wi_0 = module("wi_0", new Linear(c.dModel(), c.dFf(), false));
            wi_1 = module("wi_1", new Linear(c.dModel(), c.dFf(), false));
            wi = null;
        } else {
            wi = module("wi", new Linear(c.dModel(), c.dFf(), false));
            wi_0 = null;
            wi_1 = null;
        }
        wo = module("wo", new Linear(c.dFf(), c.dModel(), false));
    }

    /** h [B, L, D] → [B, L, D]. */
    public Tensor forward(Tensor h) {
        Tensor x = wi == null ? activation(wi_0.forward(h)).mul(wi_1.forward(h)) : activation(wi.forward(h));
        return wo.forward(x);
    }

    private Tensor activation(Tensor x) {
        return switch (act) {
            case "gelu_new" -> x.mul(new Scalar(0.5)).mul(x.pow(new Scalar(3.0)).mul(new Scalar(0.044715)).add(x)
                    .mul(new Scalar(Math.sqrt(2.0 / Math.PI))).tanh().add(new Scalar(1.0)));
            case "gelu" -> torch.gelu(x);
            case "relu" -> F.relu(x);
            default -> throw new IllegalStateException("activation " + act);
        };
    }
}

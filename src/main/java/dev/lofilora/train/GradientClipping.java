package dev.lofilora.train;

import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=2)} as Lightning calls it (research §3.9): the
 * 2-norm of the per-gradient 2-norms, {@code coef = max_norm / (total + 1e-6)} (Python's {@code float / Tensor} is
 * {@code reciprocal(t)·float}), clamped at 1, and every gradient multiplied by it — always, even when it is 1.
 */
public final class GradientClipping {
    private GradientClipping() {}

    /** Clips in place and returns the total norm before clipping (NaN/Inf when a gradient is not finite). */
    public static double clip(List<Parameter> params, double maxNorm) {
        List<Tensor> grads = new ArrayList<>();
        for (Parameter p : params) {
            Tensor g = p.value().grad();
            if (g.defined()) grads.add(g);
        }
        if (grads.isEmpty()) return 0;
        try (NoGradGuard guard = new NoGradGuard()) {
            TensorVector norms = new TensorVector();
            for (Tensor g : grads) norms.push_back(torch.linalg_vector_norm(g, new Scalar(2.0), new long[0], false,
                    new ScalarTypeOptional()));
            Tensor total = torch.linalg_vector_norm(torch.stack(norms), new Scalar(2.0), new long[0], false,
                    new ScalarTypeOptional());
            Tensor coef = total.add(new Scalar(1e-6)).reciprocal().mul(new Scalar(maxNorm))
                    .clamp(new ScalarOptional(), new ScalarOptional(new Scalar(1.0)));
            for (Tensor g : grads) g.mul_(coef.to(g.device(), coef.scalar_type()));
            return total.item_double();
        }
    }
}

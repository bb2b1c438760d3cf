package dev.lofilora.nn;

import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.function.Supplier;

/**
 * Dropout on a tensor whose first dimension is the batch, with masks that do not depend on how a batch is split
 * between processes. Inside {@link #forRows} (what the trainer does for every micro-batch) the mask is drawn from the
 * default generator for the whole global batch, {@code [global, ...]}, and this process's rows are kept, so a
 * data-parallel rank drops exactly what a one-process run of the global batch drops. Outside it this is
 * {@code torch.dropout}. Tensors without a batch dimension (a shared position table) keep {@code torch.dropout}: every
 * process draws the same mask for them anyway.
 */
public final class BatchDropout {
    private record Rows(long offset, long global) {}

    private static final ThreadLocal<Rows> ROWS = new ThreadLocal<>();

    private BatchDropout() {}

    /** Runs {@code body} with batch tensors being rows {@code [offset, offset + B)} of a {@code global}-item batch. */
    public static <T> T forRows(long offset, long global, Supplier<T> body) {
        Rows previous = ROWS.get();
        ROWS.set(new Rows(offset, global));
        try {
            return body.get();
        } finally {
            if (previous == null) ROWS.remove(); else ROWS.set(previous);
        }
    }

    /** Dropout with probability {@code p} of {@code x} [B, ...] (identity when not training or p = 0). */
    public static Tensor apply(Tensor x, double p, boolean training) {
        Rows rows = ROWS.get();
        if (rows == null || !training || p == 0) return torch.dropout(x, p, training);
        long[] shape = x.sizes().vec().get();
        long local = shape[0];
        shape[0] = rows.global();
        // keep with probability 1 − p, scaled by 1/(1 − p): torch.dropout's semantics, on the global batch's draw
        Tensor keep = torch.rand(shape, new TensorOptions().device(new DeviceOptional(x.device()))).lt(new Scalar(1 - p)); // [G, ...]
        Tensor mine = keep.narrow(0, rows.offset(), local).to(x.scalar_type());                          // [B, ...]
        return x.mul(mine).div(new Scalar(1 - p));
    }
}

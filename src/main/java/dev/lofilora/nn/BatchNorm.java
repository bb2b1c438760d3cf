package dev.lofilora.nn;

import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * torch.nn.BatchNorm1d/2d in eval mode: {@code (x − running_mean) / √(running_var + eps) · weight + bias} over dim 1,
 * with the running statistics as persistent buffers ({@code running_mean}, {@code running_var},
 * {@code num_batches_tracked}) so checkpoints load by name. Training-mode statistics are not implemented: the frozen
 * networks that use it (HTSAT's {@code bn0}) only run in eval.
 */
public final class BatchNorm extends Module {
    public final long features;
    public final double eps;
    public final Parameter weight;
    public final Parameter bias;
    public final Parameter running_mean;
    public final Parameter running_var;
    public final Parameter num_batches_tracked;

    public BatchNorm(long features, double eps) {
        this.features = features;
        this.eps = eps;
        this.weight = parameter("weight", features);
        this.bias = parameter("bias", features);
        this.running_mean = buffer("running_mean", meta(ScalarType.Float, features), true);
        this.running_var = buffer("running_var", meta(ScalarType.Float, features), true);
        this.num_batches_tracked = buffer("num_batches_tracked", meta(ScalarType.Long), true);
    }

    private static Tensor meta(ScalarType type, long... shape) {
        return torch.empty(shape, new TensorOptions().device(new DeviceOptional(META)).dtype(new ScalarTypeOptional(type)),
                new MemoryFormatOptional());
    }

    /** x [N, C, *] with the eval statistics. */
    public Tensor forward(Tensor x) {
        return torch.batch_norm(x, F.opt(weight.value()), F.opt(bias.value()), F.opt(running_mean.value()),
                F.opt(running_var.value()), false, 0.1, eps, true);
    }
}

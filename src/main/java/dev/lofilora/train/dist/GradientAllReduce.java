package dev.lofilora.train.dist;

import dev.lofilora.nn.Parameter;
import dev.lofilora.train.TrainPlugins;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.List;

/**
 * The data-parallel gradient step (what DDP's {@code Reducer} does, which the JavaCPP preset cannot construct): after
 * every process's backward, the LoRA gradients are flattened in parameter order into buckets of at most
 * {@code bucketBytes}, each bucket summed over the ranks with one all-reduce and divided by the world size, and the
 * averages copied back into the {@code .grad}s — so clipping and AdamW then run on identical gradients everywhere and
 * the optimiser state stays identical on every rank without being exchanged. A parameter this process's backward did
 * not reach (an empty share of a short batch) contributes zeros. One bucket is alive at a time (its flat copy is the
 * only extra memory). Also sums the step's scalars (losses, stop vote) with one small all-reduce.
 */
public final class GradientAllReduce implements TrainPlugins.GradientHook {
    private final Collectives comm;
    private final long bucketBytes;
    private int lastBuckets;
    private long lastStep;

    public GradientAllReduce(Collectives comm, long bucketBytes) {
        this.comm = comm;
        this.bucketBytes = bucketBytes;
    }

    /** Buckets used by the last step (for logging and tests). */
    public int lastBuckets() { return lastBuckets; }

    /** The buckets for {@code params}: consecutive index ranges of at most {@code bucketBytes} of fp32 (a larger
     * parameter gets a bucket of its own). */
    static List<int[]> buckets(List<Long> numels, long bucketBytes) {
        List<int[]> out = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < numels.size(); i++) {
            long b = numels.get(i) * 4;
            if (i > start && bytes + b > bucketBytes) {
                out.add(new int[] {start, i});
                start = i;
                bytes = 0;
            }
            bytes += b;
        }
        if (start < numels.size()) out.add(new int[] {start, numels.size()});
        return out;
    }

    @Override
    public void afterBackward(List<Parameter> params, long step) {
        lastStep = step;
        int world = comm.options().worldSize();
        List<Long> numels = params.stream().map(p -> p.value().numel()).toList();
        List<int[]> buckets = buckets(numels, bucketBytes);
        try (NoGradGuard g = new NoGradGuard()) {
            for (int[] b : buckets) {
                TensorVector parts = new TensorVector();
                for (int i = b[0]; i < b[1]; i++) {
                    Tensor p = params.get(i).value();
                    Tensor grad = p.grad();
                    parts.push_back(grad.defined() ? grad.reshape(-1) : torch.zeros_like(p).reshape(-1));
                }
                Tensor flat = torch.cat(parts);                                   // [Σ numel] fp32
                comm.allReduceSum(flat, step);
                flat.div_(new Scalar((double) world));
                long off = 0;
                for (int i = b[0]; i < b[1]; i++) {
                    Tensor p = params.get(i).value();
                    long n = numels.get(i);
                    Tensor avg = flat.narrow(0, off, n).view(p.sizes().vec().get());
                    Tensor grad = p.grad();
                    if (grad.defined()) grad.copy_(avg);
                    else p.mutable_grad().put(avg.clone());
                    off += n;
                }
                flat.close();
            }
        }
        lastBuckets = buckets.size();
    }

    @Override
    public double[] sumScalars(double[] values) {
        Tensor t = torch.zeros(values.length).to(ScalarType.Double);                  // [n] fp64
        for (int i = 0; i < values.length; i++) t.select(0, i).fill_(new Scalar(values[i]));
        Tensor on = comm.options().backend().equals("nccl")
                ? t.to(new org.bytedeco.pytorch.Device("cuda:" + comm.options().localRank()), ScalarType.Double) : t;
        comm.allReduceSum(on, lastStep);
        Tensor back = on.to(ScalarType.Double).cpu();
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) out[i] = back.select(0, i).item_double();
        return out;
    }
}

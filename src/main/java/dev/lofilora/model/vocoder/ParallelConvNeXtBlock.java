package dev.lofilora.model.vocoder;

import dev.lofilora.nn.Module;
import dev.lofilora.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/** Several ConvNeXt blocks of different kernel sizes side by side: {@code x + Σ branch_k(x)} (kernel_sizes > 1). */
public final class ParallelConvNeXtBlock extends Module {
    public final ModuleList<ConvNeXtBlock> blocks;

    public ParallelConvNeXtBlock(int dim, List<Integer> kernelSizes) {
        blocks = module("blocks", new ModuleList<>());
        for (int k : kernelSizes) blocks.add(new ConvNeXtBlock(dim, k));
    }

    /** x [B, C, T] → [B, C, T]: torch.stack([...branches, x]).sum(1), summed in that order. */
    public Tensor forward(Tensor x) {
        Tensor sum = null;
        for (ConvNeXtBlock b : blocks.items()) sum = sum == null ? b.branch(x) : sum.add(b.branch(x));
        return sum.add(x);
    }
}

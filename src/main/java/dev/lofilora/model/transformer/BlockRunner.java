package dev.lofilora.model.transformer;

import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * How {@link ACEStepTransformer2DModel#decode} runs its transformer blocks. {@link #PLAIN} calls them in order (the
 * autograd graph, when grad is on, keeps every block's activations). A training runner can instead run them without
 * a graph, keep only each block's input, and recompute block by block in backward (gradient checkpointing, DESIGN
 * §3.5; libtorch has no {@code torch.utils.checkpoint} and a custom autograd Function cannot be written from Java).
 */
public interface BlockRunner {
    /** Block {@code i} applied to {@code h} [B, T, D] → [B, T, D]; may be called again (recompute) with the same i. */
    @FunctionalInterface
    interface Block {
        Tensor apply(int i, Tensor h);
    }

    /**
     * Runs blocks 0 … {@code count}−1 from {@code x} and returns the last output.
     *
     * @param taps    block indices whose outputs the caller also needs (the REPA heads' depths)
     * @param tapped  receives those outputs by block index
     */
    Tensor run(int count, Block block, Tensor x, int[] taps, Map<Integer, Tensor> tapped);

    /** Runs the blocks in order and returns their outputs as they are. */
    BlockRunner PLAIN = (count, block, x, taps, tapped) -> {
        Tensor h = x;
        for (int i = 0; i < count; i++) {
            h = block.apply(i, h);
            for (int t : taps) if (t == i) tapped.put(i, h);
        }
        return h;
    };
}

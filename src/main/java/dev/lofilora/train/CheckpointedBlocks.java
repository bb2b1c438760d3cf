package dev.lofilora.train;

import dev.lofilora.model.transformer.BlockRunner;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradient checkpointing per transformer block without a custom autograd Function (DESIGN §3.5, javacpp_stack.md
 * §1): {@link #run} executes the blocks under no-grad keeping only each block's input (and the random-generator state
 * before it); the caller computes its loss on the detached output (and on the detached REPA taps) and calls
 * {@code backward()} on it; then {@link #backward()} walks the blocks from the last to the first, recomputes each with
 * its graph from the saved input and the same generator state, and backpropagates the output gradient through it
 * ({@code torch::autograd::backward(y, g)}). Parameter and condition gradients accumulate exactly as in plain
 * backprop; the numbers are the same, because every op runs on the same inputs in the same order.
 *
 * <p>Memory: the block inputs [B, T, D] of every block, plus one block's activations at a time. One instance per step.
 */
final class CheckpointedBlocks implements BlockRunner {
    private final List<Generator> generators;
    private final List<Tensor> inputs = new ArrayList<>();
    private final List<List<Tensor>> rngStates = new ArrayList<>();
    private final Map<Integer, Tensor> tapLeaves = new HashMap<>();
    private Block block;
    private int count;
    private Tensor outLeaf;

    /** @param device the model's device: its default generator (and the CPU's) are saved and restored per block */
    CheckpointedBlocks(Device device) {
        generators = new ArrayList<>();
        generators.add(torch.getDefaultCPUGenerator());
        if (!device.is_cpu()) generators.add(torch.globalContext().defaultGenerator(device));
    }

    @Override
    public Tensor run(int count, Block block, Tensor x, int[] taps, Map<Integer, Tensor> tapped) {
        if (this.block != null) throw new IllegalStateException("a CheckpointedBlocks runs one forward");
        this.count = count;
        this.block = block;
        Tensor h = x;
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < count; i++) {
                rngStates.add(states());
                inputs.add(h);
                h = block.apply(i, h);                                         // [B, T, D], no graph
                for (int t : taps) {
                    if (t == i && !tapLeaves.containsKey(i)) {
                        Tensor leaf = leaf(h);
                        tapLeaves.put(i, leaf);
                        tapped.put(i, leaf);
                    }
                }
            }
        }
        outLeaf = leaf(h);
        return outLeaf;
    }

    private static Tensor leaf(Tensor h) {
        Tensor leaf = h.detach();
        leaf.set_requires_grad(true);
        return leaf;
    }

    private List<Tensor> states() {
        List<Tensor> s = new ArrayList<>();
        for (Generator g : generators) s.add(g.get_state());
        return s;
    }

    private void restore(List<Tensor> states) {
        for (int k = 0; k < generators.size(); k++) generators.get(k).set_state(states.get(k));
    }

    /**
     * Backpropagates through the blocks, last to first. Call once, after the loss's backward has filled the
     * gradients of the returned output and taps. Restores the generators to their state at entry when done.
     */
    void backward() {
        if (outLeaf == null) throw new IllegalStateException("run() first");
        List<Tensor> after = states();
        Tensor g = held(outLeaf.grad());
        try {
            for (int i = count - 1; i >= 0; i--) {
                Tensor tap = tapLeaves.get(i);
                if (tap != null) {
                    Tensor tg = tap.grad();
                    if (tg.defined()) g = g == null ? held(tg) : replace(g, g.add(tg));
                }
                if (g == null) continue; // nothing downstream depends on this block's output
                try (PointerScope scope = new PointerScope()) {
                    restore(rngStates.get(i));
                    Tensor xi = inputs.get(i).detach();
                    if (i > 0) xi.set_requires_grad(true);
                    Tensor y = block.apply(i, xi);                               // recomputed with its graph
                    torch.backward(new TensorVector(y), new TensorVector(g), new BoolOptional(false), false,
                            new TensorVector());
                    Tensor next = i > 0 ? xi.grad() : null;
                    Tensor kept = next != null && next.defined() ? held(next) : null;
                    g.close();
                    g = kept;
                }
            }
        } finally {
            if (g != null) g.close();
            restore(after);
        }
    }

    /**
     * An owned handle that outlives the per-block scope (closed when replaced). {@code grad()} returns a reference
     * into the tensor's autograd metadata, which dies with that tensor, so the handle is copied first.
     */
    private static Tensor held(Tensor t) {
        if (t == null || !t.defined()) return null;
        Tensor own = new Tensor(t);
        own.retainReference();
        return own;
    }

    private static Tensor replace(Tensor old, Tensor next) {
        next.retainReference();
        old.close();
        return next;
    }
}

package dev.lofilora.train.dist;

import java.time.Duration;
import java.util.List;

/**
 * What {@link Launcher} starts: {@code nproc} ranks on this machine (node {@code nodeRank} of {@code nnodes}, with
 * global ranks {@code nodeRank·nproc …}), each running {@code lofi} with {@code args} in its own JVM.
 *
 * @param args    the {@code lofi} arguments every rank runs (e.g. {@code train --model … --backend gloo})
 * @param timeout after one rank fails, how long the others get to stop by themselves before they are killed
 *                (their collectives fail within the collective timeout)
 */
public record LaunchConfig(int nproc, int nnodes, int nodeRank, String masterAddr, int masterPort, List<String> args,
                           Duration timeout) {
    public LaunchConfig {
        if (nproc < 1) throw new IllegalArgumentException("--nproc must be ≥ 1");
        if (nnodes < 1 || nodeRank < 0 || nodeRank >= nnodes) {
            throw new IllegalArgumentException("--node-rank must be in 0…" + (nnodes - 1) + " for --nnodes " + nnodes);
        }
        args = List.copyOf(args);
    }

    public int worldSize() { return nproc * nnodes; }
}

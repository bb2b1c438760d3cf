package dev.lofilora.train.dist;

import java.util.List;

/**
 * A data-parallel run stopped because other ranks died or stopped answering: {@code ranks} names them (empty when
 * they could not be told apart), {@code step} is the optimiser step whose collective failed. Nothing was written
 * for that step; the run resumes from its last complete checkpoint.
 */
public final class RankFailure extends RuntimeException {
    private final List<Integer> ranks;
    private final long step;

    public RankFailure(String message, List<Integer> ranks, long step, Throwable cause) {
        super(message, cause);
        this.ranks = List.copyOf(ranks);
        this.step = step;
    }

    public List<Integer> ranks() { return ranks; }

    public long step() { return step; }
}

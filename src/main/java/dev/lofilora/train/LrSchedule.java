package dev.lofilora.train;

/**
 * The learning rate of optimiser step k (0-based). Pluggable for other trainers' schedules.
 */
@FunctionalInterface
public interface LrSchedule {
    double lr(long step);

    /**
     * ACE-Step's {@code LambdaLR} (research §3.9): {@code base · k/warmup} for k &lt; warmup — so the first step runs at
     * lr 0, as the original — then {@code base · max(0, 1 − (k − warmup)/max(1, maxSteps − warmup))}.
     */
    static LrSchedule warmupLinearDecay(double base, long warmup, long maxSteps) {
        return k -> {
            if (k < warmup) return base * ((double) k / (double) Math.max(1, warmup));
            double progress = (double) (k - warmup) / (double) Math.max(1, maxSteps - warmup);
            return base * Math.max(0.0, 1.0 - progress);
        };
    }
}

package dev.lofilora.train;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The scalar part of a checkpoint ({@code training_state.json}); with the adapter and the optimiser state it is all a
 * resumed run needs, because every random draw is seeded from (seed, step, data position) — see {@link Seeds}.
 *
 * @param step          optimiser steps done
 * @param epoch         data position: epoch of the next batch
 * @param batch         data position: index of the next batch in that epoch's global order
 * @param seed          the run's seed
 * @param rngScheme     how the run's generators are seeded (documents what "the RNG state" is)
 * @param badSteps      non-finite steps in a row at the time of the checkpoint
 * @param identityHash  sha256 of the run's identity (config snapshot), checked on resume
 */
public record TrainingState(@JsonProperty("step") long step,
                            @JsonProperty("epoch") long epoch,
                            @JsonProperty("batch") long batch,
                            @JsonProperty("seed") long seed,
                            @JsonProperty("rng_scheme") String rngScheme,
                            @JsonProperty("bad_steps") int badSteps,
                            @JsonProperty("identity_sha256") String identityHash) {
    public static final String RNG_SCHEME = "per micro-batch: CPU generator and libtorch default generators seeded "
            + "with splitmix(seed, step, micro-batch); data order and crops from splitmix(seed, epoch, batch, item)";

    public DataPosition position() { return new DataPosition(epoch, batch); }
}

package dev.lofilora.train;

import java.nio.file.Path;

/**
 * What a training run did.
 *
 * @param runDir          the run folder
 * @param startStep       the step it started from (0, or the resumed checkpoint's)
 * @param finalStep       optimiser steps done when it ended
 * @param maxSteps        the configured total
 * @param stopped         ended early on request (Ctrl-C), after writing a checkpoint
 * @param latestCheckpoint the newest checkpoint folder (null when none was written)
 * @param firstLoss       the loss of the first step this run computed (NaN when none)
 * @param lastLoss        the loss of the last finite step (NaN when none)
 * @param skippedSteps    steps skipped because the loss or a gradient was not finite
 * @param repa            whether the REPA (SSL projector) loss was on
 * @param wrappedLayers   LoRA layers
 * @param trainableParameters LoRA parameters
 * @param secondsPerStep  mean wall time of this run's steps
 * @param failure         why the run stopped early on its own (non-finite steps), or null
 */
public record TrainResult(Path runDir, long startStep, long finalStep, long maxSteps, boolean stopped,
                          Path latestCheckpoint, double firstLoss, double lastLoss, int skippedSteps, boolean repa,
                          int wrappedLayers, long trainableParameters, double secondsPerStep, String failure) {
    public boolean completed() { return failure == null && finalStep >= maxSteps; }
}

package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;

/**
 * A {@link LoudnessReport} together with what the meter found on the way that the limiter needs on the same audio
 * (each channel's block extremes and true-peak bounds, the K-weighted energies the limiter predicts its output's
 * loudness from), so that {@link TruePeakLimiter#prepare(Measurement, double,
 * boolean)} does not read the samples again for them. Immutable.
 */
public final class Measurement {
    private final AudioBuffer audio;
    private final LoudnessReport report;
    private final BlockStats[] blockStats;
    private final KWeightedEnergy energy;
    /** Per channel, per output block: the true-peak searches' exact block maximum, or the block's bound. */
    private final float[][] blockPeaks;

    Measurement(AudioBuffer audio, LoudnessReport report, BlockStats[] blockStats, KWeightedEnergy energy,
                float[][] blockPeaks) {
        this.audio = audio;
        this.report = report;
        this.blockStats = blockStats;
        this.energy = energy;
        this.blockPeaks = blockPeaks;
    }

    /** The audio measured. */
    public AudioBuffer audio() { return audio; }

    public LoudnessReport report() { return report; }

    BlockStats[] blockStats() { return blockStats; }

    /** What {@link LoudnessMeter#measureWritten} bounds a written copy's blocks with (see {@link #blockPeaks}). */
    float[][] blockPeaks() { return blockPeaks; }

    /** The K-weighted tick (and, where found, block) energies. */
    KWeightedEnergy energy() { return energy; }
}

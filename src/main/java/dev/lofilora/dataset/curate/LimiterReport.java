package dev.lofilora.dataset.curate;

/**
 * What the true-peak limiter did to one file.
 *
 * @param applied            whether the limiter changed the audio (the gained true peak exceeded the ceiling)
 * @param maxGainReductionDb the deepest gain reduction, dB (0 when not applied)
 * @param reducedSeconds     time with more than 0.1 dB of gain reduction
 * @param truePeakInDbtp     true peak after the loudness gain, before limiting
 */
public record LimiterReport(boolean applied, double maxGainReductionDb, double reducedSeconds, double truePeakInDbtp) {}

package dev.lofilora.dataset.curate;

/**
 * What the true-peak limiter did to one file.
 *
 * @param applied            whether the limiter changed the audio (the gained true peak exceeded the ceiling)
 * @param maxGainReductionDb the deepest gain reduction, dB (0 when not applied)
 * @param reducedSeconds     time with more than 0.1 dB of gain reduction
 * @param truePeakInDbtp     true peak after the loudness gain, before limiting
 * @param runs               limiter runs: the gain is re-trimmed and the limiter re-run until the limited result is
 *                           within 0.05 LU of the target (0 when not applied)
 */
public record LimiterReport(boolean applied, double maxGainReductionDb, double reducedSeconds, double truePeakInDbtp,
                            int runs) {}

package dev.lofilora.audio.analysis;

/**
 * One tempo hypothesis.
 *
 * @param bpm      tempo in beats per minute
 * @param strength its periodicity score relative to the best candidate's (the best has 1)
 */
public record TempoCandidate(double bpm, double strength) {}

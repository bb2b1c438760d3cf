package dev.lofilora.audio.qc;

/**
 * One quality check on one file: its name (e.g. {@code "clipping"}), the verdict, the measured value with its
 * unit, and a sentence for the report.
 */
public record CheckResult(String check, Verdict verdict, double value, String unit, String detail) {}

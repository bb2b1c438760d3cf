package dev.lofilora.audio.qc;

/** Outcome of one quality check. */
public enum Verdict { PASS, WARN, FAIL }

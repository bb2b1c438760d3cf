package dev.lofilora.metrics.validate;

import java.nio.file.Path;

/**
 * One clip to score: its id (the file stem: the pairing key with its prompt, never the listing order), audio file,
 * prompt and style ("" when unknown).
 */
public record Clip(String id, Path audio, String prompt, String style) {}

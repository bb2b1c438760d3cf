package dev.lofilora.conformance;

/** An expected tensor that was not compared, and why. {@code name} is formed like {@link TensorComparison#name()}. */
public record SkippedTensor(String name, String reason) {}

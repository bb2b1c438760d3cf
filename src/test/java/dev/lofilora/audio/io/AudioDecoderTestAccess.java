package dev.lofilora.audio.io;

/** Lets tests in other packages reuse this package's test fixtures. */
public final class AudioDecoderTestAccess {
    private AudioDecoderTestAccess() {}

    public static byte[] tinyPng() { return AudioDecoderTest.tinyPng(); }
}

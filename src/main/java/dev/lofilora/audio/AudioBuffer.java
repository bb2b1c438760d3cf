package dev.lofilora.audio;

/**
 * Decoded audio: float samples in [-1, 1] (they may exceed it before limiting), channels first,
 * {@code samples[channel][frame]}. Every channel has the same length.
 */
public record AudioBuffer(float[][] samples, int sampleRate) {
    public AudioBuffer {
        if (samples.length == 0) throw new IllegalArgumentException("no channels");
        for (float[] ch : samples) {
            if (ch.length != samples[0].length) throw new IllegalArgumentException("channels differ in length");
        }
        if (sampleRate <= 0) throw new IllegalArgumentException("sample rate " + sampleRate);
    }

    public int channels() { return samples.length; }

    public int frames() { return samples[0].length; }

    public double seconds() { return frames() / (double) sampleRate; }
}

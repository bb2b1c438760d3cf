package dev.lofilora.audio.synth;

import dev.lofilora.audio.AudioBuffer;

/** A rendered clip (stereo, peak −3 dBFS) and its ground truth. */
public record SynthClip(AudioBuffer audio, SynthTruth truth) {}

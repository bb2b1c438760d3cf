package dev.lofilora.preprocess;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The outcome of {@link ReconstructJob#run}.
 *
 * @param samples48k    samples per channel of the input at 48 kHz (and of the output, cut to the same length)
 * @param latentFrames  T of the latent [8, 16, T]
 * @param snrDb         10·log10(Σx² / Σ(x − y)²) over both channels: how much of the waveform survives (music codecs
 *                      keep the sound rather than the exact phase, so a low value is not by itself bad)
 * @param melDistanceDb the mean absolute difference of the two 128-band log-mel spectrograms, in dB
 */
public record ReconstructResult(@JsonProperty("audio") String audio, @JsonProperty("out") String out,
                                @JsonProperty("model") String model, @JsonProperty("device") String device,
                                @JsonProperty("samples_48k") long samples48k,
                                @JsonProperty("latent_frames") long latentFrames,
                                @JsonProperty("snr_db") double snrDb,
                                @JsonProperty("mel_distance_db") double melDistanceDb,
                                @JsonProperty("seconds") double seconds) {}

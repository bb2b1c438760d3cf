package dev.lofilora.audio.io;

import dev.lofilora.audio.AudioBuffer;

import java.util.List;

/**
 * The result of {@link AudioDecoder#read}: the samples and the facts of the source.
 *
 * @param audio          float samples at the source rate; 1 channel for mono sources, 2 for stereo and for
 *                       sources with more channels (downmixed, see {@link AudioDecoder})
 * @param format         what the source was
 * @param damagedPackets packets the decoder rejected as invalid data and skipped
 * @param warnings       sentences for the report about things that went wrong but left usable audio (truncation,
 *                       skipped packets); empty when decoding was clean
 */
public record DecodedAudio(AudioBuffer audio, SourceFormat format, int damagedPackets, List<String> warnings) {
    public DecodedAudio {
        warnings = List.copyOf(warnings);
    }

    /** Seconds of audio actually decoded. */
    public double decodedSeconds() { return audio.seconds(); }
}

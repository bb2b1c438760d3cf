package dev.lofilora.preprocess;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * One track of a {@code preprocess} run.
 *
 * @param key           the dataset key (file stem); the cache file is {@code <out>/<key>.safetensors}
 * @param audio         the audio file
 * @param status        encoded, unchanged, dropped or failed
 * @param message       why it was dropped or failed, or null
 * @param notes         what was done to it on the way ("padded from 1.20 s to the 3-s minimum", "cropped to 240 s")
 * @param samples48k    the decoded sample count at 48 kHz (before padding/cropping), or null when not decoded
 * @param latentFrames  T of the latent [8, 16, T], or null
 * @param variants      prompt variants encoded, or null
 * @param lyricTokens   lyric ids, or null
 * @param lyricsLanguage "en", "instrumental" or "none", or null
 * @param seconds       wall time spent on the track
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrackReport(@JsonProperty("key") String key,
                          @JsonProperty("audio") String audio,
                          @JsonProperty("status") TrackStatus status,
                          @JsonProperty("message") String message,
                          @JsonProperty("notes") List<String> notes,
                          @JsonProperty("samples_48k") Long samples48k,
                          @JsonProperty("latent_frames") Long latentFrames,
                          @JsonProperty("variants") Integer variants,
                          @JsonProperty("lyric_tokens") Integer lyricTokens,
                          @JsonProperty("lyrics_language") String lyricsLanguage,
                          @JsonProperty("seconds") double seconds) {
    public TrackReport {
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    static TrackReport failed(String key, String audio, String message, double seconds) {
        return new TrackReport(key, audio, TrackStatus.FAILED, message, List.of(), null, null, null, null, null, seconds);
    }
}

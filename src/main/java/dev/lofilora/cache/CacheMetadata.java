package dev.lofilora.cache;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code __metadata__} of a per-track cache file (DESIGN §5).
 *
 * @param formatVersion   {@link TrackCacheFile#FORMAT_VERSION} of the writer
 * @param sourceSha256    sha256 (hex) of the source audio file the latent was computed from
 * @param samples48k      the source's sample count at 48 kHz, before the 240-s crop (the latent length follows from it)
 * @param prompts         the prompt variants, in the order of {@code text_states}' first axis
 * @param lyricsLanguage  the language the lyrics were tokenised as ({@code "en"}, or {@code "instrumental"})
 * @param encoders        per component ({@code "dcae"}, {@code "text_encoder"}, {@code "lyric_tokenizer"}, ...): what
 *                        produced it
 */
public record CacheMetadata(@JsonProperty("format_version") int formatVersion,
                            @JsonProperty("source_sha256") String sourceSha256,
                            @JsonProperty("samples_48k") long samples48k,
                            @JsonProperty("prompts") List<String> prompts,
                            @JsonProperty("lyrics_language") String lyricsLanguage,
                            @JsonProperty("encoders") Map<String, CacheStamp> encoders) {
    public CacheMetadata {
        prompts = List.copyOf(prompts);
        encoders = java.util.Collections.unmodifiableMap(new TreeMap<>(encoders));
    }
}

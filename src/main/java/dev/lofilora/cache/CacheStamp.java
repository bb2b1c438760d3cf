package dev.lofilora.cache;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.TreeMap;

/**
 * What produced one part of a cache entry: a hash of the encoder's (or tokenizer's) weights/vocabulary and the
 * dimensions a reader checks against its model (for example {@code d_model} of the text encoder, {@code vocab_size}
 * of the lyric tokenizer, {@code latent_channels}/{@code latent_height} of the DCAE).
 *
 * @param hash  a content hash (hex) of the component's files, or of the seeded config for the tiny preset
 * @param dims  named dimensions, sorted by name
 */
public record CacheStamp(@JsonProperty("hash") String hash, @JsonProperty("dims") Map<String, Long> dims) {
    public CacheStamp {
        if (hash == null || hash.isBlank()) throw new IllegalArgumentException("a cache stamp needs a hash");
        dims = dims == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(dims));
    }
}

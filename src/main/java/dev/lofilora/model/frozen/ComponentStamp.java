package dev.lofilora.model.frozen;

import java.util.Map;
import java.util.TreeMap;

/**
 * What identifies one frozen component for a cache: a content hash and the dimensions a consumer checks.
 *
 * @param hash sha256 (hex) of the component's files (config.json + the safetensors header and size, or the tokenizer
 *             file), or for the tiny preset of its seeded config section
 * @param dims named dimensions (for example {@code d_model}, {@code latent_channels}, {@code vocab_size})
 */
public record ComponentStamp(String hash, Map<String, Long> dims) {
    public ComponentStamp {
        dims = java.util.Collections.unmodifiableMap(new TreeMap<>(dims));
    }
}
